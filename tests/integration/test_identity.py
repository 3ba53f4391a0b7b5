"""Organisations, users and API tokens: shown once, stored as a hash, revocable."""

import uuid
from datetime import date, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from certflow.cli import app
from domain.actors import Actor, Role
from domain.firms import Accreditation
from identity.directory import Directory, DirectoryError, NewUser, SignInThrottled
from identity.principal import OrganisationKind
from identity.sessions import Sessions
from identity.tables import api_tokens, users
from identity.tokens import token_hash


def a_member(role: Role = Role.MEMBER, organisation: str | None = None) -> NewUser:
    return NewUser(
        user_id=f"user-{uuid.uuid4().hex[:8]}",
        name="Maria",
        organisation_id=organisation or f"org-{uuid.uuid4().hex[:8]}",
        organisation_name="Nordic Aluminium",
        organisation_kind=OrganisationKind.MEMBER,
        role=role,
    )


async def test_a_token_is_shown_once_stored_as_a_hash_and_stands_for_its_user(engine: AsyncEngine) -> None:
    directory, user = Directory(engine), a_member()
    await directory.create_user(user)
    issued = await directory.issue_token(user.user_id, "ci")
    assert issued.token.startswith("cf_") and len(issued.token) > 40
    async with engine.connect() as conn:
        stored = (await conn.execute(select(api_tokens).where(api_tokens.c.token_id == issued.token_id))).one()
    assert stored.token_hash == token_hash(issued.token) and issued.token.encode() not in stored.token_hash
    principal = await directory.principal_for_token(issued.token)
    assert principal is not None and principal.actor == Actor(
        user_id=user.user_id, organisation_id=user.organisation_id, role=Role.MEMBER
    )
    assert (principal.organisation_kind, principal.organisation_name) == (OrganisationKind.MEMBER, "Nordic Aluminium")
    assert await directory.principal_for_token(issued.token + "x") is None


async def test_a_revoked_token_stands_for_no_one(engine: AsyncEngine) -> None:
    directory, user = Directory(engine), a_member()
    await directory.create_user(user)
    issued = await directory.issue_token(user.user_id, "laptop")
    await directory.revoke_token(issued.token_id)
    assert await directory.principal_for_token(issued.token) is None
    with pytest.raises(DirectoryError, match="token_id: no live token"):
        await directory.revoke_token(issued.token_id)


async def test_a_users_role_fits_its_organisation_and_an_organisation_keeps_its_kind(engine: AsyncEngine) -> None:
    directory = Directory(engine)
    with pytest.raises(DirectoryError, match="role: a member organisation's users are member, viewer"):
        await directory.create_user(a_member(role=Role.AUDITOR))
    member = a_member()
    await directory.create_user(member)
    firm_user = member.model_copy(
        update={
            "user_id": "olga-" + member.user_id,
            "role": Role.AUDITOR,
            "organisation_kind": OrganisationKind.AUDIT_FIRM,
        }
    )
    with pytest.raises(DirectoryError, match=f"organisation_kind: {member.organisation_id} is a member organisation"):
        await directory.create_user(firm_user)
    with pytest.raises(DirectoryError, match=f"user_id: {member.user_id} already exists"):
        await directory.create_user(member)


async def test_no_token_for_an_unknown_user(engine: AsyncEngine) -> None:
    with pytest.raises(DirectoryError, match="user_id: no user nobody"):
        await Directory(engine).issue_token("nobody", "x")


def test_the_cli_creates_users_issues_tokens_once_and_names_bad_fields(database_url: str) -> None:
    runner, env = CliRunner(), {"DATABASE_URL": database_url, "CERTFLOW_LOG_LEVEL": "WARNING"}
    user_id = f"ana-{uuid.uuid4().hex[:6]}"
    created = runner.invoke(
        app,
        [
            "users",
            "create",
            user_id,
            "--name",
            "Ana",
            "--organisation",
            "greenaudit",
            "--organisation-name",
            "GreenAudit",
            "--kind",
            "audit-firm",
            "--role",
            "auditor",
            "--trained-until",
            "2030-01-01",
        ],
        env=env,
    )
    assert created.exit_code == 0, created.output
    issued = runner.invoke(app, ["tokens", "issue", user_id], env=env)
    assert issued.exit_code == 0 and "token:    cf_" in issued.output
    bad_role = runner.invoke(
        app,
        [
            "users",
            "create",
            "x",
            "--name",
            "X",
            "--organisation",
            "o",
            "--organisation-name",
            "O",
            "--kind",
            "member",
            "--role",
            "boss",
        ],
        env=env,
    )
    assert bad_role.exit_code == 2 and "error: role:" in bad_role.output
    bad_id = runner.invoke(app, ["tokens", "revoke", "not-a-uuid"], env=env)
    assert bad_id.exit_code == 2 and "error: token_id: 'not-a-uuid' is not a token id" in bad_id.output


async def test_a_password_signs_its_user_in_and_nothing_else_does(engine: AsyncEngine) -> None:
    directory = Directory(engine)
    user = a_member().model_copy(update={"password": SecretStr("s3cret-enough")})
    tokens_only = a_member()
    await directory.create_user(user)
    await directory.create_user(tokens_only)

    signed_in = await directory.sign_in(user.user_id, "s3cret-enough", address="192.0.2.1")
    assert signed_in is not None and signed_in.user_id == user.user_id
    assert await directory.sign_in(user.user_id, "wrong", address="192.0.2.1") is None
    assert await directory.sign_in("nobody", "s3cret-enough", address="192.0.2.1") is None
    assert await directory.sign_in(tokens_only.user_id, "", address="192.0.2.1") is None
    async with engine.connect() as conn:
        stored = await conn.scalar(select(users.c.password_hash).where(users.c.user_id == user.user_id))
    assert stored.startswith("scrypt$") and "s3cret" not in stored


