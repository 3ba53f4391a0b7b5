"""DocumentStore: content-addressed storage of documents' bytes. The key is the SHA-256 of
the content, so storing the same bytes twice keeps one row and gives the same key.

The bytes are stored before the command that names them is sent (a command must never name
content that is not there when anyone reads it), each upload holding them until its command
answers; `release` then keeps them for good (accepted) or deletes them once no upload holds
them and no command ever attached them (refused). An upload whose answer never came (a crash,
Temporal out of reach) keeps its hold: its bytes may be attached, so they stay."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from documents.tables import documents


@dataclass(frozen=True)
class StoredDocument:
    sha256: str
    """Lowercase hex: what an AttachDocument command names."""
    size_bytes: int
    media_type: str


class DocumentStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def put(self, content: bytes, media_type: str = "application/pdf") -> StoredDocument:
        """Stores the content unless stored already, and holds it until `release`; either way,
        the stored document."""
        digest = hashlib.sha256(content).hexdigest()
        statement = (
            insert(documents)
            .values(
                sha256=digest, media_type=media_type, size_bytes=len(content), content=content, holds=1, attached=False
            )
            # Stored before under another media type, the first one stays: same bytes, same document.
            .on_conflict_do_update(index_elements=[documents.c.sha256], set_={"holds": documents.c.holds + 1})
            .returning(documents.c.media_type)
        )
        async with self._engine.begin() as conn:
            stored = await conn.scalar(statement)
        return StoredDocument(sha256=digest, size_bytes=len(content), media_type=stored)

    async def release(self, sha256: str, attached: bool) -> None:
        """One upload's command answered: `attached` (accepted) keeps the bytes for good; a
        refusal deletes them unless another upload still holds them or a command attached them.
        The row lock taken by the update orders this against a concurrent `put` of the same
        bytes: that one either holds the row first (nothing is deleted) or stores it anew."""
        row = documents.c
        async with self._engine.begin() as conn:
            await conn.execute(
                update(documents)
                .where(row.sha256 == sha256)
                .values(holds=func.greatest(row.holds - 1, 0), attached=row.attached | attached)
            )
            await conn.execute(delete(documents).where(row.sha256 == sha256, row.holds == 0, row.attached.is_(False)))

    async def get(self, sha256: str) -> tuple[StoredDocument, bytes] | None:
        query = select(documents.c.media_type, documents.c.size_bytes, documents.c.content).where(
            documents.c.sha256 == sha256
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).one_or_none()
        if row is None:
            return None
        return StoredDocument(sha256=sha256, size_bytes=row.size_bytes, media_type=row.media_type), row.content
