"""The desk's CPU per IAQ in process: the person core, and what the desk adds (the IAR).

Issue 12 asks for the hidden costs before and after the typed IAR (item 2): this times,
on one core and without a server or a database, for each IAQ of a built world

* ``person core``: ``vetline.person.work_out`` (resolve, read records, assess, decide);
* ``desk work-out``: ``DeskService._work_out`` (the person core, then the IAR, its Nlets
  text, the stored IAR and draft JSON, the audit details: what the desk does per IAQ
  before its one write);
* ``IAR to bytes``: the answer as ``POST /v1/iaq`` sends it (``Submission.view`` and the
  route's ``IARResponse``), for ICE staff and for the requesting agency.

The IAR's own share is the second minus the first. Each figure is a round's mean per IAQ;
the best round is the one least disturbed by other work on a shared machine (the median
round is printed beside it). The same script runs on the code before and after a change
(it uses only names both have), so the two can be compared.

    .venv/bin/python bench/bench_iar_assembly.py --data D [--facts person_facts.csv]
        [--count 300] [--rounds 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vetline.api.routers.desk import IARResponse
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db.engine import Database
from vetline.desk.intake import accept
from vetline.desk.service import DeskService
from vetline.desk.service.question import question_of
from vetline.desk.service.service import Submission
from vetline.person import PersonLookup, work_out
from vetline.status import load_policy

ORI = "CA0194200"
STAFF = RowScope(ScopeKind.ALL)
AGENCY = RowScope(ScopeKind.OWN_ORI, ORI)


def iaq_bodies(facts_file: Path, count: int) -> list[str]:
    """``count`` IAQ JSON bodies from a world's person facts (the desk benches use it too)."""
    with facts_file.open(encoding="utf-8") as handle:
        facts = [f for f in csv.DictReader(handle) if f["true_last_name"]][:count]
    out = []
    for n, fact in enumerate(facts):
        subject = {"last_name": fact["true_last_name"], "first_name": fact["true_first_name"],
                   "dob": fact["true_dob"], "sex": fact["sex"]}  # fmt: skip
        if fact["a_number"] and n % 2:  # half with an A-number, half biographic only
            subject["a_number"] = fact["a_number"]
        body = {
            "iaq_id": f"B{n}", "query_type": "IAQ", "ori": ORI, "subject": subject,
            "encounter": {"state": "CA", "county_fips": "06037", "date": "2026-11-01"},
        }  # fmt: skip
        out.append(json.dumps(body))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--facts", type=Path)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    facts = args.facts or args.data.parent / "extract" / "person_facts.csv"
    if not facts.is_file():
        sys.exit("bench_iar_assembly: give --facts person_facts.csv of the world in --data")
    bodies = iaq_bodies(facts, args.count)
    lookup = PersonLookup.open(args.data)
    policy = load_policy()
    with tempfile.TemporaryDirectory() as tmp:
        database = Database.from_url(f"sqlite:///{tmp}/bench.db")  # never written
        desk = DeskService(database, lookup, policy=policy)
        try:
            times = _measure(desk, lookup, bodies, args.rounds)
        finally:
            desk.close()
    n = len(bodies)
    print(f"{n} IAQs x {args.rounds} rounds, CPU µs per IAQ: round means, best | median")
    best: dict[str, float] = {}
    for name, values in times.items():
        means = [statistics.mean(values[r * n : (r + 1) * n]) for r in range(args.rounds)]
        best[name] = min(means)  # the round least disturbed by other work on the machine
        print(f"  {name:<24} {best[name]:8.0f} | {statistics.median(means):8.0f}")
    share = best["desk work-out"] - best["person core"]
    print(f"  {'desk adds (best)':<24} {share:8.0f}")


def _measure(
    desk: DeskService, lookup: PersonLookup, bodies: list[str], rounds: int
) -> dict[str, list[float]]:
    policy = desk.policy
    received = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    intakes = [accept(b, received=received.date(), directory=desk.directory) for b in bodies]
    times: dict[str, list[float]] = {
        "person core": [], "desk work-out": [], "IAR to bytes, staff": [],
        "IAR to bytes, agency": [],
    }  # fmt: skip
    for intake in intakes[:20]:  # first-call costs out of the way
        desk._work_out(desk._new_row(intake, received), lookup, intake)
    clock = time.process_time
    for _ in range(rounds):
        for intake in intakes:
            question = question_of(intake.iaq)
            start = clock()
            work_out(question, lookup, received=received.date(), policy=policy)
            times["person core"].append((clock() - start) * 1e6)
            row = desk._new_row(intake, received)
            start = clock()
            worked = desk._work_out(row, lookup, intake)
            times["desk work-out"].append((clock() - start) * 1e6)
            for label, scope in (("staff", STAFF), ("agency", AGENCY)):
                start = clock()
                IARResponse(_submission(worked, row.id).view(scope), status_code=201)
                times[f"IAR to bytes, {label}"].append((clock() - start) * 1e6)
    return times


def _submission(worked: Any, query_id: str) -> Submission:
    """What ``submit`` returns for ``worked`` (before the typed IAR: built from the dict)."""
    made = getattr(worked, "submission", None)
    if made is not None:
        submission: Submission = made(query_id, created=True)
        return submission
    return Submission(query_id, worked.state, worked.iar, True)


if __name__ == "__main__":
    main()
