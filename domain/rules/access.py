"""Who may give which command: role first, then organisation (firewalled members and firms)."""

from domain.actors import Actor, Role
from domain.errors import NotPermitted
from domain.state import CertificationState


def require_role(actor: Actor, action: str, *roles: Role) -> None:
    if actor.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        role = actor.role.value
        article = "an" if role[0] in "aeiou" else "a"
        raise NotPermitted("access.role", f"{article} {role} may not {action} (only: {allowed})")


def require_secretariat(actor: Actor, action: str) -> None:
    require_role(actor, action, Role.SECRETARIAT)


def require_member(state: CertificationState, actor: Actor, action: str) -> None:
    require_role(actor, action, Role.MEMBER)
    if actor.organisation_id != state.member_id:
        raise NotPermitted("access.own-organisation", f"only member {state.member_id} may {action} for this entity")


def require_assigned_firm(state: CertificationState, actor: Actor, action: str) -> None:
    require_role(actor, action, Role.AUDITOR)
    firm = state.audit_firm
    if firm is None or actor.organisation_id != firm.firm_id:
        assigned = firm.firm_id if firm else "none"
        raise NotPermitted("access.assigned-firm", f"only auditors of the assigned firm ({assigned}) may {action}")


def require_system(actor: Actor, action: str) -> None:
    require_role(actor, action, Role.SYSTEM)
