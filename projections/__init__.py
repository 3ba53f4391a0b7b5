"""Read models projected from the event log: the projector keeps them current, `rebuild`
makes any of them again from the first event. The events are the truth; every table here
can be thrown away."""

from collections.abc import Mapping

from sqlalchemy import Table

from projections.audits import AuditsProjection
from projections.certifications import CertificationsProjection
from projections.deadlines import DeadlinesProjection
from projections.documents import DocumentsProjection
from projections.material_flows import MaterialFlowsProjection
from projections.nonconformities import NonConformitiesProjection
from projections.projection import Projection
from projections.tables import READ_MODELS
from projections.timeline import TimelineProjection

# Order matters within a page: deadlines read certifications' members and audits' firms.
PROJECTIONS: tuple[type[Projection], ...] = (
    CertificationsProjection,
    AuditsProjection,
    DeadlinesProjection,
    NonConformitiesProjection,
    DocumentsProjection,
    MaterialFlowsProjection,
    TimelineProjection,
)
NAMES = tuple(p.name for p in PROJECTIONS)


def projections(tables: Mapping[str, Table] = READ_MODELS, names: tuple[str, ...] = NAMES) -> list[Projection]:
    """The named projections, in page order, over these tables (default: the live ones)."""
    return [kind(tables) for kind in PROJECTIONS if kind.name in names]
