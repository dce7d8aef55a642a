"""The real-time resolver's behaviour: levels, FIN, conflicts, common names, adds."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from conftest import BuiltWorld
from vetline.errors import BadInput
from vetline.resolve import Resolver, Subject
from vetline.vocab import MatchLevel


@pytest.fixture(scope="module")
def resolver(built_world: BuiltWorld) -> Resolver:
    return Resolver.load(built_world.data)


def _person_of(world: BuiltWorld) -> dict[str, str]:
    """truth pid → built person id (of its first record)."""
    recs = pd.read_parquet(world.data / "persons" / "records.parquet")
    pid = {
        (s, r): p
        for s, r, p in zip(recs["source"], recs["record_id"], recs["person_id"], strict=True)
    }
    out: dict[str, str] = {}
    for key, truth in world.truth.items():
        out.setdefault(truth, pid[key])
    return out


def _subject(person: dict[str, str], **changes: str | None) -> Subject:
    fields = {k: person[k] for k in ("last_name", "first_name", "dob", "sex", "a_number")}
    fields.update(changes)
    return Subject(**fields)


def _rare(world: BuiltWorld) -> dict[str, str]:
    return next(
        p
        for p in world.people
        if p["last_name"] not in {"GARCIA", "HERNANDEZ", "NGUYEN"}
        and p["first_name"] not in {"JUAN", "MARIA"}
    )


def test_full_subject_is_positive_with_explanation(
    built_world: BuiltWorld, resolver: Resolver
) -> None:
    person = _rare(built_world)
    result = resolver.resolve(_subject(person))
    assert result.level is MatchLevel.POSITIVE
    assert result.person_id == _person_of(built_world)[person["pid"]]
    assert result.records and all(len(r) == 2 for r in result.records)
    fields = {e["field"]: e for e in result.explanation}
    assert fields["a_number"]["comparison"] == "exact" and fields["a_number"]["weight"] > 5
    assert fields["dob"]["comparison"] == "exact"
    total = sum(e["weight"] for e in result.explanation)
    assert math.isclose(total, result.match_weight or 0, abs_tol=1e-2)


def test_fin_is_decisive(built_world: BuiltWorld, resolver: Resolver) -> None:
    person = built_world.people[3]
    result = resolver.resolve(Subject(last_name="ZZYZX", first_name="QUENTIN", fin=person["fin"]))
    assert result.level is MatchLevel.POSITIVE
    assert result.person_id == _person_of(built_world)[person["pid"]]
    assert any("decisive" in e["comparison"] for e in result.explanation)


def test_conflicting_identifier_lowers_the_score(
    built_world: BuiltWorld, resolver: Resolver
) -> None:
    person = _rare(built_world)
    agree = resolver.resolve(_subject(person))
    conflict = resolver.resolve(_subject(person, a_number="298765432"))
    assert conflict.match_weight is not None and agree.match_weight is not None
    assert conflict.match_weight < agree.match_weight - 5
    a_number = next(e for e in conflict.explanation if e["field"] == "a_number")
    assert a_number["comparison"] == "different" and a_number["weight"] < 0


def test_common_name_and_dob_alone_never_positive(
    built_world: BuiltWorld, resolver: Resolver
) -> None:
    common = [
        p for p in built_world.people if p["last_name"] == "GARCIA" and p["first_name"] == "JUAN"
    ]
    assert common
    for person in common:
        result = resolver.resolve(Subject(last_name="GARCIA", first_name="JUAN", dob=person["dob"]))
        assert result.level is not MatchLevel.POSITIVE


def test_unknown_person_is_no_record(resolver: Resolver) -> None:
    result = resolver.resolve(
        Subject(last_name="XANTHOPOULOU", first_name="ERMIONI", dob="1931-07-07")
    )
    assert result.level is MatchLevel.NO_RECORD
    assert result.person_id is None and result.records == []


def test_incremental_add(world_copy: BuiltWorld) -> None:
    live = Resolver.load(world_copy.data)
    newcomer = {
        "source": "criminal",
        "record_id": "live-1",
        "last_name": "WOJCIECHOWSKA",
        "first_name": "HALINA",
        "dob": "1977-04-05",
        "a_number": "287654321",
        "fin": "5550001112",
    }
    before = live.resolve(Subject(last_name="WOJCIECHOWSKA", first_name="HALINA", dob="1977-04-05"))
    assert before.level is MatchLevel.NO_RECORD
    (new_id,) = live.add_records([newcomer])
    after = live.resolve(Subject(last_name="WOJCIECHOWSKA", first_name="HALINA", fin="5550001112"))
    assert after.level is MatchLevel.POSITIVE and after.person_id == new_id
    person = _rare(world_copy)
    existing = _person_of(world_copy)[person["pid"]]
    again = {
        "source": "status",
        "record_id": "live-2",
        **{k: person[k] for k in ("last_name", "first_name", "dob", "a_number", "sex")},
    }
    assert live.add_records([again]) == [existing]
    assert ("status", "live-2") in live.resolve(_subject(person)).records


def test_bad_subjects() -> None:
    with pytest.raises(BadInput, match="subject"):
        Subject().check()
    with pytest.raises(BadInput, match=r"subject\.dob"):
        Subject(last_name="X", dob="03/02/1985").check()
    with pytest.raises(BadInput, match=r"subject\.dob"):
        Subject.from_dict({"last_name": "X", "dob": 19850302})
