"""Audit documents: the report and public summary an audit firm attaches to an audit, named by
the SHA-256 of their content (the bytes live in the document store, not in the event log)."""

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints


class DocumentKind(StrEnum):
    AUDIT_REPORT = "audit-report"
    """The full report, for the Secretariat and the member."""
    PUBLIC_SUMMARY = "public-summary"
    """The summary audit report shown on the public register."""


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""A SHA-256 digest in lowercase hex: the document store's key."""


def _not_a_path(name: str) -> str:
    # A filename is shown and offered for download; "." and ".." would name directories.
    if name in (".", ".."):
        raise ValueError("a filename cannot be '.' or '..'")
    return name


Filename = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^/\\\x00-\x1f\x7f]+$"),
    AfterValidator(_not_a_path),
]
"""A file's name as uploaded: no path separators, no control characters."""


class AttachedDocument(BaseModel):
    """What a certification remembers of an attached document: enough to refuse it twice."""

    model_config = ConfigDict(frozen=True)

    audit_id: str
    kind: DocumentKind
    sha256: str
