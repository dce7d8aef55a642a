"""Possibly-same persons whose records ARE this person's: tied by an event or by the FIN.

Issue 11 principle 2: evidence towards removal counts only from records that ARE this
person, and biographic agreement alone never makes them so. The fingerprints' enrolment
is an event: an arrival on the very day, with the same names and full date of birth, and
the build's clean "name and date of birth only" link, ties the arrival to the fingerprinted
person (``vetline.person.corroboration``), and the answer says so with both records. Each
guard is tested to refuse the tie; a citizenship sign or removal evidence on a person that
is NOT tied stays where principle 2 puts it.

Through the person core's real path (``PersonLookup`` → ``work_out``) over a stand-in
resolver and record store (no database is involved: the store is the in-memory rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from itertools import count
from typing import Any

import pytest

from vetline.person import PersonLookup, Question, work_out
from vetline.person.corroboration import names_agree, same_person
from vetline.resolve import Resolution, Subject
from vetline.resolve.cluster import UNCORROBORATED
from vetline.resolve.links import Link
from vetline.status import Policy, load_policy
from vetline.status.result import Direction
from vetline.vocab import (
    ENFORCEMENT_ACTIONS,
    Action,
    Assessment,
    Flag,
    IdentityBasis,
    MatchLevel,
    QueryType,
    StatusCode,
)

Row = dict[str, str | None]
AS_OF = date(2026, 11, 1)
FIN = "1234567890"
ME, MAYBE, OTHER = "P-FIN", "P-MAYBE", "P-OTHER"
DAY = "2019-05-01"
_ids = count(1)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def row(source: str, **cols: str | None) -> Row:
    out: Row = {
        "source": source,
        "record_id": f"{source[:2].upper()}{next(_ids):06d}",
        "last_name": "TESTER GARCIA",
        "first_name": "PAT",
        "dob": "1985-03-02",
        "sex": "M",
        "birth_country": "MX",
    }
    out.update(cols)
    return out


def fingerprint(**cols: str | None) -> Row:
    return row("biometric", fin=FIN, enrolled_date=DAY, enrolling_ori="CA0370000", **cols)


def arrival(when: str = DAY, **cols: str | None) -> Row:
    cols = {"admission_class": "B2", "admit_until": "2019-10-31", **cols}
    return row("entry_exit", event="ARRIVAL", event_date=when, **cols)


def conviction() -> Row:
    return row("criminal", charge_code="2202", arrest_date="2021-01-01", disposition="CONVICTED",
               offense_level="FELONY", disposition_date="2021-02-01")  # fmt: skip


def booking() -> Row:
    return row("custody", booking_date="2026-10-20", facility_ori="CA0370000")


def link(other: str, reason: str | None = UNCORROBORATED) -> Link:
    return Link(ME, other, "biometric|x", f"entry_exit|{other}", 0.9999, 13.0, reason or "")


class Store:
    """The record store: rows by key, in the order asked."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = {(str(r["source"]), str(r["record_id"])): r for r in rows}

    def fetch(self, keys: Iterable[tuple[str, str]]) -> list[dict[str, object]]:
        return [dict(self.rows[k]) for k in keys if k in self.rows]


class _Coded:
    def __init__(self, uids: list[str]) -> None:
        self.uids = uids

    def values(self, rows: list[int]) -> list[str]:
        return [self.uids[i] for i in rows]


class _Index:
    def __init__(self, persons: Mapping[str, list[Row]]) -> None:
        self.where: dict[str, list[int]] = {}
        uids: list[str] = []
        for pid, rows in persons.items():
            for r in rows:
                self.where.setdefault(pid, []).append(len(uids))
                uids.append(f"{r['source']}|{r['record_id']}")
        self.coded = {"unique_id": _Coded(uids)}

    def rows_of_person(self, person_id: str) -> list[int]:
        return self.where.get(person_id, [])


class Resolver:
    """Fingerprints settled it: ``ME`` is the subject; the others may be (``possible``)."""

    def __init__(self, persons: Mapping[str, list[Row]], links: list[Link]) -> None:
        self.index = _Index(persons)
        self.persons, self.links = persons, links

    def resolve(self, subject: Any) -> Resolution:
        keys = [(str(r["source"]), str(r["record_id"])) for r in self.persons[ME]]
        others = [p for p in self.persons if p != ME]
        return Resolution(
            MatchLevel.POSITIVE, ME, 1.0, 30.0, records=keys,
            candidates=[(p, 1.0) for p in self.persons], basis=IdentityBasis.BIOMETRIC,
            possible=others, links=self.links,
        )  # fmt: skip


