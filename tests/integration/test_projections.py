"""The projector over scripted event logs: the rows it makes, crash and resume, the gap
problem, rebuild, and one leader at a time."""

import asyncio
import hashlib
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import commands as cmd
from domain.audits import AuditType
from domain.documents import DocumentKind
from domain.materials import MaterialCategory
from domain.records import to_record
from eventstore import EventStore
from eventstore.schema import events
from projections import NAMES
from projections.projector import Projector
from projections.rebuild import rebuild
from projections.tables import READ_MODELS, certifications, checkpoints, deadlines, timeline
from tests.scenario import EPOCH, ROLLING_MILL, SECRETARIAT, SMELTER, Story, findings, flows, pdf


async def recorded_story(store: EventStore, majors: int = 0, suspend: bool = False) -> Story:
    """A certified entity's first year, written to the log."""
    story = Story(certification_id=f"cert-{uuid.uuid4().hex[:10]}")
    await story.admit(facilities=(ROLLING_MILL, SMELTER.model_copy(update={"facility_id": "s"})))
    await story.audit(AuditType.CERTIFICATION, date(2040, 2, 13), findings(majors=majors, minors=1))
    if suspend:
        await story.send(cmd.Suspend(actor=SECRETARIAT, reason="complaint"))
    await story.record(store)
    return story


async def rows(engine: AsyncEngine, ids: list[str]) -> dict[str, list[dict]]:
    """Every read model's rows for these certifications, in key order."""
    snapshot = {}
    async with engine.connect() as conn:
        for name, table in READ_MODELS.items():
            query = select(table).where(table.c.certification_id.in_(ids)).order_by(*table.primary_key.columns)
            snapshot[name] = [dict(r) for r in (await conn.execute(query)).mappings()]
    return snapshot


async def test_the_projector_makes_a_row_per_certification_with_its_deadlines_and_timeline(
    engine: AsyncEngine, store: EventStore
) -> None:
    story = await recorded_story(store, majors=1)
    await Projector(engine).catch_up()
    snapshot = await rows(engine, [story.certification_id])
    [row] = snapshot["certifications"]
    assert {
        k: row[k]
        for k in (
            "phase",
            "certificate_kind",
            "certificate_status",
            "valid_from",
            "valid_until",
            "countries",
            "activities",
            "audit_firm_id",
            "open_majors",
            "open_minors",
            "next_audit_type",
            "next_audit_due",
            "applied_on",
            "first_certified_on",
        )
    } == {
        "phase": "certified",
        "certificate_kind": "provisional",
        "certificate_status": "active",
        "valid_from": date(2040, 2, 22),
        "valid_until": date(2041, 2, 22),
        "countries": ["DE", "NO"],
        "activities": ["rolling", "smelting"],
        "audit_firm_id": "firm-a",
        "open_majors": 1,
        "open_minors": 1,
        "next_audit_type": "certification",
        "next_audit_due": date(2041, 2, 22),
        "applied_on": EPOCH,
        "first_certified_on": date(2040, 2, 22),
    }
    assert [(d["deadline_id"], d["due"], d["owner_organisation_id"]) for d in snapshot["deadlines"]] == [
        ("cap:A1", date(2040, 3, 15), "nordic-alu"),
        ("expiry:1", date(2041, 2, 22), "nordic-alu"),
        ("major-closure:A1", date(2041, 2, 15), "nordic-alu"),
    ]
    assert [a["status"] for a in snapshot["audits"]] == ["closed"]
    assert len(snapshot["timeline"]) == len(story.history)
    assert snapshot["timeline"][0]["summary"].startswith("Nordic Aluminium applied for Nordic Aluminium Rolling")


