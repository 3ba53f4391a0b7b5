"""Where a certification's page is for each kind of organisation: the Secretariat's
certification page, a member's own page, an audit firm's audit page."""

from collections.abc import Callable

from fastapi import Request

from api.pages.templating import links
from identity.principal import OrganisationKind

CERTIFICATION_PAGES = {
    OrganisationKind.SECRETARIAT: "certification_page",
    OrganisationKind.MEMBER: "member_certification_page",
    OrganisationKind.AUDIT_FIRM: "audit_page",
}


def certification_links(request: Request, kind: OrganisationKind) -> Callable[[str], str]:
    """The page of a certification by its id, as a person of `kind` opens it."""
    return links(request, CERTIFICATION_PAGES[kind], "certification_id")