def answer(
    persons: Mapping[str, list[Row]], policy: Policy, links: list[Link] | None = None
) -> Any:
    store = Store(r for rows in persons.values() for r in rows)
    lookup = PersonLookup(Resolver(persons, [link(MAYBE)] if links is None else links), store)
    question = Question(Subject(last_name="TESTER GARCIA", first_name="PAT", fin=FIN),
                        QueryType.BIOMETRIC)  # fmt: skip
    outcome = work_out(question, lookup, received=AS_OF, policy=policy)
    if Flag.POSSIBLE_US_CITIZEN in outcome.assessment.flags:
        assert outcome.assessment.recommendation.action not in ENFORCEMENT_ACTIONS
    return outcome


def test_an_arrival_on_the_enrolment_day_is_this_persons_record(policy: Policy) -> None:
    bio, arr = fingerprint(), arrival()
    out = answer({ME: [bio, conviction(), booking()], MAYBE: [arr]}, policy)
    a = out.assessment
    assert out.found.same_person.keys() == {MAYBE}
    assert a.status.code is StatusCode.OVERSTAY
    assert a.removability.assessment is Assessment.REMOVABLE
    assert a.recommendation.action is Action.DETAINER  # fingerprints + this person's records
    assert out.decision.automatic, out.decision.queue_reasons
    # the tie is shown with its two records and the fields compared
    (note,) = [n for n in a.possible if n.direction is Direction.SAME_PERSON]
    assert [(r.source, r.record_id) for r in note.evidence] == [
        ("biometric", bio["record_id"]),
        ("entry_exit", arr["record_id"]),
    ]
    assert DAY in note.text and "enrolled_date" in note.fields and note.citation
    # the grounds rest on the tied arrival, which is this person's now
    assert any(e.record_id == arr["record_id"] for g in a.removability.grounds for e in g.evidence)
    assert MAYBE in out.possible_ids  # still listed among the records read (audit, IAR)


def test_without_the_tie_the_same_records_only_may_be_this_person(policy: Policy) -> None:
    out = answer({ME: [fingerprint(), conviction(), booking()], MAYBE: [arrival("2019-05-02")]},
                 policy)  # fmt: skip
    assert not out.found.same_person
    assert out.assessment.status.code is StatusCode.UNKNOWN
    assert out.assessment.recommendation.action not in ENFORCEMENT_ACTIONS
    assert not out.decision.automatic


@pytest.mark.parametrize(
    ("why", "own", "theirs", "links"),
    [
        ("date of birth differs", {}, {"dob": "1985-03-12"}, None),
        ("partial date of birth", {"dob": "1985-03"}, {}, None),
        ("first names differ", {}, {"first_name": "LUIS"}, None),
        ("twins: second given names differ", {"first_name": "MARIA JOSE"},
         {"first_name": "MARIA FERNANDA"}, None),
        ("sexes differ", {}, {"sex": "F"}, None),
        ("a different passport", {"passport_number": "X1234567"},
         {"passport_number": "Y7654321"}, None),
        ("another A-number", {"a_number": "123456789"}, {"a_number": "987654321"}, None),
        ("no link", {}, {}, []),
        ("a link that says first names differ", {}, {}, [link(MAYBE, "first names differ")]),
    ],
)  # fmt: skip
def test_never_tied(
    why: str, own: Row, theirs: Row, links: list[Link] | None, policy: Policy
) -> None:
    out = answer({ME: [fingerprint(**own), conviction()], MAYBE: [arrival(**theirs)]},
                 policy, links)  # fmt: skip
    assert not out.found.same_person, why
    assert out.assessment.recommendation.action not in ENFORCEMENT_ACTIONS, why


def test_a_companion_arriving_that_day_is_not_tied(policy: Policy) -> None:
    """This person's own arrival that day: another arrival that day is someone else's."""
    persons = {ME: [fingerprint(), arrival(admit_until="2027-01-01")], MAYBE: [arrival()]}
    assert not answer(persons, policy).found.same_person


