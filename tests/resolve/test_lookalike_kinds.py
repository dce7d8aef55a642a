"""End to end, for each look-alike construction of the generator (issue 11, "Done
means"): a tiny world with several pairs of every kind goes through ingest, build, the
resolver and the status engine, the way the desk runs them, and for every pair:

* **build** keeps the citizen's records out of the stranger's person;
* **query**: the citizen asked about by name, date of birth, sex and birthplace (as the
  citizen's own arrest records give it, which for the wrong-birthplace kinds is the
  stranger's country), then with the citizen's own FBI number and SID, and for name
  variants by the stranger's form of the name, never reaches POSITIVE to a person
  holding the stranger's records;
* **recommendation**: no enforcement action (detainer, notification, lead) for the citizen.

Failures name every failing pair, so a report can say which construction breaks what.
Truth (``truth.csv``, ``person_facts.csv``) is read here for evaluation only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from vetline.desk.iaq import IAQ, parse_iaq_json
from vetline.desk.service.question import question_of, to_subject
from vetline.person import Found, PersonLookup, assess_found
from vetline.person.records import MemoryRecords
from vetline.records import ingest_extract
from vetline.records.contract import SOURCE_NAMES
from vetline.resolve import Resolver, build_persons
from vetline.status import Policy, load_policy
from vetline.synth import LookalikeConfig, NoiseConfig, generate_extract
from vetline.vocab import ENFORCEMENT_ACTIONS, MatchLevel

AS_OF = date(2026, 11, 1)
PERSONS = 500
SEED = 101
ORI = "CA0194200"
#: Only the constructions under test, at shares that give each several pairs in 500 people.
SHARES = LookalikeConfig(
    same_name_dob=0.0,
    citizen_removable=0.0,
    twins=0.04,
    citizen_wrong_birthplace=0.05,
    name_variant=0.06,
    criminal_only_citizen=0.06,
    jr_sr=0.05,
)
KINDS = ("CITIZEN_WRONG_BIRTHPLACE", "NAME_VARIANT", "CRIMINAL_ONLY_CITIZEN", "JR_SR", "TWINS")
ID_COLUMNS = ("a_number", "fin", "fbi_number", "ssn", "passport_number", "sid")
Key = tuple[str, str]


@dataclass(frozen=True)
class Pair:
    """One look-alike group: the citizen (for TWINS: the citizen twin if any, else the
    first) and the other person."""

    kind: str
    variant: str | None
    citizen: dict[str, str]
    stranger: dict[str, str]

    def __str__(self) -> str:
        c, s = self.citizen, self.stranger
        return (
            f"{self.kind}{'/' + self.variant if self.variant else ''}: "
            f"{c['person_id']} {c['scenario']} {c['true_last_name']}, {c['true_first_name']} "
            f"{c['true_dob']} ↔ {s['person_id']} {s['scenario']} {s['true_last_name']}, "
            f"{s['true_first_name']} {s['true_dob']}"
        )


@dataclass
class World:
    data: Path
    pairs: list[Pair]
    records: dict[str, list[dict[str, Any]]]  # true person → their records
    built: dict[Key, str]  # (source, record_id) → built person id
    lookup: PersonLookup
    policy: Policy


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("lookalike-kinds")
    extract, data = root / "extract", root / "data"
    generate_extract(extract, persons=PERSONS, seed=SEED, noise=NoiseConfig(), lookalikes=SHARES)
    ingest_extract(extract, data)
    build_persons(data)
    facts = pd.read_csv(extract / "person_facts.csv", dtype=str, keep_default_na=False)
    pairs = []
    for _, group in facts[facts["lookalike_kind"] != ""].groupby("lookalike_group"):
        rows = sorted(
            group.to_dict("records"), key=lambda r: (r["us_citizen"] != "Y", r["person_id"])
        )
        assert len(rows) == 2
        pairs.append(Pair(rows[0]["lookalike_kind"], rows[0]["lookalike_variant"] or None, *rows))
    built_rows = pd.read_parquet(data / "persons" / "records.parquet")
    built = {
        (s, r): p
        for s, r, p in zip(
            built_rows["source"], built_rows["record_id"], built_rows["person_id"], strict=True
        )
    }
    lookup = PersonLookup(Resolver.load(data), MemoryRecords.load(data))
    return World(data, pairs, _records_by_person(extract), built, lookup, load_policy())


def _records_by_person(extract: Path) -> dict[str, list[dict[str, Any]]]:
    con = duckdb.connect()
    parts = []
    for source in SOURCE_NAMES:
        path = extract / f"{source}.csv"
        parts.append(
            f"SELECT '{source}' AS source, r.record_id, t.person_id, r.birth_country, "
            + ", ".join(f"r.{c}" for c in ID_COLUMNS)
            + f", r.state FROM read_csv('{path}', all_varchar=true) r "
            f"JOIN read_csv('{extract / 'truth.csv'}', all_varchar=true) t "
            f"ON t.source = '{source}' AND t.record_id = r.record_id"
        )
    frame = con.execute(" UNION ALL ".join(parts)).df()
    con.close()
    out: dict[str, list[dict[str, Any]]] = {}
    for row in frame.to_dict("records"):
        out.setdefault(row["person_id"], []).append(
            {k: (None if pd.isna(v) else v) for k, v in row.items()}
        )
    return out


def _most_common(values: Iterator[str | None]) -> str | None:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def _keys(world: World, person: dict[str, str]) -> set[Key]:
    return {(r["source"], r["record_id"]) for r in world.records.get(person["person_id"], [])}


def _queries(world: World, pair: Pair) -> list[tuple[str, dict[str, str]]]:
    """How an agency would ask about the citizen: biographic (birthplace as the
    citizen's own arrests record it), then with the citizen's own identifiers, and for
    name variants under the stranger's form of the name."""
    c, s = pair.citizen, pair.stranger
    own = world.records.get(c["person_id"], [])
    arrests = (r["birth_country"] for r in own if r["source"] in ("criminal", "custody"))
    subject = {
        "last_name": c["true_last_name"],
        "first_name": c["true_first_name"],
        "dob": c["true_dob"],
        "sex": c["sex"],
        "birth_country": _most_common(arrests) or c["birth_country"],
    }
    out = [("biographic", subject)]
    ids = {f: _most_common(r[f] for r in own) for f in ("fbi_number", "sid")}
    ids = {k: v for k, v in ids.items() if v}
    if ids:
        out.append(("own FBI number/SID", {**subject, **ids}))
    if pair.kind == "NAME_VARIANT":
        out.append(
            (
                "stranger's form of the name",
                {**subject, "last_name": s["true_last_name"], "first_name": s["true_first_name"]},
            )
        )
    return out


def _iaq(subject: dict[str, str]) -> IAQ:
    body = {"query_type": "IAQ", "ori": ORI, "subject": subject, "encounter": {"date": str(AS_OF)}}
    return parse_iaq_json(body)


def _ask(world: World, subject: dict[str, str]) -> tuple[IAQ, Found]:
    iaq = _iaq(subject)
    return iaq, world.lookup.find(to_subject(iaq.subject))


def _pairs(world: World, kind: str) -> list[Pair]:
    found = [p for p in world.pairs if p.kind == kind]
    assert len(found) >= 3, f"the world holds only {len(found)} {kind} pairs"
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_build_keeps_the_citizen_out_of_the_strangers_person(world: World, kind: str) -> None:
    merged = []
    for pair in _pairs(world, kind):
        mine = {world.built[k] for k in _keys(world, pair.citizen) if k in world.built}
        theirs = {world.built[k] for k in _keys(world, pair.stranger) if k in world.built}
        if mine & theirs:
            merged.append(f"{pair} — built person(s) {sorted(mine & theirs)}")
    assert not merged, f"{len(merged)} {kind} pairs merged at build:\n" + "\n".join(merged)


@pytest.mark.parametrize("kind", KINDS)
def test_query_of_the_citizen_never_positive_to_the_stranger(world: World, kind: str) -> None:
    wrong = []
    for pair in _pairs(world, kind):
        theirs = _keys(world, pair.stranger)
        for label, subject in _queries(world, pair):
            _, found = _ask(world, subject)
            res = found.resolution
            if res.level is MatchLevel.POSITIVE and set(res.records) & theirs:
                wrong.append(
                    f"{pair} — query '{label}' POSITIVE to {res.person_id} "
                    f"(basis {res.basis}, p={res.probability:.4f})"
                )
    assert not wrong, f"{len(wrong)} {kind} queries POSITIVE to the stranger:\n" + "\n".join(wrong)


@pytest.mark.parametrize("kind", KINDS)
def test_no_enforcement_recommendation_for_the_citizen(world: World, kind: str) -> None:
    wrong = []
    for pair in _pairs(world, kind):
        if pair.citizen["us_citizen"] != "Y":
            continue  # twins who are both non-citizens: nothing to protect here
        for label, subject in _queries(world, pair):
            iaq, found = _ask(world, subject)
            result = assess_found(found, question_of(iaq), AS_OF, world.policy)
            action = result.recommendation.action
            if action in ENFORCEMENT_ACTIONS:
                res = found.resolution
                wrong.append(
                    f"{pair} — query '{label}' → {res.level} {res.person_id} "
                    f"(basis {res.basis}) → {action}"
                )
    assert not wrong, f"{len(wrong)} {kind} citizens given enforcement:\n" + "\n".join(wrong)
