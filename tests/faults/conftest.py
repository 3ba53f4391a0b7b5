"""One `Service` for the whole fault suite (starting PostgreSQL, Temporal and three Python
processes is the expensive part); each scenario begins with it whole, and a scenario that
fails hands the next one freshly started processes. Every process is stopped at the end,
whatever happened. Each scenario's `Outcome` is printed in a table after the run."""

from collections.abc import AsyncIterator, Generator

import pytest

from tests.faults.outcome import ROW, Outcome
from tests.faults.service import Service

OUTCOME = pytest.StashKey[Outcome]()
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    outcome = item.stash.get(OUTCOME, None)
    if report.when == "call" and outcome is not None:
        report.user_properties.append((ROW, (outcome.row(), outcome.explain() if outcome.violations else "")))
    return report


def _failed(item: pytest.Item) -> bool:
    return any(report.failed for report in item.stash.get(REPORTS, {}).values())


@pytest.fixture(scope="package")
async def whole_service(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Service]:
    service = Service(tmp_path_factory.mktemp("faults"))
    try:
        await service.start()
        yield service
    finally:
        await service.close()


@pytest.fixture
async def service(whole_service: Service, request: pytest.FixtureRequest) -> AsyncIterator[Service]:
    """The service, whole and taking commands, for one scenario."""
    await whole_service.whole()
    yield whole_service
    if _failed(request.node):
        print(whole_service.tails())  # shown with the failure
        whole_service.stop_processes()


@pytest.fixture
def outcome(request: pytest.FixtureRequest) -> Outcome:
    """This scenario's figures, gathered for the table printed after the run."""
    recorded = Outcome(getattr(request.module, "FAULT", request.node.name))
    request.node.stash[OUTCOME] = recorded
    return recorded