def test_two_persons_arriving_that_day_tie_neither(policy: Policy) -> None:
    persons = {ME: [fingerprint(), conviction()], MAYBE: [arrival()], OTHER: [arrival()]}
    out = answer(persons, policy, [link(MAYBE), link(OTHER)])
    assert not out.found.same_person
    assert out.assessment.recommendation.action not in ENFORCEMENT_ACTIONS


def test_a_record_carrying_this_fin_is_this_persons(policy: Policy) -> None:
    """One FIN, one set of fingerprints: no link or event needed."""
    status = row("status", fin=FIN, status_class="LPR", status_state="GRANTED",
                 start_date="2015-01-01", first_name="PATRICIO")  # fmt: skip
    out = answer({ME: [fingerprint()], MAYBE: [status]}, policy, [])
    assert out.found.same_person.keys() == {MAYBE}
    assert "carries the FIN" in out.found.same_person[MAYBE].text
    assert out.assessment.status.code is StatusCode.LPR
    assert "status from possibly-same" not in out.assessment.status.rule


def test_names_agree_written_together_or_swapped() -> None:
    a = {"last_name": "DE VERA", "first_name": "LINA MARIA"}
    assert names_agree(a, {"last_name": "DEVERA", "first_name": "LINAMARIA"})
    assert names_agree(a, {"last_name": "LINA", "first_name": "DE VERA"})  # swapped
    assert names_agree(a, {"last_name": "VERA", "first_name": "LINA M"})  # an initial
    assert not names_agree(a, {"last_name": "DE VERA", "first_name": "LINA SOFIA"})
    assert not names_agree(a, {"last_name": "DE VERA"})  # a missing name agrees with nothing


def test_a_citizenship_sign_on_an_untied_person_still_blocks_enforcement(
    policy: Policy,
) -> None:
    naturalized = row("status", status_class="NATURALIZED", status_state="GRANTED",
                      start_date="2022-01-01", first_name="PATRICIA")  # fmt: skip
    persons = {ME: [fingerprint(), conviction(), booking()], MAYBE: [arrival()],
               OTHER: [naturalized]}  # fmt: skip
    out = answer(persons, policy, [link(MAYBE), link(OTHER)])
    assert out.found.same_person.keys() == {MAYBE}  # the arrival is tied...
    a = out.assessment
    assert Flag.POSSIBLE_US_CITIZEN in a.flags  # ...and the maybe-citizen still counts
    assert a.recommendation.action is Action.CITIZENSHIP_REVIEW
    assert not out.decision.automatic


def test_removal_evidence_on_an_untied_person_is_never_a_ground(policy: Policy) -> None:
    order = row("court", decision="REMOVAL_ORDER", decision_date="2020-03-01",
                first_name="PATRICIA")  # fmt: skip
    persons = {ME: [fingerprint(), booking()], MAYBE: [arrival(admit_until="2027-01-01")],
               OTHER: [order, conviction()]}  # fmt: skip
    out = answer(persons, policy, [link(MAYBE), link(OTHER)])
    a = out.assessment
    assert out.found.same_person.keys() == {MAYBE}
    assert a.status.code is StatusCode.NONIMMIGRANT_IN_STATUS
    assert a.removability.assessment is Assessment.NOT_REMOVABLE
    assert a.recommendation.action not in ENFORCEMENT_ACTIONS
    assert any(n.direction is Direction.NOT_A_GROUND and n.person_id == OTHER
               for n in a.possible)  # fmt: skip


def test_a_departure_on_an_untied_person_withholds_the_overstay(policy: Policy) -> None:
    """The arrival is tied, its departure is not: the overstay may have ended."""
    departure = row("entry_exit", event="DEPARTURE", event_date="2019-08-01")
    persons = {ME: [fingerprint(), conviction(), booking()], MAYBE: [arrival()],
               OTHER: [departure]}  # fmt: skip
    out = answer(persons, policy, [link(MAYBE), link(OTHER)])
    a = out.assessment
    assert a.status.code is StatusCode.OVERSTAY
    assert a.removability.assessment is Assessment.UNDETERMINED
    assert "would take this conclusion away" in a.removability.reason
    assert a.recommendation.action not in ENFORCEMENT_ACTIONS
    assert not out.decision.automatic


def test_same_person_needs_a_fingerprint_record() -> None:
    own = [row("criminal", charge_code="2202")]
    assert same_person(own, {MAYBE: [arrival()]}, [link(MAYBE)]) == {}
