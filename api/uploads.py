"""An uploaded audit document, before any command names it: read no further than the size
limit, checked to be a PDF by its bytes, stored under its SHA-256. The API's upload and the
worklist's upload form both take files so."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import UploadFile

from api.deps import get_document_store
from api.models.commands import Problem
from documents.pdf import DocumentRejected, check_pdf
from documents.store import StoredDocument
from domain.errors import NotPermitted
from domain.rules.documents import require_uploader
from identity.principal import Principal

_READ_CHUNK = 1024 * 1024


def refused_uploader(caller: Principal) -> Problem | None:
    """The domain's rule (only auditors attach documents), asked before the bytes are read:
    the command would be refused anyway."""
    try:
        require_uploader(caller.actor)
    except NotPermitted as refusal:
        return Problem(detail=refusal.message, rule=refusal.rule)
    return None


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


class HeldUpload:
    """What became of a stored upload's command: accepted, refused, or not known."""

    def __init__(self) -> None:
        self.attached: bool | None = None

    def answered(self, status_code: int) -> None:
        # A 5xx says nothing about the command (it may have been applied): the hold stays.
        if status_code < 500:
            self.attached = status_code < 300


@asynccontextmanager
async def upload_held(request: Request, stored: StoredDocument) -> AsyncIterator[HeldUpload]:
    """Releases the upload's hold on its bytes once its command answers (documents/store.py):
    a refused upload leaves nothing stored, an accepted one is kept for good."""
    held = HeldUpload()
    try:
        yield held
    except (HTTPException, RequestValidationError) as refusal:
        held.answered(refusal.status_code if isinstance(refusal, HTTPException) else 422)
        raise
    finally:
        if held.attached is not None:
            await get_document_store(request).release(stored.sha256, held.attached)


def attachment_fields(audit_id: str, kind: str, stored: StoredDocument, filename: str | None) -> dict[str, Any]:
    """The AttachDocument command's fields for a stored upload."""
    return {
        "audit_id": audit_id,
        "kind": kind,
        "sha256": stored.sha256,
        "filename": filename or "document.pdf",
        "size_bytes": stored.size_bytes,
        "media_type": stored.media_type,
    }
