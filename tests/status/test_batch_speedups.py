"""What batch vetting's speed-ups may not change (issue 16): the assessment without its
timeline, the records grouped by kind in one pass, recorded dates parsed once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from vetline.errors import BadInput
from vetline.status import PersonHistory, Policy, assess, load_policy
from vetline.status.dates import parse_span, parse_span_at
from vetline.status.history import EntryExitRec, NoticeRec, RecordRef, parse_record
from vetline.vocab import MatchLevel

AS_OF = date(2026, 11, 1)
BASE = {"last_name": "TESTER", "first_name": "PAT", "dob": "1985-03-02", "birth_country": "MX"}
ROWS: list[dict[str, object]] = [
    {**BASE, "source": "status", "record_id": "S1", "status_class": "LPR",
     "status_state": "GRANTED", "start_date": "2014-09-27", "parent_a_numbers": "A012345678"},
    {**BASE, "source": "entry_exit", "record_id": "E1", "event": "ARRIVAL",
     "event_date": "2014-09", "admission_class": "IR5"},
    {**BASE, "source": "criminal", "record_id": "C1", "charge_code": "3599",
     "arrest_date": "2021-01-01", "disposition": "CONVICTED", "offense_level": "FELONY",
     "disposition_date": "2021-03-01", "sentence_days": "400"},
    {**BASE, "source": "warrants", "record_id": "W1", "warrant_type": "CRIMINAL",
     "warrant_state": "ACTIVE", "issued_date": "2022"},
    {**BASE, "source": "interpol", "record_id": "I1", "notice_type": "RED",
     "issued_date": "2023-02"},
    {**BASE, "source": "custody", "record_id": "K1", "booking_date": "2024-05-06"},
    {**BASE, "source": "encounters", "record_id": "N1", "encounter_date": "2013-01-01",
     "encounter_type": "INTERIOR_ARREST"},
    {**BASE, "source": "court", "record_id": "J1", "proceeding_date": "2015-01-01"},
    {**BASE, "source": "biometric", "record_id": "B1", "fin": "1234567890"},
]  # fmt: skip


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def test_records_are_grouped_by_kind_as_isinstance_groups_them() -> None:
    history = PersonHistory.from_rows(ROWS)
    records = history.records
    assert history.status == tuple(r for r in records if r.ref.source == "status")
    assert [r.ref.record_id for r in history.entry_exit] == ["E1"]
    assert [r.ref.record_id for r in history.warrants] == ["W1"]
    assert [r.ref.record_id for r in history.interpol] == ["I1"]
    assert [r.ref.record_id for r in history.custody] == ["K1"]
    assert [r.ref.record_id for r in history.encounters] == ["N1"]
    assert [r.ref.record_id for r in history.court] == ["J1"]
    assert [r.ref.record_id for r in history.criminal] == ["C1"]
    grouped = {r for kind in (history.status, history.entry_exit, history.encounters,
                              history.court, history.criminal, history.custody,
                              history.interpol, history.warrants) for r in kind}  # fmt: skip
    assert {r.ref.record_id for r in records} - {r.ref.record_id for r in grouped} == {"B1"}
    # a notice of another source (built by hand) belongs to no kind, as before
    stray = NoticeRec(RecordRef("other", "X"), None, None, None, None, kind="X", issued=None,
                      active=True)  # fmt: skip
    assert PersonHistory.from_records([stray]).warrants == ()


def test_the_timeline_is_all_that_timeline_false_leaves_out(policy: Policy) -> None:
    history = PersonHistory.from_rows(ROWS)
    full = assess(history, AS_OF, policy=policy, match_level=MatchLevel.POSITIVE)
    lean = assess(history, AS_OF, policy=policy, match_level=MatchLevel.POSITIVE, timeline=False)
    assert full.timeline and lean.timeline == ()
    assert replace(full, timeline=()) == lean


def test_a_date_parsed_once_is_the_same_span_and_a_bad_one_still_names_its_field() -> None:
    first = parse_span("1999-12-31", "x")
    assert parse_span_at("1999-12-31", "status[S1]", "start_date") is first
    assert parse_span_at(" 1999-12 ", "r", "d") == parse_span("1999-12", "r.d")
    assert parse_span_at(None, "r", "d") is None and parse_span_at("nan", "r", "d") is None
    with pytest.raises(BadInput, match=r"status\[S9\]\.start_date"):
        parse_span_at("1999-13-01", "status[S9]", "start_date")
    with pytest.raises(BadInput, match=r"status\[S9\]\.end_date"):
        parse_record({**ROWS[0], "record_id": "S9", "end_date": "31/12/1999"})


@pytest.mark.parametrize("blank", ["", " ", "nan", "NaN", "None", "NAT"])
def test_blank_markers_still_read_as_missing(blank: str) -> None:
    record = parse_record({**ROWS[1], "admission_class": blank})
    assert isinstance(record, EntryExitRec) and record.admission_class is None


@pytest.mark.parametrize("day", [date(2013, 1, 1), date(2021, 2, 1), date(2024, 5, 6), AS_OF])
def test_facts_as_of_a_day_after_every_event_keep_every_record(day: date) -> None:
    """``Facts.of`` skips its filter when no record's event began after the day
    (``PersonHistory.latest_event``): what it keeps is what the filter keeps."""
    from vetline.status.facts import Facts, key_date

    history = PersonHistory.from_rows(ROWS)
    assert history.latest_event == date(2024, 5, 6)
    facts = Facts.of(history, day)
    for name in ("status", "entry_exit", "encounters", "court", "criminal", "custody",
                 "interpol", "warrants", "records"):  # fmt: skip
        kept = tuple(r for r in getattr(history, name) if (d := key_date(r)) is None or d.lo <= day)
        assert getattr(facts, name) == kept
    assert len(facts.records) < len(history.records) or day >= date(2024, 5, 6)
    assert PersonHistory.from_rows([ROWS[-1]]).latest_event is None  # nothing dated


@pytest.mark.parametrize("admitted", [True, False])
@pytest.mark.parametrize("admission", [None, "2010-06-01"])
def test_no_charge_no_ground_from_any_rule(
    policy: Policy, admitted: bool, admission: str | None
) -> None:
    """``conviction_grounds`` returns at once without charges: what every rule would say."""
    from vetline.status.grounds import (
        DEPORTABILITY_RULES,
        INADMISSIBILITY_RULES,
        ChargeFacts,
        Context,
        conviction_grounds,
    )

    ctx = Context(policy.thresholds, parse_span(admission, "d"), AS_OF)
    for rule in (*DEPORTABILITY_RULES, *INADMISSIBILITY_RULES):
        assert rule.evaluate([], ctx) == []
    assert conviction_grounds(ChargeFacts(), ctx, admitted) == ([], [])
