"""Evaluate the engine on a synthetic extract, identities taken from ground truth.

Benchmark code, kept out of the package (issue 12 item 8): it reads ground truth, which
nothing in vetline may. An adapter (it reads files with DuckDB), used by
``bench/bench_status.py`` and ``tests/status/test_world.py`` (which put ``bench/`` on
``sys.path``): it measures the status engine apart from matching, so ``truth.csv``
groups records into persons here.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from vetline.errors import BadInput
from vetline.records.contract import PERSON_FACTS_FILE, SOURCE_NAMES, TRUTH_FILE
from vetline.status.engine import assess
from vetline.status.history import PersonHistory, Record, parse_record
from vetline.status.policy import Policy
from vetline.vocab import ENFORCEMENT_ACTIONS, Flag, IdentityBasis, MatchLevel


@dataclass
class Evaluation:
    """Agreement with ``person_facts.csv`` and the safety count, plus timings."""

    as_of: date
    persons: int = 0
    records: int = 0
    rejected: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    citizens: int = 0
    citizens_flagged: int = 0
    citizens_enforced: list[str] = field(default_factory=list)
    #: Per flag: (expected and raised, expected only, raised only), against the world's
    #: ``expected_flags`` column when it has one.
    flag_counts: dict[str, list[int]] = field(default_factory=dict)
    wall_us: list[float] = field(default_factory=list)
    cpu_us: list[float] = field(default_factory=list)
    load_seconds: float = 0.0
    build_seconds: float = 0.0
    #: With ``lookalikes``: persons whose look-alike group holds a U.S. citizen (the
    #: others given as possibly-same persons), and those of them given an enforcement
    #: action (must be 0), and the actions of the group members.
    lookalike_persons: int = 0
    lookalike_with_citizen: int = 0
    lookalike_enforced: list[str] = field(default_factory=list)
    lookalike_actions: Counter[str] = field(default_factory=Counter)

    @property
    def agreement(self) -> float:
        agree = sum(n for (t, p), n in self.confusion.items() if t == p)
        return agree / max(self.persons, 1)


def _csv(path: Path) -> str:
    return "read_csv('" + str(path).replace("'", "''") + "', all_varchar=true)"


def _reader(extract: Path, source: str) -> str | None:
    """A DuckDB table function over the source's file, whichever contract format it uses."""
    for suffix, template in (
        (".csv", "read_csv('{}', all_varchar=true)"),
        (".parquet", "read_parquet('{}')"),
        (".jsonl", "read_json('{}', format='newline_delimited')"),
    ):
        path = extract / f"{source}{suffix}"
        if path.exists():
            return template.format(str(path).replace("'", "''"))
    return None


def load_persons(extract: Path, limit: int | None = None) -> tuple[dict[str, list[Record]], int]:
    """Records grouped by true person; rows that break the contract are counted and skipped."""
    con = duckdb.connect()
    persons: dict[str, list[Record]] = defaultdict(list)
    rejected = 0
    keep: set[str] | None = None
    if limit:
        keep = {
            r[0]
            for r in con.sql(
                f"SELECT person_id FROM {_csv(extract / PERSON_FACTS_FILE)} "
                f"ORDER BY person_id LIMIT {int(limit)}"
            ).fetchall()
        }
    for source in SOURCE_NAMES:
        reader = _reader(extract, source)
        if reader is None:
            continue
        table = con.sql(
            f"SELECT t.person_id AS _person, s.* FROM {reader} s "
            f"JOIN {_csv(extract / TRUTH_FILE)} t "
            f"ON t.source = '{source}' AND t.record_id = s.record_id"
        ).to_arrow_table()
        for row in table.to_pylist():
            pid = row.pop("_person")
            if keep is not None and pid not in keep:
                continue
            row["source"] = source
            try:
                persons[pid].append(parse_record(row))
            except BadInput:
                rejected += 1
    return persons, rejected


