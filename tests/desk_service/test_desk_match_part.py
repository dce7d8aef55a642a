"""The IAR ``match`` part with possibly-same persons, and identifier-tied records (pure)."""

from __future__ import annotations

from vetline.desk.iaq import Subject
from vetline.desk.service.iar import match_part
from vetline.person.assessing import identifier_records
from vetline.resolve import Resolution
from vetline.status import MatchLevel, RecordRef
from vetline.vocab import IdentityBasis


def test_possible_persons_are_shown_among_the_candidates() -> None:
    res = Resolution(
        MatchLevel.POSITIVE, "P1", 0.999, 12.0,
        records=[("status", "S1")], candidates=[("P1", 0.999), ("P2", 0.41)],
        basis=IdentityBasis.IDENTIFIER, possible=["P2", "P3"], needs_review=True,
    )  # fmt: skip
    match = match_part(res, possible={"P2": [("criminal", "C9")], "P3": [("status", "S7")]})
    by_id = {c["person_id"]: c for c in match["candidates"]}
    # The interfaces.md shape stays; possible persons are marked (added key), and a linked
    # person that was never scored against the query is listed without a probability.
    assert by_id["P1"] == {"person_id": "P1", "probability": 0.999}
    assert by_id["P2"] == {"person_id": "P2", "probability": 0.41, "possible_same_person": True}
    assert by_id["P3"] == {"person_id": "P3", "probability": None, "possible_same_person": True}
    assert match["possible_same_person"] == [
        {"person_id": "P2", "records": [{"source": "criminal", "record_id": "C9"}]},
        {"person_id": "P3", "records": [{"source": "status", "record_id": "S7"}]},
    ]
    assert match["basis"] == "IDENTIFIER"


def test_a_linked_candidate_carries_the_links_reason() -> None:
    from vetline.resolve.links import Link

    link = Link("P1", "P2", "status|S1", "criminal|C9", 0.9993, 11.5,
                "uncorroborated: name and date of birth only")  # fmt: skip
    res = Resolution(
        MatchLevel.PROBABLE, "P1", 0.995, 9.0, candidates=[("P1", 0.995), ("P2", 0.9993)],
        basis=IdentityBasis.BIOGRAPHIC, possible=["P2"], needs_review=True, links=[link],
    )  # fmt: skip
    by_id = {c["person_id"]: c for c in match_part(res)["candidates"]}
    assert by_id["P2"]["link"] == {
        "probability": 0.9993,
        "reason": "uncorroborated: name and date of birth only",
    }
    assert "link" not in by_id["P1"]


def test_identifier_records_are_those_carrying_the_queried_value() -> None:
    subject = Subject(last_name="DOE", a_number="A12345678", fbi_number="123456AB1")
    rows = [
        {"source": "court", "record_id": "K1", "a_number": "012345678"},
        {"source": "court", "record_id": "K2", "a_number": "099999999"},
        {"source": "criminal", "record_id": "C1", "fbi_number": "123456AB1"},
        {"source": "custody", "record_id": "J1"},
    ]
    assert identifier_records(subject, rows) == [
        RecordRef("court", "K1"),
        RecordRef("criminal", "C1"),
    ]
    assert identifier_records(Subject(last_name="DOE", first_name="J"), rows) == []
