"""Input handling: partial dates, tolerant rows, bad input named by record and field."""

from __future__ import annotations

from datetime import date

import pytest

from vetline.errors import BadInput
from vetline.status import PersonHistory
from vetline.status.dates import DateSpan, parse_span


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("1985-03-02", date(1985, 3, 2), date(1985, 3, 2)),
        ("1985-03", date(1985, 3, 1), date(1985, 3, 31)),
        ("1984-02", date(1984, 2, 1), date(1984, 2, 29)),
        ("1985", date(1985, 1, 1), date(1985, 12, 31)),
        ("2020-01-01T00:00:00", date(2020, 1, 1), date(2020, 1, 1)),
    ],
)
def test_partial_dates_are_spans(text: str, lo: date, hi: date) -> None:
    span = parse_span(text, "dob")
    assert span is not None and (span.lo, span.hi) == (lo, hi)


@pytest.mark.parametrize("text", ["03/02/1985", "1985-13-01", "85", "yesterday", "1985-02-30"])
def test_bad_dates_name_the_field(text: str) -> None:
    with pytest.raises(BadInput, match="start_date"):
        parse_span(text, "status[x].start_date")


def test_typed_dates_from_parquet_or_json() -> None:
    from datetime import datetime

    assert parse_span(date(2020, 1, 2), "d") == DateSpan(
        date(2020, 1, 2), date(2020, 1, 2), "2020-01-02"
    )
    span = parse_span(datetime(2020, 1, 2, 13, 5), "d")
    assert span is not None and span.lo == date(2020, 1, 2) and type(span.lo) is date


def test_blank_means_unknown() -> None:
    assert parse_span("", "dob") is None
    assert parse_span(None, "dob") is None
    assert parse_span("nan", "dob") is None


def test_span_comparisons_choose_a_side() -> None:
    month = DateSpan(date(2020, 5, 1), date(2020, 5, 31), "2020-05")
    day = date(2020, 5, 20)
    assert not month.certainly_before(day)
    assert month.possibly_before(day)
    assert month.add_years(18).lo == date(2038, 5, 1)
    leap = DateSpan(date(2000, 2, 29), date(2000, 2, 29), "2000-02-29")
    assert leap.add_years(1).lo == date(2001, 2, 28)


def test_rows_are_typed_and_extra_keys_ignored() -> None:
    rows = [
        {
            "source": "status",
            "record_id": "s1",
            "status_class": "lpr",
            "status_state": "granted",
            "start_date": "2010-01",
            "a_number": "A1234567",
            "parent_a_numbers": "A7654321|012345678",
            "whatever": "ignored",
            "line": 7,
        },
        {
            "source": "criminal",
            "record_id": "c1",
            "charge_code": "3530",
            "sentence_days": "400.0",
            "disposition": "CONVICTED",
        },
    ]
    h = PersonHistory.from_rows(rows)
    s = h.status[0]
    assert s.status_class == "LPR" and s.state == "GRANTED"
    assert s.a_number == "001234567"
    assert s.parent_a_numbers == ("007654321", "012345678")
    assert s.start is not None and s.start.partial
    assert h.criminal[0].sentence_days == 400
    assert h.a_numbers == {"001234567"}


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ({"source": "nowhere", "record_id": "1"}, "source"),
        ({"source": "status", "status_class": "LPR"}, "status[None].record_id"),
        ({"source": "status", "record_id": "9", "status_class": "KING"}, "status[9].status_class"),
        ({"source": "status", "record_id": "9"}, "status[9].status_class"),
        (
            {"source": "court", "record_id": "9", "appeal_pending": "maybe"},
            "court[9].appeal_pending",
        ),
        (
            {"source": "criminal", "record_id": "9", "sentence_days": "ten"},
            "criminal[9].sentence_days",
        ),
        (
            {"source": "criminal", "record_id": "9", "sentence_days": "-3"},
            "criminal[9].sentence_days",
        ),
        (
            {"source": "entry_exit", "record_id": "9", "event": "ARRIVAL", "event_date": "1/2/20"},
            "entry_exit[9].event_date",
        ),
        (
            {"source": "status", "record_id": "9", "status_class": "LPR", "a_number": "A12"},
            "status[9].a_number",
        ),
    ],
)
def test_bad_rows_name_record_and_field(row: dict[str, str], where: str) -> None:
    with pytest.raises(BadInput) as err:
        PersonHistory.from_rows([row])
    assert err.value.field == where
