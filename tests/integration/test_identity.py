"""Organisations, users and API tokens: shown once, stored as a hash, revocable."""

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from certflow.cli import app
from domain.actors import Actor, Role
from identity.directory import Directory, DirectoryError, NewUser
from identity.principal import OrganisationKind
from identity.tables import api_tokens
from identity.tokens import token_hash


def a_member(role: Role = Role.MEMBER, organisation: str | None = None) -> NewUser:
    return NewUser(
        user_id=f"user-{uuid.uuid4().hex[:8]}", name="Maria", organisation_id=organisation or f"org-{uuid.uuid4().hex[:8]}",
        organisation_name="Nordic Aluminium", organisation_kind=OrganisationKind.MEMBER, role=role,
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
        user_id=user.user_id, organisation_id=user.organisation_id, role=Role.MEMBER)
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
    firm_user = member.model_copy(update={"user_id": "olga-" + member.user_id, "role": Role.AUDITOR,
                                          "organisation_kind": OrganisationKind.AUDIT_FIRM})
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
    created = runner.invoke(app, ["users", "create", user_id, "--name", "Ana", "--organisation", "greenaudit",
                                  "--organisation-name", "GreenAudit", "--kind", "audit-firm", "--role", "auditor",
                                  "--trained-until", "2030-01-01"], env=env)
    assert created.exit_code == 0, created.output
    issued = runner.invoke(app, ["tokens", "issue", user_id], env=env)
    assert issued.exit_code == 0 and "token:    cf_" in issued.output
    bad_role = runner.invoke(app, ["users", "create", "x", "--name", "X", "--organisation", "o", "--organisation-name",
                                   "O", "--kind", "member", "--role", "boss"], env=env)
    assert bad_role.exit_code == 2 and "error: role:" in bad_role.output
    bad_id = runner.invoke(app, ["tokens", "revoke", "not-a-uuid"], env=env)
    assert bad_id.exit_code == 2 and "error: token_id: 'not-a-uuid' is not a token id" in bad_id.output