async def test_a_session_stands_for_its_user_until_it_is_closed_or_expires(engine: AsyncEngine) -> None:
    directory, user = Directory(engine), a_member()
    await directory.create_user(user)
    principal = await directory.principal_for_token((await directory.issue_token(user.user_id, "t")).token)
    assert principal is not None
    opened = await Sessions(engine).open(principal)
    expired = await Sessions(engine, lifetime=timedelta(seconds=-1)).open(principal)

    found = await Sessions(engine).find(opened.cookie)
    assert found is not None and (found.principal, found.csrf_token) == (principal, opened.csrf_token)
    assert await Sessions(engine).find(expired.cookie) is None
    await Sessions(engine).close(opened.cookie)
    assert await Sessions(engine).find(opened.cookie) is None


async def test_an_audit_firm_is_engaged_with_the_accreditations_the_directory_holds(engine: AsyncEngine) -> None:
    directory, firm_id = Directory(engine), f"firm-{uuid.uuid4().hex[:6]}"
    await directory.create_user(
        a_member(role=Role.AUDITOR, organisation=firm_id).model_copy(
            update={"organisation_kind": OrganisationKind.AUDIT_FIRM, "organisation_name": "Firm"}
        )
    )
    held = Accreditation(standard_code="ASI-PS", valid_from=date(2030, 1, 1), valid_until=date(2032, 1, 1))
    await directory.accredit(firm_id, held)
    await directory.accredit(firm_id, held.model_copy(update={"valid_until": date(2033, 1, 1)}))

    firm = await directory.audit_firm(firm_id)
    assert firm is not None and firm.accreditations == (held.model_copy(update={"valid_until": date(2033, 1, 1)}),)
    assert await directory.audit_firm("nordic-nobody") is None
    with pytest.raises(DirectoryError, match="firm_id: no audit firm nobody"):
        await directory.accredit("nobody", held)


def test_the_cli_asks_for_a_password_and_records_accreditations(database_url: str) -> None:
    runner, env = CliRunner(), {"DATABASE_URL": database_url, "CERTFLOW_LOG_LEVEL": "WARNING"}
    user_id = f"ola-{uuid.uuid4().hex[:6]}"
    created = runner.invoke(
        app,
        [
            "users",
            "create",
            user_id,
            "--name",
            "Ola",
            "--organisation",
            "auditco",
            "--organisation-name",
            "AuditCo",
            "--kind",
            "audit-firm",
            "--role",
            "auditor",
            "--with-password",
        ],
        input="long-enough-pw\nlong-enough-pw\n",
        env=env,
    )
    assert created.exit_code == 0, created.output
    short = runner.invoke(
        app,
        [
            "users",
            "create",
            "x" + user_id,
            "--name",
            "X",
            "--organisation",
            "auditco",
            "--organisation-name",
            "AuditCo",
            "--kind",
            "audit-firm",
            "--role",
            "auditor",
            "--with-password",
        ],
        input="short\nshort\n",
        env=env,
    )
    assert short.exit_code == 2 and "error: password:" in short.output
    accredited = runner.invoke(
        app,
        ["firms", "accredit", "auditco", "--standard", "ASI-PS", "--from", "2030-01-01", "--until", "2033-12-31"],
        env=env,
    )
    assert accredited.exit_code == 0 and "auditco accredited for ASI-PS" in accredited.output
    backwards = runner.invoke(
        app,
        ["firms", "accredit", "auditco", "--standard", "ASI-PS", "--from", "2030-01-01", "--until", "2029-12-31"],
        env=env,
    )
    assert backwards.exit_code == 2 and "valid_until is before valid_from" in backwards.output
    not_a_firm = runner.invoke(
        app,
        ["firms", "accredit", "nobody", "--standard", "ASI-PS", "--from", "2030-01-01", "--until", "2031-01-01"],
        env=env,
    )
    assert not_a_firm.exit_code == 2 and "error: firm_id: no audit firm nobody" in not_a_firm.output


async def test_after_five_failed_sign_ins_even_the_right_password_waits_a_quarter_hour(engine: AsyncEngine) -> None:
    directory = Directory(engine)
    user = a_member().model_copy(update={"password": SecretStr("s3cret-enough")})
    await directory.create_user(user)
    assert await directory.sign_in(user.user_id, "wrong", address="192.0.2.1") is None
    assert (
        await directory.sign_in(user.user_id, "s3cret-enough", address="192.0.2.1") is not None
    )  # a success forgets failures
    for _ in range(5):
        assert await directory.sign_in(user.user_id, "wrong", address="192.0.2.1") is None

    with pytest.raises(SignInThrottled, match="try again in 15 minutes") as throttled:
        await directory.sign_in(user.user_id, "s3cret-enough", address="192.0.2.1")
    assert timedelta(minutes=14) < throttled.value.retry_after <= timedelta(minutes=15)
    with pytest.raises(SignInThrottled):
        for _ in range(6):
            await directory.sign_in("nobody-" + user.user_id, "guess", address="192.0.2.1")
