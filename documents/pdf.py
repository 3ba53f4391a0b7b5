"""Checking an upload before it is stored: a non-empty PDF file within the size limit."""

MAX_SIZE_BYTES = 20 * 1024 * 1024
"""The largest upload taken by default: 20 MiB, ample for an audit report with photographs."""

PDF_MAGIC = b"%PDF-"


class DocumentRejected(Exception):
    """An upload refused before it is stored; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _size(size: int) -> str:
    return f"{size:,} bytes ({size / (1024 * 1024):.1f} MiB)"


def check_pdf(content: bytes, max_size_bytes: int = MAX_SIZE_BYTES, field: str = "file") -> None:
    """Raises DocumentRejected naming `field` unless `content` is a PDF of 1..max_size_bytes."""
    if not content:
        raise DocumentRejected(field, "is empty")
    if len(content) > max_size_bytes:
        raise DocumentRejected(field, f"is {_size(len(content))}, over the limit of {_size(max_size_bytes)}")
    # The magic number, not the name or declared type: a browser's guess is no evidence.
    if not content.startswith(PDF_MAGIC):
        raise DocumentRejected(field, "is not a PDF file (it does not start with %PDF-)")