class CrashingProjector(Projector):
    """Dies inside the transaction of its third page, after some read models were written."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, page_size=7)
        timeline_projection = self._projections[-1]
        real_apply = timeline_projection.apply
        self.pages = 0

        async def apply(conn, page):  # type: ignore[no-untyped-def]
            self.pages += 1
            if self.pages == 3:
                raise RuntimeError("projector killed mid-page")
            await real_apply(conn, page)

        timeline_projection.apply = apply  # type: ignore[method-assign]


async def test_a_projector_killed_mid_run_resumes_to_exactly_what_a_rebuild_makes(
    engine: AsyncEngine, store: EventStore
) -> None:
    await Projector(engine).catch_up()
    stories = [await recorded_story(store, majors=m, suspend=m == 2) for m in range(4)]
    ids = [s.certification_id for s in stories]
    crashing = CrashingProjector(engine)
    try:
        await crashing.catch_up()
        raise AssertionError("the projector should have died")
    except RuntimeError:
        pass
    await Projector(engine).catch_up()
    resumed = await rows(engine, ids)
    assert len(resumed["timeline"]) == sum(len(s.history) for s in stories), "each event applied once"
    await rebuild(engine)
    assert await rows(engine, ids) == resumed


async def test_an_event_committed_after_a_later_position_is_not_skipped(engine: AsyncEngine) -> None:
    """The gap problem: position p1 is taken first but commits after p2."""
    await Projector(engine).catch_up()
    early, late = Story(f"gap-{uuid.uuid4().hex[:8]}"), Story(f"gap-{uuid.uuid4().hex[:8]}")
    for story in (early, late):
        await story.apply()
    async with engine.connect() as slow:
        await slow.begin()
        first = await slow.scalar(first_event_insert(early))
        async with engine.begin() as fast:
            second = await fast.scalar(first_event_insert(late))
        assert first < second
        await Projector(engine).catch_up()
        ids = [early.certification_id, late.certification_id]
        assert await timeline_versions(engine, ids) == set(), "nothing passes an open transaction"
        await slow.commit()
    await Projector(engine).catch_up()
    assert await timeline_versions(engine, ids) == {(ids[0], 1), (ids[1], 1)}


def first_event_insert(story: Story):  # type: ignore[no-untyped-def]
    record = to_record(story.certification_id, "gap", 0, story.history[0])
    return (
        insert(events)
        .values(
            stream_id=story.certification_id,
            version=1,
            event_id=record.event_id,
            event_type=record.event_type,
            data=record.data,
            metadata=record.metadata,
        )
        .returning(events.c.global_position)
    )


async def certification_count(engine: AsyncEngine, ids: list[str]) -> int:
    async with engine.connect() as conn:
        return len(
            (
                await conn.execute(
                    select(certifications.c.certification_id).where(certifications.c.certification_id.in_(ids))
                )
            ).all()
        )


async def timeline_versions(engine: AsyncEngine, ids: list[str]) -> set[tuple[str, int]]:
    async with engine.connect() as conn:
        query = select(timeline.c.certification_id, timeline.c.version).where(timeline.c.certification_id.in_(ids))
        return set((await conn.execute(query)).all())


async def test_a_rebuild_repairs_a_damaged_model_while_readers_see_the_old_one_whole(
    engine: AsyncEngine, store: EventStore
) -> None:
    stories = [await recorded_story(store, majors=m) for m in (0, 1, 2)]
    ids = [s.certification_id for s in stories]
    await Projector(engine).catch_up()
    incremental = await rows(engine, ids)
    async with engine.begin() as conn:
        await conn.execute(certifications.delete().where(certifications.c.certification_id == ids[0]))
    observed: list[int] = []
    rebuilding = asyncio.Event()

    async def watch() -> None:
        while not rebuilding.is_set():
            observed.append(await certification_count(engine, ids))
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    read = await rebuild(engine, NAMES, lambda done, total: None, page_size=50)
    rebuilding.set()
    await watcher
    assert read > 0
    assert set(observed) <= {len(ids) - 1, len(ids)}, "never a half-built model"
    assert observed[0] == len(ids) - 1, "the old model, whole, while the new one is built"
    assert await rows(engine, ids) == incremental


async def test_rebuilding_one_model_or_all_equals_incremental_projection(
    engine: AsyncEngine, store: EventStore
) -> None:
    stories = [await recorded_story(store, majors=m) for m in (0, 1)]
    ids = [s.certification_id for s in stories]
    await Projector(engine).catch_up()
    incremental = await rows(engine, ids)
    reported: list[tuple[int, int]] = []
    await rebuild(engine, ["certifications"], lambda read, total: reported.append((read, total)), page_size=50)
    assert await rows(engine, ids) == incremental
    await rebuild(engine, NAMES, page_size=50)
    assert await rows(engine, ids) == incremental
    assert reported and all(read <= total for read, total in reported), "progress against the log's size"
    async with engine.connect() as conn:
        positions = (await conn.execute(select(checkpoints.c.projection, checkpoints.c.global_position))).all()
    assert {p for p, _ in positions} >= set(NAMES)


async def test_models_rebuilt_ahead_of_the_projector_take_only_the_events_after_their_place(
    engine: AsyncEngine, store: EventStore
) -> None:
    await Projector(engine).catch_up()
    before = await recorded_story(store)
    await rebuild(engine, ["certifications", "timeline"], page_size=50)
    after = await recorded_story(store, majors=1)
    await Projector(engine, page_size=5).catch_up()
    ids = [before.certification_id, after.certification_id]
    caught_up = await rows(engine, ids)
    assert len(caught_up["timeline"]) == len(before.history) + len(after.history), "each event applied once"
    async with engine.connect() as conn:
        places = (
            await conn.execute(
                select(checkpoints.c.transaction_id, checkpoints.c.global_position).where(
                    checkpoints.c.projection.in_(NAMES)
                )
            )
        ).all()
    assert len(set(places)) == 1, "every model at the same place"
    await rebuild(engine, NAMES, page_size=50)
    assert await rows(engine, ids) == caught_up


async def test_one_projector_leads_and_another_takes_over_when_it_stops(engine: AsyncEngine, store: EventStore) -> None:
    first, second = Projector(engine, poll_seconds=0.1), Projector(engine, poll_seconds=0.1)
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    running_first = asyncio.create_task(first.run(stop_first))
    await asyncio.wait_for(first.leading.wait(), 10)
    running_second = asyncio.create_task(second.run(stop_second))
    story = await recorded_story(store)
    # The second has asked for the lock and been refused (not merely not asked yet), while
    # the first leads; it keeps asking every poll.
    async with asyncio.timeout(10):
        while second.state.state != "waiting for leadership":  # noqa: ASYNC110 - a state, not an event
            await asyncio.sleep(0.05)
    assert first.leading.is_set() and not second.leading.is_set()
    stop_first.set()
    await running_first
    await asyncio.wait_for(second.leading.wait(), 10)
    later = await recorded_story(store, majors=1)
    for _ in range(50):
        if len(await timeline_versions(engine, [later.certification_id])) == len(later.history):
            break
        await asyncio.sleep(0.1)
    stop_second.set()
    await running_second
    assert len(await timeline_versions(engine, [story.certification_id])) == len(story.history)
    assert len(await timeline_versions(engine, [later.certification_id])) == len(later.history)


async def test_open_deadlines_leave_the_read_model_when_met_or_the_certificate_ends(
    engine: AsyncEngine, store: EventStore
) -> None:
    story = Story(certification_id=f"cert-{uuid.uuid4().hex[:10]}")
    await story.admit()
    await story.audit(AuditType.CERTIFICATION, EPOCH, findings(majors=1))
    await story.send(cmd.Withdraw(actor=SECRETARIAT, reason="left the scheme"))
    await story.record(store)
    await Projector(engine).catch_up()
    async with engine.connect() as conn:
        left = (
            await conn.execute(select(deadlines).where(deadlines.c.certification_id == story.certification_id))
        ).all()
        phase = await conn.scalar(
            select(certifications.c.phase).where(certifications.c.certification_id == story.certification_id)
        )
    assert (left, phase) == ([], "ended")


async def test_attached_documents_and_reported_material_flows_are_projected_and_rebuilt_alike(
    engine: AsyncEngine, store: EventStore
) -> None:
    story = Story(certification_id=f"cert-{uuid.uuid4().hex[:10]}")
    await story.admit(standard="ASI-CoC")
    audit_id = await story.report(AuditType.CERTIFICATION, EPOCH)
    await story.attach(audit_id, DocumentKind.AUDIT_REPORT, pdf("report"))
    await story.send(cmd.AcceptReport(actor=SECRETARIAT, audit_id=audit_id))
    await story.attach(audit_id, DocumentKind.PUBLIC_SUMMARY, pdf("summary"))
    await story.on(date(2041, 3, 1))
    await story.report_flows(2040, flows(MaterialCategory.PRIMARY_ALUMINIUM, MaterialCategory.PRE_CONSUMER_SCRAP))
    await story.record(store)
    await Projector(engine).catch_up()
    snapshot = await rows(engine, [story.certification_id])

    assert [
        (
            d["audit_id"],
            d["kind"],
            d["sha256"],
            d["filename"],
            d["attached_at"],
            d["attached_by_user"],
            d["attached_by_organisation"],
        )
        for d in snapshot["documents"]
    ] == [
        (
            "A1",
            "audit-report",
            hashlib.sha256(pdf("report")).hexdigest(),
            "A1-audit-report.pdf",
            datetime(2040, 1, 11, 9, tzinfo=UTC),
            "arno",
            "firm-a",
        ),
        (
            "A1",
            "public-summary",
            hashlib.sha256(pdf("summary")).hexdigest(),
            "A1-public-summary.pdf",
            datetime(2040, 1, 11, 9, tzinfo=UTC),
            "arno",
            "firm-a",
        ),
    ]
    assert [
        (f["member_id"], f["year"], f["category"], f["tonnes_in"], f["tonnes_out"], f["reported_at"])
        for f in snapshot["material_flows"]
    ] == [
        (
            "nordic-alu",
            2040,
            "pre-consumer-scrap",
            Decimal("100.000"),
            Decimal("90.500"),
            datetime(2041, 3, 1, 9, tzinfo=UTC),
        ),
        (
            "nordic-alu",
            2040,
            "primary-aluminium",
            Decimal("100.000"),
            Decimal("90.500"),
            datetime(2041, 3, 1, 9, tzinfo=UTC),
        ),
    ]
    summaries = [t["summary"] for t in snapshot["timeline"]]
    assert "Audit report A1-audit-report.pdf attached to audit A1" in summaries
    assert summaries[-1] == "Material flows of 2040 reported (2 material categories)"
    await rebuild(engine, ["documents", "material_flows"], page_size=50)
    assert await rows(engine, [story.certification_id]) == snapshot
    await rebuild(engine, NAMES, page_size=50)
    assert await rows(engine, [story.certification_id]) == snapshot
