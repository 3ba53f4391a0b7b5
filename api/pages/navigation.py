"""Where each kind of organisation goes: its home page and the header's links, and who is
signed in, for every page's header (a template context processor)."""

from dataclasses import dataclass

from fastapi import Request

from identity.principal import OrganisationKind, Principal


@dataclass(frozen=True)
class Link:
    name: str
    """What a template sets as `active_page` to mark the link aria-current."""
    endpoint: str
    label: str


# A member or an audit firm is never offered the Secretariat's pages (they would be 403).
LINKS: dict[OrganisationKind, tuple[Link, ...]] = {
    OrganisationKind.SECRETARIAT: (
        Link("overview", "overview_page", "Overview"),
        Link("certifications", "certifications_page", "Certifications"),
        Link("programme", "programme_page", "Programme"),
        Link("deliveries", "deliveries_page", "Deliveries"),
        Link("register", "register", "Public register"),
    ),
    OrganisationKind.MEMBER: (
        Link("member", "member_page", "Your certifications"),
        Link("register", "register", "Public register"),
    ),
    OrganisationKind.AUDIT_FIRM: (
        Link("worklist", "worklist_page", "Worklist"),
        Link("register", "register", "Public register"),
    ),
}
HOMES = {kind: links[0].endpoint for kind, links in LINKS.items()}
"""The page each kind of organisation lands on after signing in: the first of its links."""
KIND_LABELS = {
    OrganisationKind.SECRETARIAT: "Secretariat",
    OrganisationKind.MEMBER: "Member",
    OrganisationKind.AUDIT_FIRM: "Audit firm",
}


@dataclass(frozen=True)
class SignedIn:
    """The header's view of the caller."""

    caller: Principal
    links: tuple[Link, ...]
    csrf_token: str | None
    """The session's, for the sign-out form; None for a bearer token (nothing to sign out of)."""

    @property
    def home(self) -> Link:
        return self.links[0]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.caller.organisation_kind]


def signed_in(request: Request) -> dict[str, SignedIn | None]:
    """`signed_in` for every template: None on public pages and before `authenticated` ran."""
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Principal):
        return {"signed_in": None}
    csrf_token = getattr(request.state, "csrf_token", None)
    return {"signed_in": SignedIn(caller, LINKS[caller.organisation_kind], csrf_token)}
