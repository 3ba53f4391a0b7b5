"""The `certflow` command line."""

import asyncio
import os
from typing import Annotated

import typer

from certflow.logs import configure_logging
from certflow.settings import Settings

app = typer.Typer(
    help="certflow: certification lifecycles as durable workflows over an event log.",
    no_args_is_help=True,
    add_completion=False,
)


def _settings() -> Settings:
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    return settings


@app.command()
def dev() -> None:
    """Run everything locally with demo data: PostgreSQL, Temporal, migrations, the worker."""
    from certflow.dev import run_dev

    settings = Settings()
    if "CERTFLOW_LOG_FORMAT" not in os.environ:  # a person is watching: readable lines
        settings = settings.model_copy(update={"log_format": "console"})
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(run_dev(settings))


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from migrations import upgrade

    settings = _settings()
    upgrade(settings.resolved_database_url)
    typer.echo("database is up to date")


@app.command()
def worker() -> None:
    """Run the worker against CERTFLOW_TEMPORAL_ADDRESS until SIGINT or SIGTERM."""
    from certflow.processes import run_worker

    asyncio.run(run_worker(_settings()))


projections_app = typer.Typer(help="Read models projected from the event log.", no_args_is_help=True)
app.add_typer(projections_app, name="projections")


@app.command()
def projector() -> None:
    """Keep the read models current until SIGINT or SIGTERM (one instance leads; others wait)."""
    from certflow.processes import run_projector

    asyncio.run(run_projector(_settings()))


@app.command()
def notifier() -> None:
    """Deliver notices by e-mail and webhook until SIGINT or SIGTERM (several may run at once)."""
    from certflow.processes import run_notifier

    asyncio.run(run_notifier(_settings()))


@app.command()
def api() -> None:
    """Serve the read API, the Secretariat dashboard and the public register."""
    from certflow.processes import run_api

    asyncio.run(run_api(_settings()))


@projections_app.command("rebuild")
def rebuild(
    name: Annotated[str | None, typer.Argument(help="one read model; all when omitted")] = None,
) -> None:
    """Rebuild read models from the first event into fresh tables, then swap them in."""
    from projections import NAMES

    if name is not None and name not in NAMES:
        typer.echo(f"no read model {name!r}; there are: {', '.join(NAMES)}", err=True)
        raise typer.Exit(2)
    from certflow.processes import rebuild_read_models

    asyncio.run(rebuild_read_models(_settings(), [name] if name else list(NAMES)))


users_app = typer.Typer(help="Organisations and their users.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens: shown once, stored as a hash.", no_args_is_help=True)
firms_app = typer.Typer(help="Audit firms' accreditations.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(firms_app, name="firms")
app.add_typer(tokens_app, name="tokens")


@users_app.command("create")
def create_user(
    user_id: Annotated[str, typer.Argument(help="the user's id, e.g. an e-mail address")],
    name: Annotated[str, typer.Option(help="the user's name")],
    organisation: Annotated[str, typer.Option(help="organisation id (created if new)")],
    organisation_name: Annotated[str, typer.Option(help="the organisation's name")],
    kind: Annotated[str, typer.Option(help="organisation kind: member, audit-firm or secretariat")],
    role: Annotated[str, typer.Option(help="secretariat, auditor, member or viewer")],
    trained_until: Annotated[str | None, typer.Option(help="auditors: training valid until (YYYY-MM-DD)")] = None,
    with_password: Annotated[bool, typer.Option(help="ask for a password to sign in to the pages")] = False,
) -> None:
    """Register a user with one role in one organisation."""
    from certflow.directory import create_user as create

    # Asked for, never an option: a password on the command line is visible to every process.
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True) if with_password else None
    raise typer.Exit(
        asyncio.run(
            create(
                _settings(),
                {
                    "user_id": user_id,
                    "name": name,
                    "organisation_id": organisation,
                    "organisation_name": organisation_name,
                    "organisation_kind": kind,
                    "role": role,
                    "trained_until": trained_until,
                    "password": password,
                },
            )
        )
    )


@firms_app.command("accredit")
def accredit(
    firm: Annotated[str, typer.Argument(help="the audit firm's organisation id")],
    standard: Annotated[str, typer.Option(help="the standard code, e.g. ASI-PS")],
    valid_from: Annotated[str, typer.Option("--from", help="first day of the accreditation (YYYY-MM-DD)")],
    valid_until: Annotated[str, typer.Option("--until", help="last day of the accreditation (YYYY-MM-DD)")],
) -> None:
    """Record an audit firm's accreditation for a standard; engaging the firm checks it."""
    from certflow.directory import accredit as record

    raise typer.Exit(
        asyncio.run(
            record(
                _settings(),
                firm,
                {
                    "standard_code": standard,
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                },
            )
        )
    )


@tokens_app.command("issue")
def issue_token(
    user_id: Annotated[str, typer.Argument(help="the user the token stands for")],
    label: Annotated[str, typer.Option(help="what the token is for")] = "api",
) -> None:
    """Issue an API token for a user; it is printed once and only its hash is kept."""
    from certflow.directory import issue_token as issue

    raise typer.Exit(asyncio.run(issue(_settings(), user_id, label)))


@tokens_app.command("revoke")
def revoke_token(token_id: Annotated[str, typer.Argument(help="the token's id, as printed when issued")]) -> None:
    """Revoke an API token: it stands for no one from now on."""
    from certflow.directory import revoke_token as revoke

    raise typer.Exit(asyncio.run(revoke(_settings(), token_id)))


webhooks_app = typer.Typer(help="Organisations' webhook endpoints: secrets shown once.", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")


@webhooks_app.command("add")
def add_webhook(
    organisation: Annotated[str, typer.Argument(help="the organisation whose notices it gets")],
    url: Annotated[str, typer.Argument(help="https:// (http:// only with CERTFLOW_WEBHOOK_ALLOW_HTTP)")],
) -> None:
    """Register a webhook endpoint; its signing secret is printed once."""
    from certflow.webhook_commands import add

    raise typer.Exit(asyncio.run(add(_settings(), organisation, url)))


@webhooks_app.command("rotate")
def rotate_webhook(endpoint_id: Annotated[str, typer.Argument(help="the endpoint's id")]) -> None:
    """A new secret for an endpoint, printed once; the previous one signs too for 24 hours."""
    from certflow.webhook_commands import rotate

    raise typer.Exit(asyncio.run(rotate(_settings(), endpoint_id)))


@webhooks_app.command("list")
def list_webhooks(
    organisation: Annotated[str | None, typer.Argument(help="one organisation's; all when omitted")] = None,
) -> None:
    """List webhook endpoints (never their secrets)."""
    from certflow.webhook_commands import listed

    raise typer.Exit(asyncio.run(listed(_settings(), organisation)))


@app.command()
def history(
    certification_id: Annotated[str, typer.Argument(help="the certification (and workflow) id")],
) -> None:
    """Print a certification's events as a timeline: when, who, what, why."""
    from certflow.timeline import print_timeline

    raise typer.Exit(asyncio.run(print_timeline(_settings(), certification_id)))


if __name__ == "__main__":
    app()