def evaluate_extract(
    extract: Path,
    policy: Policy,
    limit: int | None = None,
    identity_basis: IdentityBasis | None = None,
    lookalikes: bool = False,
) -> Evaluation:
    """Assess every person of a synthetic extract as of its ``world.json`` date.

    ``identity_basis``: what every identity is taken to rest on (None: ground truth, the
    match level alone gates); BIOGRAPHIC shows what a name-and-date-of-birth identity
    would be recommended (issue 11: never an enforcement action). ``lookalikes``: the
    other members of a person's ``lookalike_group`` (the world's citizen look-alikes,
    same-name-and-birth-date strangers, twins) are passed as possibly-same persons, as a
    "possible same person" link would (issue 11 item 5).
    """
    world_file = extract / "world.json"
    world = json.loads(world_file.read_text(encoding="utf-8")) if world_file.exists() else {}
    ev = Evaluation(as_of=date.fromisoformat(world.get("as_of", "2026-11-01")))
    t0 = time.perf_counter()
    grouped, ev.rejected = load_persons(extract, limit)
    con = duckdb.connect()
    facts_rel = con.sql(f"SELECT * FROM {_csv(extract / PERSON_FACTS_FILE)}")
    flags_col = "expected_flags" if "expected_flags" in facts_rel.columns else "NULL"
    group_col = "lookalike_group" if "lookalike_group" in facts_rel.columns else "NULL"
    rows = con.execute(
        f"SELECT person_id, true_status, us_citizen, {flags_col}, {group_col} "
        f"FROM {_csv(extract / PERSON_FACTS_FILE)}"
    ).fetchall()
    facts = [r[:4] for r in rows]
    group_of = {r[0]: str(r[4]) for r in rows if r[4] is not None} if lookalikes else {}
    members: dict[str, list[str]] = {}
    for pid, group in group_of.items():
        members.setdefault(group, []).append(pid)
    citizen = {r[0] for r in rows if r[2] == "Y"}
    ev.load_seconds = time.perf_counter() - t0

    t1 = time.perf_counter()
    histories = {pid: PersonHistory.from_records(recs) for pid, recs in grouped.items()}
    # Parents are found by A-number, as identity resolution would: status rows first,
    # then any other record of the person carrying one.
    by_a_number: dict[str, str] = {}
    for pid, h in histories.items():
        for s in h.status:
            if s.a_number:
                by_a_number.setdefault(s.a_number, pid)
    for pid, h in histories.items():
        for a in h.a_numbers:
            by_a_number.setdefault(a, pid)
    ev.build_seconds = time.perf_counter() - t1
    ev.records = sum(len(h.records) for h in histories.values())

    for pid, true_status, us_citizen, expected_flags in facts:
        if limit and pid not in histories:
            continue
        history = histories.get(pid, PersonHistory())
        parents = {a for s in history.status for a in s.parent_a_numbers}
        related = {a: histories[by_a_number[a]] for a in parents if a in by_a_number}
        others = [p for p in members.get(group_of.get(pid, ""), []) if p != pid]
        possible = {p: histories.get(p, PersonHistory()) for p in others}
        wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
        result = assess(
            history, ev.as_of, policy=policy, match_level=MatchLevel.POSITIVE, related=related,
            identity_basis=identity_basis, possible=possible,
        )  # fmt: skip
        ev.cpu_us.append((time.thread_time_ns() - cpu) / 1000)
        ev.wall_us.append((time.perf_counter_ns() - wall) / 1000)
        ev.persons += 1
        ev.confusion[(true_status, result.status.code.value)] += 1
        ev.actions[result.recommendation.action.value] += 1
        if flags_col != "NULL":
            expected = set((expected_flags or "").split("|")) - {""}
            raised = {f.value for f in result.flags}
            for flag in Flag:
                counts = ev.flag_counts.setdefault(flag.value, [0, 0, 0])
                e, r = flag.value in expected, flag.value in raised
                if e or r:
                    counts[0 if e and r else 1 if e else 2] += 1
        if others:
            ev.lookalike_persons += 1
            ev.lookalike_actions[result.recommendation.action.value] += 1
            if citizen.intersection(others):
                ev.lookalike_with_citizen += 1
                if result.recommendation.action in ENFORCEMENT_ACTIONS:
                    ev.lookalike_enforced.append(pid)
        if us_citizen == "Y":
            ev.citizens += 1
            ev.citizens_flagged += Flag.POSSIBLE_US_CITIZEN in result.flags
            if result.recommendation.action in ENFORCEMENT_ACTIONS:
                ev.citizens_enforced.append(pid)
    return ev
