"""A stored upload is held until its command answers: refused bytes go once no other upload
holds them; bytes a command attached stay for good."""

import hashlib
import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from documents.store import DocumentStore
from tests.scenario import pdf


async def test_refused_bytes_go_only_when_no_other_upload_holds_them(engine: AsyncEngine) -> None:
    store, content = DocumentStore(engine), pdf(f"report {uuid.uuid4()}")
    digest = hashlib.sha256(content).hexdigest()
    await store.put(content)
    await store.put(content)  # a second upload of the same bytes, its command still running

    await store.release(digest, attached=False)
    assert await store.get(digest) is not None
    await store.release(digest, attached=False)
    assert await store.get(digest) is None


async def test_attached_bytes_stay_whatever_is_refused_later(engine: AsyncEngine) -> None:
    store, content = DocumentStore(engine), pdf(f"report {uuid.uuid4()}")
    digest = hashlib.sha256(content).hexdigest()
    await store.put(content)
    await store.release(digest, attached=True)
    await store.put(content)
    await store.release(digest, attached=False)

    assert await store.get(digest) is not None
