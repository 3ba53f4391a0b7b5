"""Deadline ids are spelt once (`deadline_id`) and read back once (`kind_of`): a rule that
meets a deadline by an id no rule builds fails loudly instead of meeting nothing for ever."""

from datetime import UTC, datetime

import pytest

from domain.deadlines import DeadlineKind, deadline_id, kind_of
from domain.rules.deadlines import meet
from domain.rules.emit import Emit
from domain.state import CertificationState
from tests.scenario import SECRETARIAT


@pytest.mark.parametrize("kind", list(DeadlineKind))
def test_every_kind_of_deadline_id_reads_back_as_its_kind(kind: DeadlineKind) -> None:
    assert kind_of(deadline_id(kind, "A1:with-colons@and-at")) == kind


def test_meeting_a_deadline_by_a_misspelt_id_fails_loudly() -> None:
    emit = Emit(actor=SECRETARIAT, at=datetime(2040, 1, 2, tzinfo=UTC))
    state = CertificationState(certification_id="c")
    assert meet(state, emit, deadline_id(DeadlineKind.REPORT, "A1")) == []  # not open: nothing to meet
    with pytest.raises(ValueError):
        meet(state, emit, "reports:A1")
