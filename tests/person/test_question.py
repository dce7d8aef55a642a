"""A question is assessed as of its encounter's date, else the day it was received
(interfaces.md): the date is the caller's input, never a clock read in the core."""

from __future__ import annotations

from datetime import date

from vetline.person import Question
from vetline.resolve import Subject
from vetline.status import Encounter
from vetline.vocab import QueryType


def test_a_question_is_assessed_as_of_its_encounter_else_the_day_received() -> None:
    asked = Subject(last_name="DOE")
    met = Question(asked, encounter=Encounter(date=date(2026, 10, 1)))
    assert met.as_of(date(2026, 11, 24)) == date(2026, 10, 1)
    plain = Question(asked)
    assert plain.as_of(date(2026, 11, 24)) == date(2026, 11, 24)
    assert plain.kind is QueryType.IAQ
