"""DocumentStore: content-addressed storage of documents' bytes. The key is the SHA-256 of
the content, so storing the same bytes twice keeps one row and gives the same key."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
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
        """Stores the content unless stored already; either way, the stored document."""
        digest = hashlib.sha256(content).hexdigest()
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(documents)
                .values(sha256=digest, media_type=media_type, size_bytes=len(content), content=content)
                .on_conflict_do_nothing()
            )
            # Stored before under another media type, the first one stays: same bytes, same document.
            stored = await conn.scalar(select(documents.c.media_type).where(documents.c.sha256 == digest))
        return StoredDocument(sha256=digest, size_bytes=len(content), media_type=stored)

    async def get(self, sha256: str) -> tuple[StoredDocument, bytes] | None:
        query = select(documents.c.media_type, documents.c.size_bytes, documents.c.content).where(
            documents.c.sha256 == sha256
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).one_or_none()
        if row is None:
            return None
        return StoredDocument(sha256=sha256, size_bytes=row.size_bytes, media_type=row.media_type), row.content
