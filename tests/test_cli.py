"""The command line refuses bad input with a clear message and exit code, touching nothing."""

from typer.testing import CliRunner

from certflow.cli import app


def test_rebuilding_an_unknown_read_model_names_the_known_ones_and_exits_2() -> None:
    result = CliRunner().invoke(app, ["projections", "rebuild", "certificates"])
    assert result.exit_code == 2
    assert "no read model 'certificates'; there are: certifications, audits, deadlines" in result.output
