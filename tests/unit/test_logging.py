"""Logging writes to the standard error stream as it is when a line is written: a host that
swaps stderr for a while (a test runner, a CLI embedded in another program) and closes its
stream must not make every later log line raise."""

import io
import sys

import pytest
import structlog

from certflow.logs import configure_logging


def test_a_line_logged_after_the_configured_stream_was_closed_goes_to_the_current_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    borrowed, kept = io.StringIO(), sys.stderr
    sys.stderr = borrowed
    try:
        configure_logging("json", "INFO")
    finally:
        sys.stderr = kept
        borrowed.close()
    structlog.get_logger("certflow.test").warning("still written")
    assert "still written" in capsys.readouterr().err
