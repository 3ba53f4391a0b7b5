"""An uploaded audit document, before any command names it: read no further than the size
limit, checked to be a PDF by its bytes, stored under its SHA-256. The API's upload and the
worklist's upload form both take files so."""

from typing import Any

from fastapi import HTTPException, Request

from starlette.datastructures import UploadFile

from api.deps import get_document_store
from api.models.commands import Problem
from documents.pdf import DocumentRejected, check_pdf
from documents.store import StoredDocument
from domain.actors import Role
from identity.principal import Principal

_READ_CHUNK = 1024 * 1024


def refused_uploader(caller: Principal) -> Problem | None:
    """Asked before the bytes are stored: the domain would refuse the command anyway, and
    the upload would be left behind."""
    if caller.role == Role.AUDITOR:
        return None
    return Problem(detail=f"a {caller.role} may not attach an audit document (only: auditor)", rule="access.role")


async def _read_within(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes, reading no more than one byte past the limit."""
    content = bytearray()
    while chunk := await upload.read(min(_READ_CHUNK, limit + 1 - len(content))):
        content += chunk
        if len(content) > limit:
            break
    return bytes(content)


async def store_upload(request: Request, upload: UploadFile, limit: int) -> StoredDocument:
    """The stored document; HTTPException 413 past the limit, 422 for anything but a PDF."""
    content = await _read_within(upload, limit)
    try:
        check_pdf(content, limit)
    except DocumentRejected as error:
        raise HTTPException(413 if len(content) > limit else 422, str(error)) from None
    return await get_document_store(request).put(content)


def attachment_fields(audit_id: str, kind: str, stored: StoredDocument, filename: str | None) -> dict[str, Any]:
    """The AttachDocument command's fields for a stored upload."""
    return {
        "audit_id": audit_id, "kind": kind, "sha256": stored.sha256, "filename": filename or "document.pdf",
        "size_bytes": stored.size_bytes, "media_type": stored.media_type,
    }
