"""Typing a store row without the frozen ``__init__`` (``history._builder``) makes the very
record the class's own constructor makes: same class, same fields, equal, same hash."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest

from vetline.errors import BadInput
from vetline.status import history
from vetline.status.dates import DateSpan
from vetline.status.history import CriminalRec, Record, RecordRef, StatusRec, parse_record

DAY = DateSpan(date(2020, 1, 2), date(2020, 1, 2), "2020-01-02")
#: Every record class ``parse_record`` makes, and the key.
CLASSES = [
    RecordRef, Record, StatusRec, history.EntryExitRec, history.EncounterRec,
    history.CourtRec, CriminalRec, history.CustodyRec, history.NoticeRec,
]  # fmt: skip


@pytest.mark.parametrize("cls", CLASSES)
def test_a_maker_makes_what_the_class_makes(cls: type) -> None:
    names = [f.name for f in fields(cls)]
    # a distinct value per field, so a field set from another's value would show
    values = [f"v{n}" for n in range(len(names))]
    made = history._builder(cls)(*values)
    built = cls(**dict(zip(names, values, strict=True)))
    assert type(made) is cls
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert [getattr(made, n) for n in names] == values
    with pytest.raises(AttributeError):  # still frozen
        made.__setattr__(names[0], "x")


def _rebuilt(rec: Record) -> Record:
    """``rec`` made again through its class's constructor (the path main took)."""
    kwargs = {f.name: getattr(rec, f.name) for f in fields(rec)}
    kwargs["ref"] = RecordRef(rec.ref.source, rec.ref.record_id)
    return type(rec)(**kwargs)


ROWS: list[dict[str, object]] = [
    {"source": "status", "record_id": " S1 ", "dob": "1985-03", "birth_country": "mx",
     "citizenship": "nan", "passport_country": "us", "a_number": "A-1234567",
     "status_class": "lpr", "visa_class": "ir5", "status_state": "granted",
     "start_date": "2014-09-27", "end_date": None, "parent_a_numbers": "A012345678| 7654321",
     "us_citizen_parent_claimed": "y"},
    {"source": "entry_exit", "record_id": "E1", "event": "ARRIVAL", "event_date": "2014-09",
     "admission_class": "ir5", "admit_until": "2015"},
    {"source": "encounters", "record_id": 7, "encounter_date": "2013-01-01",
     "encounter_type": "INTERIOR_ARREST", "outcome": "REMOVED", "outcome_date": "2013-02"},
    {"source": "court", "record_id": "J1", "proceeding_date": "2015-01-01",
     "decision": "REMOVAL_ORDER", "decision_date": "2015-06-01", "appeal_pending": "N"},
    {"source": "criminal", "record_id": "C1", "charge_code": " 3599 ", "charge_text": "none",
     "arrest_date": "2021-01-01", "disposition": "CONVICTED", "offense_level": "FELONY",
     "disposition_date": "2021-03-01", "sentence_days": "400.0"},
    {"source": "custody", "record_id": "K1", "facility_name": "X", "booking_date": "2024-05-06"},
    {"source": "interpol", "record_id": "I1", "notice_type": "RED", "issued_date": "2023-02"},
    {"source": "warrants", "record_id": "W1", "warrant_type": "CRIMINAL",
     "warrant_state": "ACTIVE", "issued_date": "2022"},
    {"source": "biometric", "record_id": "B1", "dob": DAY.text, "passport_country": "MX"},
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[str(r["source"]) for r in ROWS])
def test_parsed_records_are_the_constructors_records(row: dict[str, object]) -> None:
    rec = parse_record(row)
    again = _rebuilt(rec)
    assert type(rec) is type(again) and rec == again and hash(rec) == hash(again)
    assert rec.ref == RecordRef(str(row["source"]), str(row["record_id"]).strip())


def test_typed_values() -> None:
    status = parse_record(ROWS[0])
    assert isinstance(status, StatusRec)
    assert (status.birth_country, status.citizenship, status.passport_country) == ("MX", None, "US")
    assert status.a_number == "001234567" and status.state == "GRANTED"
    assert status.visa_class == "IR5" and status.parent_claimed is True
    assert status.parent_a_numbers == ("012345678", "007654321")
    crime = parse_record(ROWS[4])
    assert isinstance(crime, CriminalRec)
    assert (crime.charge_code, crime.charge_text, crime.sentence_days) == ("3599", None, 400)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"record_id": " "}, "status[None].record_id"),
        ({"dob": "1985-13"}, "status[S1].dob"),
        ({"a_number": "A12"}, "status[S1].a_number"),
        ({"dob": "x", "a_number": "A12"}, "status[S1].dob"),  # the first bad field is named
        ({"status_class": None}, "status[S1].status_class"),
        ({"parent_a_numbers": "A1|B"}, "status[S1].parent_a_numbers"),
        ({"status_state": "MAYBE", "start_date": "x"}, "status[S1].status_state"),
        ({"us_citizen_parent_claimed": "maybe"}, "status[S1].us_citizen_parent_claimed"),
    ],
)
def test_bad_fields_are_named_in_order(change: dict[str, object], field: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_record({**ROWS[0], **change})
    assert caught.value.field == field


def test_key_date_of_a_subclass_is_its_nearest_base_s() -> None:
    """``key_date`` looks a record's class up, then its bases: a subclass of a record kind
    is dated as that kind (as the ``isinstance`` chain it replaced did), a plain
    ``Record`` has no date."""
    from dataclasses import dataclass

    @dataclass(frozen=True, slots=True)
    class Rebooked(CriminalRec):
        pass

    day = DateSpan(date(2020, 5, 1), date(2020, 5, 1), "2020-05-01")
    values = {f.name: None for f in fields(Rebooked)}
    rec = Rebooked(**{**values, "ref": RecordRef("criminal", "C1"), "arrest_date": day})
    assert history.key_date(rec) == day
    plain = Record(**{f.name: None for f in fields(Record)})
    assert history.key_date(plain) is None
