"""What the signed-in person's routes and pages both take: their contact details and their
calendar feed's tokens (each a dependency over the app's engine), and their profile as the
API answers it."""

from typing import Annotated

from fastapi import Depends, Request

from api.deps import get_engine
from api.models.people import KindPreference, Profile
from domain.notices import NoticeKind
from identity.contact import ContactDetails, Contacts
from identity.principal import Principal
from notifications.calendar_tokens import CalendarTokens
from notifications.recipients import DEFAULT_DELIVERY


def get_contacts(request: Request) -> Contacts:
    return Contacts(get_engine(request))


Contacts_ = Annotated[Contacts, Depends(get_contacts)]


def profile_of(caller: Principal, details: ContactDetails) -> Profile:
    return Profile(
        user_id=caller.user_id,
        name=caller.name,
        organisation_id=caller.organisation_id,
        organisation_name=caller.organisation_name,
        organisation_kind=caller.organisation_kind,
        role=caller.role,
        email=details.email,
        time_zone=details.time_zone,
        digest_hour=details.digest_hour,
        contact=details.contact,
        default_delivery=DEFAULT_DELIVERY,
        preferences=[
            KindPreference(
                kind=kind, delivery=details.preferences.get(kind, DEFAULT_DELIVERY), chosen=kind in details.preferences
            )
            for kind in NoticeKind
        ],
    )


def get_calendar_tokens(request: Request) -> CalendarTokens:
    return CalendarTokens(get_engine(request))


CalendarTokens_ = Annotated[CalendarTokens, Depends(get_calendar_tokens)]


def feed_url(request: Request, token: str) -> str:
    return str(request.url_for("calendar_feed", token=token))
