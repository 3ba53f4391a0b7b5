"""The directory commands of the CLI: input checked, errors named, exit codes returned."""

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import typer
from pydantic import ValidationError

from certflow.settings import Settings
from domain.firms import Accreditation
from domain.notices import Delivery, NoticeKind
from eventstore.database import create_engine
from identity.contact import ContactChange, Contacts, UnknownPerson
from identity.directory import Directory, DirectoryError, NewUser

INVALID = 2


def _invalid(message: str) -> int:
    typer.echo(f"error: {message}", err=True)
    return INVALID


async def _with_directory(settings: Settings, action: Callable[[Directory], Awaitable[int]]) -> int:
    engine = create_engine(settings.resolved_database_url, pool_size=1)
    try:
        return await action(Directory(engine))
    except DirectoryError as error:
        return _invalid(str(error))
    finally:
        await engine.dispose()


def _invalid_fields(error: ValidationError) -> int:
    problem = error.errors()[0]
    return _invalid(f"{'.'.join(str(p) for p in problem['loc']) or 'input'}: {problem['msg']}")


async def create_user(settings: Settings, fields: dict[str, Any]) -> int:
    try:
        user = NewUser.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as error:
        return _invalid_fields(error)

    async def create(directory: Directory) -> int:
        await directory.create_user(user)
        typer.echo(f"user {user.user_id} ({user.role}) in {user.organisation_id}")
        return 0

    return await _with_directory(settings, create)


async def issue_token(settings: Settings, user_id: str, label: str) -> int:
    async def issue(directory: Directory) -> int:
        issued = await directory.issue_token(user_id, label)
        typer.echo(f"token id: {issued.token_id}")
        typer.echo(f"token:    {issued.token}")
        typer.echo("The token is shown this once; only its hash is stored.", err=True)
        return 0

    return await _with_directory(settings, issue)


async def revoke_token(settings: Settings, token_id: str) -> int:
    try:
        parsed = UUID(token_id)
    except ValueError:
        return _invalid(f"token_id: {token_id!r} is not a token id")

    async def revoke(directory: Directory) -> int:
        await directory.revoke_token(parsed)
        typer.echo(f"token {parsed} revoked")
        return 0

    return await _with_directory(settings, revoke)


async def accredit(settings: Settings, firm_id: str, fields: dict[str, Any]) -> int:
    try:
        accreditation = Accreditation.model_validate(fields)
    except ValidationError as error:
        return _invalid_fields(error)

    async def record(directory: Directory) -> int:
        await directory.accredit(firm_id, accreditation)
        typer.echo(
            f"{firm_id} accredited for {accreditation.standard_code} "
            f"from {accreditation.valid_from} until {accreditation.valid_until}"
        )
        return 0

    return await _with_directory(settings, record)


async def _with_contacts(settings: Settings, action: Callable[[Contacts], Awaitable[int]]) -> int:
    engine = create_engine(settings.resolved_database_url, pool_size=1)
    try:
        return await action(Contacts(engine))
    except UnknownPerson as error:
        return _invalid(str(error))
    finally:
        await engine.dispose()


async def set_contact(settings: Settings, user_id: str, fields: dict[str, Any]) -> int:
    try:
        change = ContactChange.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as error:
        return _invalid_fields(error)
    if not change.values():
        return _invalid("nothing to change: give --email, --time-zone, --digest-hour or --contact/--no-contact")

    async def apply(contacts: Contacts) -> int:
        found = await contacts.change(user_id, change)
        typer.echo(
            f"user {found.user_id}: e-mail {found.email or '(none)'}, time zone {found.time_zone}, "
            f"digest at {found.digest_hour}:00, {'a' if found.contact else 'not a'} contact"
        )
        return 0

    return await _with_contacts(settings, apply)


def _one_of(field: str, value: str, choices: type[NoticeKind] | type[Delivery]) -> str | None:
    if value in frozenset(choices):  # a str in an Enum class raises on Python 3.11
        return None
    return f"{field}: {value!r} is not one of {', '.join(choices)}"


async def prefer(settings: Settings, user_id: str, kind: str, delivery: str) -> int:
    problem = _one_of("kind", kind, NoticeKind) or _one_of("delivery", delivery, Delivery)
    if problem:
        return _invalid(problem)

    async def choose(contacts: Contacts) -> int:
        await contacts.prefer(user_id, {NoticeKind(kind): Delivery(delivery)})
        typer.echo(f"user {user_id} gets {kind} notices by {delivery}")
        return 0

    return await _with_contacts(settings, choose)
