"""Audit documents: the assigned firm uploads an audit's report and its public summary (PDF,
size-limited, stored under their SHA-256), callers who see the certification download them,
and the public downloads summary reports of certified entities from the register."""

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Path, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy import RowMapping

from api.access import Caller
from api.deps import AppOptions, Connection, Dispatch, get_document_store
from api.dispatch import Delivery
from api.idempotency import request_hash
from api.models.commands import CommandResult, Problem, command_of
from api.models.documents import DocumentEntry, DocumentList
from api.models.errors import AUTHENTICATED, ERRORS
from api.params import CertificationId
from api.queries import documents as q
from api.routes.commands import IdempotencyKey
from api.uploads import attachment_fields, refused_uploader, store_upload, upload_held
from api.visibility import visible_to
from domain import commands as cmd
from domain.documents import DocumentKind

router = APIRouter(tags=["documents"])
public_router = APIRouter(prefix="/register", tags=["public register"])

Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="the document's SHA-256, lowercase hex")]
AuditId = Annotated[str, Path(min_length=1, max_length=200)]
_MULTIPART_OVERHEAD = 64 * 1024


def attachment(filename: str) -> str:
    """A Content-Disposition any browser reads: an ASCII name, and the real one per RFC 6266."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.post(
    "/certifications/{certification_id}/audits/{audit_id}/documents",
    status_code=201,
    response_model=CommandResult,
    responses={**ERRORS, 413: {"model": Problem}},
    summary="Attach an audit document",
)
async def attach_document(
    request: Request,
    certification_id: CertificationId,
    audit_id: AuditId,
    caller: Caller,
    dispatcher: Dispatch,
    options: AppOptions,
    kind: Annotated[DocumentKind, Form()],
    file: UploadFile,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Upload a PDF as an audit's report or public summary. The assigned firm's auditors
    attach; the file is checked (a PDF, at most the size limit) and stored under its SHA-256,
    and the certification records `DocumentAttached` naming that digest."""
    await dispatcher.require_reach(caller, certification_id)
    if (refusal := refused_uploader(caller)) is not None:
        return JSONResponse(refusal.model_dump(), 403)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > options.max_document_bytes + _MULTIPART_OVERHEAD:
        raise HTTPException(413, f"file: over the limit of {options.max_document_bytes:,} bytes")
    stored = await store_upload(request, file, options.max_document_bytes)
    async with upload_held(request, stored) as held:
        command = command_of(cmd.AttachDocument, caller, attachment_fields(audit_id, kind, stored, file.filename))
        # The multipart body is consumed by now; the request is its path, kind and content's digest.
        fingerprint = request_hash(request.method, request.url.path, f"{kind}\n{stored.sha256}".encode())
        answer = await dispatcher.deliver(
            Delivery(caller, certification_id, command, idempotency_key, fingerprint, 201)
        )
        held.answered(answer.status_code)
    if answer.status_code == 201:
        answer.headers["Location"] = str(
            request.url_for("download_document", certification_id=certification_id, sha256=stored.sha256)
        )
    return answer


@router.get("/certifications/{certification_id}/documents", responses={**AUTHENTICATED, 404: {"model": Problem}})
async def list_documents(
    request: Request, conn: Connection, caller: Caller, certification_id: CertificationId
) -> DocumentList:
    """The certification's audit documents, oldest first."""
    rows = await q.documents_of(conn, certification_id, visible_to(caller))
    if rows is None:
        raise HTTPException(404, f"no certification {certification_id}")
    return DocumentList(
        items=[
            DocumentEntry.model_validate(
                {
                    **r,
                    "url": str(
                        request.url_for("download_document", certification_id=certification_id, sha256=r["sha256"])
                    ),
                }
            )
            for r in rows
        ]
    )


_PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "the document"}}


@router.get(
    "/certifications/{certification_id}/documents/{sha256}",
    response_class=Response,
    responses={**_PDF, **AUTHENTICATED, 404: {"model": Problem}},
)
async def download_document(
    request: Request, conn: Connection, caller: Caller, certification_id: CertificationId, sha256: Sha256
) -> Response:
    """A document of a certification the caller sees."""
    row = await q.document(conn, certification_id, sha256, visible_to(caller))
    return await _download(request, row, sha256)


@public_router.get(
    "/{certification_id}/summary-reports/{sha256}",
    response_class=Response,
    responses={**_PDF, 404: {"model": Problem}},
)
async def download_summary_report(
    request: Request, conn: Connection, certification_id: CertificationId, sha256: Sha256
) -> Response:
    """A certified entity's public summary audit report: no sign-in needed."""
    return await _download(request, await q.public_summary(conn, certification_id, sha256), sha256)


async def _download(request: Request, row: RowMapping | None, sha256: str) -> Response:
    found = await get_document_store(request).get(sha256) if row is not None else None
    if row is None or found is None:
        raise HTTPException(404, f"no document {sha256}")
    stored, content = found
    return Response(
        content,
        media_type=stored.media_type,
        headers={
            "Content-Disposition": attachment(row["filename"]),
            "ETag": f'"{sha256}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
        },
    )
