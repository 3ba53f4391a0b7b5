"""An uploaded audit document is checked before it is stored: a PDF, not empty, not too big."""

import pytest

from documents.pdf import MAX_SIZE_BYTES, DocumentRejected, check_pdf
from tests.scenario import pdf


def test_a_pdf_within_the_limit_is_taken() -> None:
    check_pdf(pdf())
    check_pdf(b"%PDF-" + b"x" * (MAX_SIZE_BYTES - 5))


def test_a_file_that_is_not_a_pdf_is_refused_naming_the_field() -> None:
    with pytest.raises(DocumentRejected, match="report: is not a PDF file") as refused:
        check_pdf(b"PK\x03\x04 a zip archive", field="report")
    assert refused.value.field == "report"


def test_an_empty_upload_is_refused() -> None:
    with pytest.raises(DocumentRejected, match="file: is empty"):
        check_pdf(b"")


def test_an_upload_over_the_limit_is_refused() -> None:
    with pytest.raises(DocumentRejected, match=r"file: is 20,971,521 bytes \(20.0 MiB\), over the limit of 20,971,520"):
        check_pdf(b"%PDF-" + b"x" * (MAX_SIZE_BYTES - 4))
    with pytest.raises(DocumentRejected, match=r"file: is \d+ bytes .*, over the limit of 10 bytes"):
        check_pdf(pdf(), max_size_bytes=10)
