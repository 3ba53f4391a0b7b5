"""The document store keeps each content once under its SHA-256, and gives it back whole."""

import hashlib
import uuid

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from documents.store import DocumentStore, StoredDocument
from documents.tables import documents
from tests.scenario import pdf


def unique_pdf() -> bytes:
    return pdf(f"report {uuid.uuid4()}")


async def test_a_stored_document_comes_back_whole_under_its_digest(engine: AsyncEngine) -> None:
    store, content = DocumentStore(engine), unique_pdf()
    stored = await store.put(content, "application/pdf")
    assert stored == StoredDocument(
        sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content), media_type="application/pdf"
    )
    assert await store.get(stored.sha256) == (stored, content)


async def test_storing_the_same_content_again_keeps_one_copy(engine: AsyncEngine) -> None:
    store, content = DocumentStore(engine), unique_pdf()
    first = await store.put(content)
    again = await store.put(content)
    assert again == first
    async with engine.connect() as conn:
        copies = await conn.scalar(
            select(func.count()).select_from(documents).where(documents.c.sha256 == first.sha256)
        )
    assert copies == 1


async def test_an_unknown_digest_finds_nothing(engine: AsyncEngine) -> None:
    assert await DocumentStore(engine).get("0" * 64) is None


async def test_the_table_keeps_lowercase_digests_and_true_sizes_only(engine: AsyncEngine) -> None:
    for digest, size in (("A" * 64, 3), ("a" * 64, 4)):
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(
                    insert(documents).values(
                        sha256=digest, media_type="application/pdf", size_bytes=size, content=b"abc"
                    )
                )
