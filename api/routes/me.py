"""The signed-in person's own settings: their profile, contact details and how they want
each kind of notice. A bad value is 422 naming its field, and nothing changes."""

from typing import Annotated, Any

from fastapi import APIRouter, Body

from api.access import Caller
from api.models.errors import AUTHENTICATED, ERRORS
from api.models.people import Profile, ProfileChange
from api.person import Contacts_, profile_of
from domain.notices import Delivery, NoticeKind
from identity.contact import ContactChange, Contacts
from identity.principal import Principal

router = APIRouter(prefix="/me", tags=["me"], responses=AUTHENTICATED)
INVALID: dict[int | str, dict[str, Any]] = {422: ERRORS[422]}


async def _profile(contacts: Contacts, caller: Principal) -> Profile:
    details = await contacts.details(caller.user_id)
    assert details is not None, "the caller was found in the directory a moment ago"
    return profile_of(caller, details)


@router.get("")
async def get_me(caller: Caller, contacts: Contacts_) -> Profile:
    """Who is signed in: their organisation and role, contact details and notice preferences."""
    return await _profile(contacts, caller)


@router.patch("", responses=INVALID)
async def change_me(caller: Caller, contacts: Contacts_, change: ProfileChange) -> Profile:
    """Change the e-mail address, time zone or digest hour; what is left out stays."""
    details = await contacts.change(caller.user_id, ContactChange(**change.model_dump(exclude_none=True)))
    return profile_of(caller, details)


@router.put("/preferences", responses=INVALID)
async def set_preferences(
    caller: Caller,
    contacts: Contacts_,
    choices: Annotated[dict[NoticeKind, Delivery], Body(examples=[{"reminder": "digest", "survey": "none"}])],
) -> Profile:
    """How each kind of notice reaches the caller besides the inbox (email, digest,
    webhook-only, none). The kinds named are set; those left out go back to the default."""
    await contacts.prefer(caller.user_id, choices, replace=True)
    return await _profile(contacts, caller)
