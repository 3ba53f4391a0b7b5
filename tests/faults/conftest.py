"""One `Service` for the whole fault suite (starting PostgreSQL, Temporal and three Python
processes is the expensive part); each scenario begins with it whole, and a scenario that
fails hands the next one freshly started processes. Every process is stopped at the end,
whatever happened. Each scenario's `Outcome` is printed in a table after the run."""

from collections.abc import AsyncIterator, Generator

import pytest

from tests.faults.outcome import HEADER, Outcome
from tests.faults.service import Service

OUTCOME = pytest.StashKey[Outcome]()
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
ROW = "fault outcome"
"""The name a scenario's table row travels under in its report (from an xdist worker too)."""


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    # From the reports, not this process's memory: under xdist the scenarios ran in a worker.
    reports = [r for kind in terminalreporter.stats.values() for r in kind if isinstance(r, pytest.TestReport)]
    rows = [value for r in reports for name, value in r.user_properties if name == ROW]
    if not rows:
        return
    terminalreporter.section("faults: recovery and commands per fault")
    for line in (HEADER, *(row for row, _ in rows)):
        terminalreporter.write_line(line)
    for _, explanation in rows:
        if explanation:
            terminalreporter.write_line(explanation)
