"""Commands refuse text the record cannot hold (a NUL character), naming where it is."""

import pytest
from pydantic import ValidationError

from domain import commands as cmd
from tests.scenario import MEMBER, ROLLING_MILL, Story


def test_a_nul_character_anywhere_in_a_command_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match=r"summary: must not contain a NUL character"):
        cmd.SubmitSelfAssessment(actor=MEMBER, summary="all\x00assessed")
    hidden = ROLLING_MILL.model_copy(update={"name": "Mill\x00"})
    with pytest.raises(ValidationError, match=r"facilities\[0\]\.name: must not contain a NUL character"):
        Story().apply_command(facilities=(hidden,))
