"""The API and the worker started while their Temporal server is not up yet: the API serves
reads at once and answers commands 503, the worker waits; once the server starts, both
connect by themselves and a command goes through, without restarting either."""

import asyncio
import uuid

import httpx

from certflow.processes import run_api, run_projector, run_worker
from certflow.settings import Settings
from tests.api.journey import http_call
from tests.api.serving import free_port, wait_until_up
from tests.people import People
from tests.scenario import MEMBER, Story
from tests.temporal import dev_server

BOUND_SECONDS = 15


async def test_the_api_and_the_worker_started_before_temporal_work_once_it_is_up(
    database_url: str, people: People
) -> None:
    settings = Settings(
        DATABASE_URL=database_url,
        temporal_address=f"127.0.0.1:{free_port()}",
        task_queue=f"certflow-before-temporal-{uuid.uuid4()}",
        api_port=free_port(),
    )
    url, stop = f"http://127.0.0.1:{settings.api_port}", asyncio.Event()
    path, body = http_call(Story().apply_command(), None)
    processes = [
        asyncio.create_task(run_api(settings, stop)),
        asyncio.create_task(run_worker(settings, stop)),
        asyncio.create_task(run_projector(settings, stop)),
    ]
    try:
        await wait_until_up(url, processes[0])
        async with httpx.AsyncClient(base_url=url, timeout=10, headers=people.bearer(MEMBER)) as http:
            assert (await http.get("/api/v1/certifications")).status_code == 200
            refused = await http.post(path, json=body)
            assert refused.status_code == 503, refused.text
            assert (await http.get("/readyz")).json()["checks"]["temporal"] != "ok"
            await asyncio.sleep(1)  # several attempts to connect fail meanwhile
            assert not any(p.done() for p in processes), "a process gave up while Temporal was down"

            temporal = await dev_server(port=int(settings.temporal_address.rpartition(":")[2]))
            try:
                async with asyncio.timeout(BOUND_SECONDS):
                    # Polling another server's answers: there is no event of ours to wait on.
                    while (applied := await http.post(path, json=body)).status_code == 503:  # noqa: ASYNC110
                        await asyncio.sleep(0.2)
                    while (await http.get("/readyz")).status_code != 200:  # noqa: ASYNC110
                        await asyncio.sleep(0.2)
                assert applied.status_code == 201, applied.text
            finally:
                stop.set()
                async with asyncio.timeout(BOUND_SECONDS):
                    await asyncio.gather(*processes)
                await temporal.shutdown()
    finally:
        stop.set()
        for process in processes:
            process.cancel()
