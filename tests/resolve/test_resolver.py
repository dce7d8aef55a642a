"""The real-time resolver's behaviour: levels, FIN, conflicts, common names, adds."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from conftest import BuiltWorld
from vetline.errors import BadInput
from vetline.resolve import Resolver, Subject
from vetline.vocab import IdentityBasis, MatchLevel


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


# --- issue 11: identity levels for the subject population ---------------------------------


def _with_ssn(world: BuiltWorld, resolver: Resolver) -> dict[str, str]:
    """A rare-named person whose built person carries its SSN on some record."""
    persons = _person_of(world)
    for p in world.people:
        if p["last_name"] in {"GARCIA", "HERNANDEZ", "NGUYEN"} or p["first_name"] == "JUAN":
            continue
        rows = resolver.index.rows_of_person(persons[p["pid"]])
        if p["ssn"] in resolver.index.coded["ssn"].values(rows).tolist():
            return p
    raise AssertionError("no person with an SSN")


def test_exact_biographic_match_is_probable_not_positive(
    built_world: BuiltWorld, resolver: Resolver
) -> None:
    """Name, date of birth and sex all exact, no identifier: at most PROBABLE, basis
    BIOGRAPHIC, and the reason asks for fingerprints (I-247A basis 3)."""
    person = _rare(built_world)
    result = resolver.resolve(_subject(person, a_number=None))
    assert result.level is MatchLevel.PROBABLE
    assert result.person_id == _person_of(built_world)[person["pid"]]
    assert str(result.basis) == "BIOGRAPHIC"
    assert any("biometric confirmation needed" in r for r in result.reasons), result.reasons


def test_contradicted_identifier_is_not_positive(
    built_world: BuiltWorld, resolver: Resolver
) -> None:
    """The A-number agrees but the subject's SSN differs from the person's: the agreement
    is contradicted, so no POSITIVE and no IDENTIFIER basis."""
    person = _with_ssn(built_world, resolver)
    agree = resolver.resolve(_subject(person, ssn=person["ssn"]))
    assert agree.level is MatchLevel.POSITIVE and str(agree.basis) == "IDENTIFIER"
    wrong = "".join(str((int(d) + 5) % 10) for d in person["ssn"])
    result = resolver.resolve(_subject(person, ssn=wrong))
    assert result.level is not MatchLevel.POSITIVE
    assert str(result.basis) != "IDENTIFIER"
    assert any("contradicted" in r and "ssn" in r for r in result.reasons), result.reasons
    # a one-digit typo in the SSN is not a contradiction
    typo = person["ssn"][:-1] + str((int(person["ssn"][-1]) + 1) % 10)
    assert resolver.resolve(_subject(person, ssn=typo)).level is MatchLevel.POSITIVE


def test_identifier_held_by_two_persons_is_not_positive(world_copy: BuiltWorld) -> None:
    """An A-number another person holds too (a stranger's record keyed with it) cannot
    carry identity."""
    live = Resolver.load(world_copy.data)
    person = _rare(world_copy)
    stranger = {
        "source": "criminal",
        "record_id": "dup-a",
        "last_name": "QUARTERMAINE",
        "first_name": "OTTOLINE",
        "dob": "1949-12-30",
        "sex": "F" if person["sex"] == "M" else "M",
        "a_number": person["a_number"],
    }
    (other,) = live.add_records([stranger])
    assert other != _person_of(world_copy)[person["pid"]]
    result = live.resolve(_subject(person))
    assert result.level is not MatchLevel.POSITIVE
    assert any("held by another person" in r for r in result.reasons), result.reasons


def test_linked_person_needs_review_and_is_a_candidate(world_copy: BuiltWorld) -> None:
    """A "possible same person" link of the chosen person: the answer goes to an analyst,
    the linked person is in ``possible`` and in the candidates, marked as a link."""
    import pyarrow as pa

    from vetline.resolve.links import LINK_SCHEMA, write_links

    persons = _person_of(world_copy)
    person = _rare(world_copy)
    chosen = persons[person["pid"]]
    far = next(p for p in world_copy.people if persons[p["pid"]] != chosen)
    linked = persons[far["pid"]]
    table = pa.Table.from_pylist(
        [
            {
                "person_id_l": chosen,
                "person_id_r": linked,
                "unique_id_l": "status|x",
                "unique_id_r": "criminal|y",
                "match_probability": 0.97,
                "match_weight": 5.0,
                "reason": "biographic agreement only",
            }
        ],
        schema=LINK_SCHEMA,
    )
    write_links(world_copy.data, table)
    live = Resolver.load(world_copy.data)
    result = live.resolve(_subject(person))
    assert result.person_id == chosen
    assert result.needs_review
    assert result.possible[0] == linked
    entry = next(c for c in result.to_json()["candidates"] if c["person_id"] == linked)
    assert entry["link"] is True and "possible same person" in entry["reason"]
    assert entry["probability"] == 0.97  # not a scored candidate: the link's probability
    assert any("possible same person" in r for r in result.reasons)
    # without the link the same answer needs no analyst
    plain = Resolver.load(world_copy.data, None)
    plain.links = {}
    again = plain.resolve(_subject(person))
    assert not again.needs_review and linked not in again.possible
    # records added live get no links
    (new_id,) = live.add_records(
        [{"source": "criminal", "record_id": "live-9", "last_name": "ZABLOCKI",
          "first_name": "IRENEUSZ", "dob": "1966-06-16", "a_number": "276543210"}]
    )  # fmt: skip
    assert new_id not in live.links


def test_namesakes_outside_the_records_lower_a_biographic_match(
    built_world: BuiltWorld,
) -> None:
    """The population prior (``population.py``): the same exact name + DOB subject is
    less probable against the U.S. population than against the booking population, and
    not at all affected with the prior switched off; an agreeing identifier is immune."""
    from vetline.resolve.config import ResolveSettings

    person = _rare(built_world)
    probability = {}
    for size in (0.0, 10_500_000.0, 335_000_000.0):
        live = Resolver.load(built_world.data, ResolveSettings(population_size=size))
        result = live.resolve(_subject(person, a_number=None))
        probability[size] = result.probability
        with_id = live.resolve(_subject(person))
        assert with_id.level is MatchLevel.POSITIVE
    assert probability[0.0] > probability[10_500_000.0] > probability[335_000_000.0]


def test_population_figures() -> None:
    """Documented figures: SMITH from the 2010 Census, JAMES from the 1990 Census, the
    namesake formula p / (1 + λp)."""
    from vetline.resolve.population import adjust, national_forenames, national_surnames

    assert math.isclose(national_surnames()["SMITH"], 2_442_977 / 294_999_114)
    assert national_forenames()["JAMES"] == 0.03318
    assert national_surnames()["SMITH"] > national_surnames().get("OKAFOR", 0.0)
    p = 1 / (1 + 2.0**-30)
    assert math.isclose(1 / (1 + 2.0 ** -adjust(30.0, 1.0)), p / (1 + p), rel_tol=1e-9)
    assert adjust(30.0, 0.0) == 30.0


def test_adjust_each_is_adjust_per_person_bit_for_bit() -> None:
    """The resolver's one-comprehension form gives ``adjust(w + f + d, n)`` exactly,
    including no namesakes, a hopeless weight and NaN."""
    import random

    from vetline.resolve.population import adjust, adjust_each

    rng = random.Random(7)
    w = [rng.uniform(-40, 40) for _ in range(500)] + [-2000.0, 5.0, math.nan, 3.0]
    f = [rng.choice([0.0, -rng.uniform(0, 3)]) for _ in w]
    d = [rng.choice([0.0, -rng.uniform(0, 2)]) for _ in w]
    n = [rng.choice([0.0, -1.0, rng.uniform(0, 50)]) for _ in w[:-1]] + [math.nan]
    got = adjust_each(w, f, d, n)
    want = [adjust(a + b + c, m) for a, b, c, m in zip(w, f, d, n, strict=True)]
    assert [repr(x) for x in got] == [repr(x) for x in want]


def test_a_disagreeing_date_of_birth_counts_against_the_candidate(
    built_world: BuiltWorld,
) -> None:
    """λ = N·Π u / Π m over the disagreeing identity levels (``population.py``): an exact
    name with a date of birth "different" has the namesakes of an exact name with none,
    divided by how rarely the loaded person's own records disagree so (m, floored at 1 %,
    capped at 5 %);
    an agreeing level leaves λ as it was, an address "different" too (people move)."""
    from vetline.resolve import layout
    from vetline.resolve.comparisons import COMPARISONS
    from vetline.resolve.model import MatchModel
    from vetline.resolve.population import (
        DISAGREEMENT_M_CEILING,
        DISAGREEMENT_M_FLOOR,
        Population,
        disagreement_fix,
        disagreement_m,
    )

    model = MatchModel.load(layout.model_file(built_world.data))
    pop = Population.of(model, 10_500_000, 1e-5, 1e-4)
    at = {c.name: i for i, c in enumerate(COMPARISONS)}

    def namesakes(**levels: str) -> float:
        gamma = [0] * len(COMPARISONS)
        gamma[at["surname"]] = gamma[at["forename"]] = 1  # exact names
        for name, label in levels.items():
            gamma[at[name]] = next(
                i for i, lv in enumerate(COMPARISONS[at[name]].levels) if lv.label == label
            )
        return pop.namesakes([gamma], 1e-4, 1e-3, None)[0]

    unknown = namesakes()
    different = next(p for p in model.comparisons["dob"] if p.label == "different")
    assert different.m is not None and different.u is not None and different.m < different.u
    expected = unknown * different.u / disagreement_m(different.m)
    assert disagreement_m(0.0001) == DISAGREEMENT_M_FLOOR
    assert disagreement_m(0.16) == DISAGREEMENT_M_CEILING  # EM pulled by look-alikes
    assert math.isclose(namesakes(dob="different"), expected, rel_tol=1e-9)
    assert namesakes(dob="different") > 3 * unknown
    assert math.isclose(namesakes(dob="exact"), unknown / 18_250, rel_tol=1e-9)

    def weight_fix(**levels: str) -> float:
        gamma = [0] * len(COMPARISONS)
        for name, label in levels.items():
            gamma[at[name]] = next(
                i for i, lv in enumerate(COMPARISONS[at[name]].levels) if lv.label == label
            )
        return float(disagreement_fix(pop, [gamma])[0])

    # the candidate's own weight for a disagreement uses the same capped m
    expected_fix = math.log2(disagreement_m(different.m) / different.m)
    assert math.isclose(weight_fix(dob="different"), expected_fix, abs_tol=1e-12)
    assert weight_fix(dob="exact") == 0.0 and weight_fix(address="different") == 0.0
    # a wrong birthplace is the citizens' documented failure: EM's m stands there
    assert weight_fix(birth_country="different") == 0.0
    moved = next(p for p in model.comparisons["address"] if p.label == "different")
    assert moved.u is not None
    assert math.isclose(namesakes(address="different"), unknown * moved.u, rel_tol=1e-9)


def test_a_person_is_dated_by_its_dated_records(world_copy: BuiltWorld) -> None:
    """A person whose best-matching record has no date of birth is compared on the dates
    of its other records: an absent namesake born another day is not "date unknown"."""
    from vetline.resolve.standardise import standardise_frame

    person = _rare(world_copy)
    pid = _person_of(world_copy)[person["pid"]]
    live = Resolver.load(world_copy.data)
    undated = {k: person[k] for k in ("last_name", "first_name", "sex")}
    live.index.add(
        standardise_frame(pd.DataFrame([{"source": "criminal", "record_id": "nodob", **undated}])),
        [pid],
    )
    other_day = live.resolve({**undated, "dob": "1901-01-01"})
    explained = {e["field"]: e["comparison"] for e in other_day.explanation}
    assert explained.get("dob") == "different", other_day.explanation
    assert other_day.level in (MatchLevel.NO_RECORD, MatchLevel.POSSIBLE)


def test_identifier_identifies_only_its_own_records(world_copy: BuiltWorld) -> None:
    """A person whose identified records fall into groups no identifier ties together,
    living in different states (a citizen's SID record merged with a stranger's FBI-number
    records): the subject's A-number identifies only its own group — not POSITIVE, and
    an analyst looks. In one state, the same shape is one person under several numbers."""
    from vetline.resolve.standardise import standardise_frame

    person = _rare(world_copy)
    pid = _person_of(world_copy)[person["pid"]]
    names = {k: person[k] for k in ("last_name", "first_name", "dob", "sex")}

    def merged(far_state: str) -> Resolver:
        live = Resolver.load(world_copy.data)
        rows = [
            {"source": "custody", "record_id": "own", **names, "a_number": person["a_number"],
             "state": "ID"},
            {"source": "criminal", "record_id": "far", **names, "fbi_number": "123456AB1",
             "state": far_state},
        ]  # fmt: skip
        live.index.add(standardise_frame(pd.DataFrame(rows)), [pid, pid])
        return live

    apart = merged("TX").resolve(_subject(person))
    assert apart.person_id == pid and apart.level is not MatchLevel.POSITIVE
    assert apart.needs_review and str(apart.basis) == "BIOGRAPHIC"
    assert any("fbi_number" in r and "part of this person" in r for r in apart.reasons)
    together = merged("ID").resolve(_subject(person))
    assert together.level is MatchLevel.POSITIVE and str(together.basis) == "IDENTIFIER"


def test_a_fingerprint_identity_with_a_link_needs_no_analyst(world_copy: BuiltWorld) -> None:
    """A decisive FIN settles who the subject is; the linked person stays in ``possible``
    (the status engine reads it in the safe direction) but does not queue the answer."""
    import pyarrow as pa

    from vetline.resolve.links import LINK_SCHEMA, write_links

    live = Resolver.load(world_copy.data)
    persons = _person_of(world_copy)
    person, found = next(
        (p, r)
        for p in world_copy.people
        if (r := live.resolve(Subject(fin=p["fin"], last_name=p["last_name"]))).basis
        is IdentityBasis.BIOMETRIC
    )
    chosen = found.person_id
    assert chosen is not None

    def fins(pid: str) -> set[str]:
        return {v for ids in live.identifiers.identified(pid)[0] for c, v in ids if c == "fin"}

    others = [persons[p["pid"]] for p in world_copy.people if persons[p["pid"]] != chosen]
    linked = next(p for p in others if not fins(p))
    fingerprinted = next(p for p in others if fins(p) and person["fin"] not in fins(p))
    rows = [
        {"person_id_l": chosen, "person_id_r": other, "unique_id_l": "status|x",
         "unique_id_r": "criminal|y", "match_probability": 0.97, "match_weight": 5.0,
         "reason": "uncorroborated: name and date of birth only"}
        for other in (linked, fingerprinted)
    ]  # fmt: skip
    write_links(world_copy.data, pa.Table.from_pylist(rows, schema=LINK_SCHEMA))
    result = Resolver.load(world_copy.data).resolve(
        Subject(fin=person["fin"], last_name=person["last_name"])
    )
    assert result.person_id == chosen and result.basis is IdentityBasis.BIOMETRIC
    assert linked in result.possible
    assert not result.needs_review
    # A linked person with another FIN: two sets of fingerprints, two people. Still a
    # candidate the analyst can see, but its records are not read as this subject's.
    assert fingerprinted not in result.possible
    assert result.other_fingerprints == [fingerprinted]
    assert fingerprinted in [p for p, _ in result.candidates]
    # Without the FIN (name only) the same link is a possible same person.
    by_name = Resolver.load(world_copy.data).resolve(_subject(person, a_number=None))
    if by_name.person_id == chosen:
        assert fingerprinted in by_name.possible and not by_name.other_fingerprints
