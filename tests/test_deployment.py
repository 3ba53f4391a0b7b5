"""The deployment file stays runnable: it parses, and every certflow command it runs exists."""

import ast
import tomllib
from pathlib import Path

import typer.main
import yaml

from certflow.cli import app

ROOT = Path(__file__).parent.parent


def test_the_compose_file_runs_only_commands_the_cli_has() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    commands = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    ours = {name: s["command"] for name, s in compose["services"].items() if s.get("image") == "certflow:latest"}
    assert set(ours) == {"migrate", "worker", "projector", "notifier", "api"}
    for name, command in ours.items():
        assert command[0] == "certflow" and command[1] in commands, f"{name}: {command}"


def test_the_worker_waits_for_migrations_and_temporal() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["worker"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "temporal": {"condition": "service_healthy"},
    }
    assert services["worker"]["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_the_image_copies_every_package_the_project_installs() -> None:
    # The list comes from pyproject itself: a copy of it here would drift as packages are added.
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = [pattern.removesuffix("*") for pattern in setuptools["packages"]["find"]["include"]]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert packages, "pyproject lists no packages"
    for package in packages:
        assert f"COPY {package} {package}" in dockerfile, package
    for module in setuptools["py-modules"]:
        assert f"COPY {module}.py" in dockerfile, module


def test_the_worker_module_imports_nothing_of_the_application_shell() -> None:
    """certflow (the composition root) runs the worker; the worker never reaches back into it.
    import-linter checks packages, and worker.py is a module of its own, so it is checked here."""
    tree = ast.parse((ROOT / "worker.py").read_text())
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in imported if m == "certflow" or m.startswith("certflow.")]
