"""Who the benchmarks' commands and events come from (as in tests/scenario.py)."""

from domain.actors import Actor, Role

MEMBER = Actor(user_id="maria", organisation_id="nordic-alu", role=Role.MEMBER)
AUDITOR = Actor(user_id="arno", organisation_id="firm-a", role=Role.AUDITOR)
SECRETARIAT = Actor(user_id="sam", organisation_id="asi", role=Role.SECRETARIAT)
