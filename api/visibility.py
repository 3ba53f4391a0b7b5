"""Which certifications a caller sees: the Secretariat all of them, a member organisation
only its own, an audit firm only those assigned to it. Applied as SQL conditions on the
certifications read model, so a listing, an export and a single read agree; a certification
outside them answers 404, as if it did not exist."""

from sqlalchemy import ColumnElement

from identity.principal import OrganisationKind, Principal
from projections.tables import certifications

C = certifications.c


def visible_to(caller: Principal) -> list[ColumnElement[bool]]:
    match caller.organisation_kind:
        case OrganisationKind.SECRETARIAT:
            return []
        case OrganisationKind.MEMBER:
            return [C.member_id == caller.organisation_id]
        case OrganisationKind.AUDIT_FIRM:
            return [C.audit_firm_id == caller.organisation_id]
