"""The vetting centre: case-list queries with many cases in the database, and time per case
action over HTTP on a built world.

Run: ``.venv/bin/python bench/bench_vetting.py --cases 100000 --runs 200`` (list part) and
``--world DIR --flows N`` (actions: a built data folder, e.g. the demo's ``vetline-data``).
``--sweep``: after the list tables (every past-due clock left in place: the worst case),
run the real sweep (``vetting/sweep.py``: past-due detainers lapse, overdue claims are
escalated and stay overdue) and time the overdue list again (what a served database
sees, where the sweep runs every minute).
Both go through the app over HTTP (Starlette's TestClient: the whole gate, route, service
and audited commit in-process, no network); the list part also times the service query
alone. SQLite in a temporary folder. Prints tables (p50/p90/p99 in ms).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from vetline.api import Settings, create_app
from vetline.auth.accounts import NewUser, create_user
from vetline.db import Actor, Database, UnitOfWork, upgrade
from vetline.db.base import utc_iso

PASSWORD = "benchmark passphrase 2026"
STATES = ["OPEN", "IN_REVIEW", "RECOMMENDED", "APPROVED", "ISSUED"]
#: The world's clocks are laid around the moment the bench starts (the app and the sweep
#: read the wall clock), so "one running detainer in six past due" holds whenever it runs.
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def pct(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[89], cuts[98]


def timed(
    fn: Callable[[], Any], runs: int, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    out = []
    for _ in range(runs):
        start = clock()
        fn()
        out.append((clock() - start) * 1000)
    return out


def fill(db: Database, n: int, seed: int = 7) -> None:
    """``n`` cases (1 in 10 open, spread over a year), a detainer on 1 in 20, a claim on 1 in 50."""
    from vetline.vetting.models import CitizenshipClaim, VettingCase, VettingRequest

    rnd = random.Random(seed)
    cases: list[dict[str, Any]] = []
    reqs: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []

    def flush(uow: UnitOfWork) -> None:
        """Write what was generated so far (executemany per table) and start afresh:
        a million rows never sit in memory at once."""
        for table, rows in (
            (VettingCase, cases),
            (VettingRequest, reqs),
            (CitizenshipClaim, claims),
        ):
            if rows:
                uow.session.execute(insert(table), rows)
            rows.clear()

    with UnitOfWork(db, Actor.system("bench"), write=True) as uow:
        for i in range(n):
            if len(cases) == 20_000:
                flush(uow)
            add(i, rnd, cases, reqs, claims)
        flush(uow)
        uow.commit()


def add(
    i: int,
    rnd: random.Random,
    cases: list[dict[str, Any]],
    reqs: list[dict[str, Any]],
    claims: list[dict[str, Any]],
) -> None:
    """The rows of case ``i`` (and its detainer / claim, if it has one)."""
    opened = NOW - timedelta(minutes=rnd.randrange(0, 525_600))
    state = rnd.choice(STATES) if i % 10 == 0 else "CLOSED"
    cid = str(uuid.UUID(int=rnd.getrandbits(128)))
    cases.append(
        {
            "id": cid,
            "number": f"VC-{i:012d}",
            "state": state,
            "open_key": f"P{i}|CA0194200|2026" if state != "CLOSED" else None,
            "person_id": f"P{i:09d}",
            "encounter": "CA0194200|2026-11-20",
            "ori": "CA0194200",
            "aor": rnd.choice(["LOS", "SFR", "NYC", "HOU"]),
            "field_office": "x",
            "opened_via": "AUTOMATIC",
            "opened_reason": "bench",
            "opened_at": utc_iso(opened),
            "opened_by": "bench",
            "query_id": cid,
            "match_level": "POSITIVE",
            "identity_basis": "BIOMETRIC",
            "recommendation": "DETAINER",
            "citizenship_sign": i % 50 == 0,
            "protected_status": False,
            "in_custody": True,
            "criminal_arrest": True,
            "facility_ori": "CA0194200",
            "subject_json": "{}",
            "working_json": "{}",
            "checklist_version": 1,
            "updated_at": utc_iso(opened),
        }
    )
    if i % 20 == 0:
        reqs.append(
            {
                "id": str(uuid.uuid4()),
                "number": f"DET-{i:012d}",
                "case_id": cid,
                "kind": "DETAINER",
                "state": "ACKNOWLEDGED" if state != "CLOSED" else "CANCELLED",
                "pc_bases": "[]",
                "drafted_by": "u",
                "drafted_by_name": "bench",
                "drafted_at": utc_iso(opened),
                # deadlines around now: about one running detainer in six is past due
                "deadline_at": utc_iso(NOW + timedelta(hours=rnd.uniform(-12, 60))),
            }
        )
    if i % 50 == 0:
        claims.append(
            {
                "id": str(uuid.uuid4()),
                "case_id": cid,
                "state": "OPEN" if state != "CLOSED" else "DETERMINED",
                "claimant": "SUBJECT",
                "statement": "bench",
                "opened_by": "bench",
                "opened_at": utc_iso(opened),
                "due_at": utc_iso(NOW + timedelta(hours=rnd.uniform(-4, 20))),
            }
        )


def fill_sql(db: Database, n: int) -> None:
    """The same world as ``fill`` written by SQLite itself (one INSERT … SELECT over a
    recursive counter per table, randomness from ``random()``): a million cases in seconds
    where building a million Python rows takes minutes. Same shares and clocks as ``fill``,
    another random stream."""
    now = NOW.strftime("%Y-%m-%d %H:%M:%S")
    ts = "strftime('%Y-%m-%dT%H:%M:%S', '{now}', {delta}) || '.000000Z'"
    states = " ".join(f"WHEN {k} THEN '{v}'" for k, v in enumerate(STATES))
    aors = " ".join(f"WHEN {k} THEN '{v}'" for k, v in enumerate(["LOS", "SFR", "NYC", "HOU"]))
    opened = ts.format(now=now, delta="'-' || m || ' minutes'")
    cases = f"""
    INSERT INTO vetting_cases (id, number, state, open_key, person_id, encounter, ori, aor,
        field_office, opened_via, opened_reason, opened_at, opened_by, query_id, match_level,
        identity_basis, recommendation, citizenship_sign, protected_status, in_custody,
        criminal_arrest, facility_ori, subject_json, working_json, checklist_version,
        updated_at)
    WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < {n - 1}),
    r AS (SELECT i, lower(hex(randomblob(16))) AS h, abs(random()) % 525600 AS m,
                 CASE WHEN i % 10 = 0 THEN CASE abs(random()) % 5 {states} END
                      ELSE 'CLOSED' END AS st,
                 CASE abs(random()) % 4 {aors} END AS aor
          FROM seq)
    SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-'
               || substr(h, 17, 4) || '-' || substr(h, 21, 12),
           printf('VC-%012d', i), st,
           CASE WHEN st != 'CLOSED' THEN 'P' || i || '|CA0194200|2026' END,
           printf('P%09d', i), 'CA0194200|2026-11-20', 'CA0194200', aor, 'x', 'AUTOMATIC',
           'bench', {opened}, 'bench', h, 'POSITIVE', 'BIOMETRIC', 'DETAINER', i % 50 = 0,
           0, 1, 1, 'CA0194200', '{{}}', '{{}}', 1, {opened}
    FROM r"""
    hours = "((abs(random()) % {span}) - {back}) || ' seconds'"
    running = ts.format(now=now, delta=hours.format(span=72 * 3600, back=12 * 3600))
    claim_due = ts.format(now=now, delta=hours.format(span=24 * 3600, back=4 * 3600))
    requests = f"""
    INSERT INTO vetting_requests (id, number, case_id, kind, state, pc_bases, drafted_by,
        drafted_by_name, drafted_at, deadline_at)
    SELECT lower(hex(randomblob(16))), 'DET-' || substr(number, 4), id, 'DETAINER',
           CASE WHEN state != 'CLOSED' THEN 'ACKNOWLEDGED' ELSE 'CANCELLED' END, '[]', 'u',
           'bench', opened_at, {running}
    FROM vetting_cases WHERE CAST(substr(number, 4) AS INTEGER) % 20 = 0"""
    claims = f"""
    INSERT INTO vetting_claims (id, case_id, state, claimant, statement, opened_by,
        opened_at, due_at)
    SELECT lower(hex(randomblob(16))), id,
           CASE WHEN state != 'CLOSED' THEN 'OPEN' ELSE 'DETERMINED' END, 'SUBJECT',
           'bench', 'bench', opened_at,
           {claim_due}
    FROM vetting_cases WHERE CAST(substr(number, 4) AS INTEGER) % 50 = 0"""
    with db.engine.begin() as conn:
        for statement in (cases, requests, claims):
            conn.exec_driver_sql(statement)


def user(db: Database, name: str, role: str, ori: str | None = None) -> None:
    with UnitOfWork(db, Actor.system("bench"), write=True) as uow:
        create_user(uow, NewUser.parse(username=name, role=role, password=PASSWORD, ori=ori))
        uow.commit()


def client(app: Any, name: str) -> Any:
    from fastapi.testclient import TestClient

    c = TestClient(app, base_url="https://testserver")
    r = c.post("/v1/auth/login", json={"username": name, "password": PASSWORD})
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def count_overdue(db: Database) -> int:
    """How many cases the overdue list holds now (the set ``overdue=true`` pages through)."""
    from sqlalchemy import func, select

    from vetline.vetting.case_list import overdue_cases
    from vetline.vetting.models import VettingCase

    with UnitOfWork(db, Actor.system("bench"), read_only=True) as uow:
        now = utc_iso(uow.now())
        q = select(func.count()).select_from(VettingCase).where(overdue_cases(now))
        return int(uow.session.execute(q).scalar_one())


def run_sweep(db: Database, console: Console) -> None:
    """The service's sweep, as ``vetline serve`` runs it every minute (no person index
    needed: the sweep reads and moves cases and requests only)."""
    from vetline.desk.service import DeskService
    from vetline.status import load_policy
    from vetline.vetting import VettingService
    from vetline.vetting.sweep import sweep

    def no_lookup() -> Any:
        raise RuntimeError("the sweep needs no person lookup")

    desk = DeskService(db, no_lookup, policy=load_policy())
    start = time.perf_counter()
    try:
        done = sweep(VettingService(desk))
    finally:
        desk.close()
    console.print(
        f"sweep: {len(done['detainers_lapsed']):,} detainers lapsed, "
        f"{len(done['claims_escalated']):,} claims escalated "
        f"in {time.perf_counter() - start:.1f} s"
    )


def list_part(
    n: int, runs: int, console: Console, sql_fill: bool = False, swept: bool = False
) -> None:
    from vetline.api.routers.vetting import vetting_of  # noqa: F401 - app routes
    from vetline.vetting.case_list import list_cases

    folder = Path(tempfile.mkdtemp(prefix="bench-vetting-"))
    db = Database.from_url(f"sqlite:///{folder / 'vetline.db'}")
    upgrade(db.engine)
    start = time.perf_counter()
    (fill_sql if sql_fill else fill)(db, n)
    how = "by SQLite (INSERT … SELECT)" if sql_fill else "from Python rows"
    console.print(f"{n:,} cases written {how} in {time.perf_counter() - start:.1f} s")
    console.print(f"{count_overdue(db):,} cases overdue (no sweep run yet)")
    user(db, "bench.officer", "vetting_officer")
    app = create_app(Settings(demo_mode=True, rate_limit_per_minute=10**9), database=db)
    officer = client(app, "bench.officer")
    first = officer.get("/v1/cases", params={"limit": 50}).json()
    table = Table(title=f"case list, {n:,} cases, SQLite ({runs} runs each)")
    for col in ("call", "p50 ms", "p90 ms", "p99 ms"):
        table.add_column(col)
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("GET /v1/cases (50 newest)", lambda: officer.get("/v1/cases", params={"limit": 50})),
        (
            "GET /v1/cases?state=IN_REVIEW",
            lambda: officer.get("/v1/cases", params={"state": "IN_REVIEW"}),
        ),
        (
            "GET /v1/cases?overdue=true",
            lambda: officer.get("/v1/cases", params={"overdue": "true"}),
        ),
        (
            "GET /v1/cases?before=<page 1 cursor>",
            lambda: officer.get("/v1/cases", params={"before": first["next"]}),
        ),
        (
            "GET /v1/cases/{id} (case view)",
            lambda: officer.get(f"/v1/cases/{first['cases'][7]['case_id']}"),
        ),
    ]
    for name, call in calls:
        call()
        table.add_row(name, *(f"{v:.1f}" for v in pct(timed(call, runs))))

    def query(**filters: Any) -> Callable[[], None]:
        def run() -> None:
            with UnitOfWork(db, Actor.system("bench"), read_only=True) as uow:
                list_cases(uow, **filters)

        return run

    for name, filters in (
        ("list_cases() alone (50 newest)", {"limit": 50}),
        ("list_cases() alone (state=IN_REVIEW)", {"state": "IN_REVIEW"}),
        ("list_cases() alone (overdue)", {"overdue": True}),
    ):
        call = query(**filters)
        call()
        table.add_row(name, *(f"{v:.1f}" for v in pct(timed(call, runs))))
    console.print(table)
    # CPU time of this thread per call: what the code costs, less sensitive than wall time
    # to the other processes on a shared machine (the A/B of a change is read here).
    cpu = Table(title="service call CPU (thread time), same calls")
    for col in ("call", "p50 ms", "p90 ms", "p99 ms"):
        cpu.add_column(col)
    for name, filters in (
        ("list_cases() 50 newest", {"limit": 50}),
        ("list_cases() state=IN_REVIEW", {"state": "IN_REVIEW"}),
        ("list_cases() overdue", {"overdue": True}),
    ):
        cpu.add_row(
            name, *(f"{v:.2f}" for v in pct(timed(query(**filters), runs, time.thread_time)))
        )
    console.print(cpu)
    if swept:
        run_sweep(db, console)
        console.print(f"{count_overdue(db):,} cases overdue after the sweep")
        after = Table(title=f"overdue list after the sweep, {n:,} cases ({runs} runs each)")
        for col in ("call", "p50 ms", "p90 ms", "p99 ms"):
            after.add_column(col)
        overdue_http = calls[2][1]
        overdue_http()
        after.add_row(
            "GET /v1/cases?overdue=true", *(f"{v:.1f}" for v in pct(timed(overdue_http, runs)))
        )
        call = query(overdue=True)
        call()
        after.add_row("list_cases() alone (overdue)", *(f"{v:.1f}" for v in pct(timed(call, runs))))
        after.add_row(
            "list_cases() overdue, CPU",
            *(f"{v:.2f}" for v in pct(timed(call, runs, time.thread_time))),
        )
        console.print(after)
    db.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def world_part(data: Path, flows: int, console: Console) -> None:
    """Per-action time over HTTP: fingerprint hit → case → review → marks → checklist → a
    decision issued (a detainer where the rules allow it, else no action)."""
    from vetline.api.routers.desk import install_desk
    from vetline.api.routers.vetting import install_vetting
    from vetline.desk.service import DeskService
    from vetline.person import PersonLookup
    from vetline.person.records import MemoryRecords
    from vetline.status import load_policy
    from vetline.vetting import VettingService
    from vetline.vetting.demo import hits

    folder = Path(tempfile.mkdtemp(prefix="bench-vetting-world-"))
    db = Database.from_url(f"sqlite:///{folder / 'vetline.db'}")
    upgrade(db.engine)
    for name, role, ori in (
        ("b.agency", "requesting_agency", "CA0194200"),
        ("b.officer", "vetting_officer", None),
        ("b.sup", "supervisor", None),
    ):
        user(db, name, role, ori)
    desk = DeskService(db, PersonLookup.open(data), policy=load_policy())
    app = create_app(Settings(demo_mode=True, rate_limit_per_minute=10**9), database=db)
    install_desk(app, desk)
    install_vetting(app, VettingService(desk, data_dir=data))
    agency, officer, sup = client(app, "b.agency"), client(app, "b.officer"), client(app, "b.sup")
    times: dict[str, list[float]] = {}

    def t(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        r = fn(*args, **kwargs)
        times.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        return r

    def newest() -> set[str]:
        page = officer.get("/v1/cases", params={"limit": 500}).json()["cases"]
        return {c["case_id"] for c in page}

    done = 0
    json_body = {"content-type": "application/json"}
    for body in hits(MemoryRecords.load(data), limit=5000):
        if done >= flows:
            break
        before = newest()
        t(
            "POST /v1/iaq (biometric; opens the case)",
            agency.post,
            "/v1/iaq",
            content=body,
            headers=json_body,
        )
        new = sorted(newest() - before)
        if not new:
            continue
        cid = new[0]
        case = t("GET /v1/cases/{id}", officer.get, f"/v1/cases/{cid}").json()
        t("POST /v1/cases/{id}/review", officer.post, f"/v1/cases/{cid}/review")
        for rec in case["records"]:
            mark = {"source": rec["source"], "record_id": rec["record_id"], "mark": "SAME_PERSON"}
            t(
                "POST /v1/cases/{id}/records/mark",
                officer.post,
                f"/v1/cases/{cid}/records/mark",
                json=mark,
            )
        for item in (
            "IDENTITY",
            "STATUS",
            "CRIMINAL",
            "CUSTODY",
            "REMOVABILITY",
            "CITIZENSHIP",
            "PROTECTED",
        ):
            t(
                "POST /v1/cases/{id}/checklist/{item}",
                officer.post,
                f"/v1/cases/{cid}/checklist/{item}",
                json={"action": "CONFIRM", "note": "bench"},
            )
        decision = {"kind": "NO_ACTION", "reason_code": "NOT_A_PRIORITY", "reason": "bench"}
        draft = t(
            "POST /v1/cases/{id}/requests (draft)",
            officer.post,
            f"/v1/cases/{cid}/requests",
            json=decision,
        )
        if draft.status_code == 201:
            rid = draft.json()["request_id"]
            t("POST /v1/requests/{id}/issue", sup.post, f"/v1/requests/{rid}/issue")
        done += 1
    table = Table(title=f"case actions over HTTP, {done} flows, world {data}")
    for col in ("action", "n", "p50 ms", "p90 ms", "p99 ms"):
        table.add_column(col)
    for name, samples in times.items():
        if len(samples) >= 2:
            table.add_row(name, str(len(samples)), *(f"{v:.1f}" for v in pct(samples)))
    console.print(table)
    desk.close()
    db.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--world", type=Path, default=None, help="a built data folder")
    parser.add_argument("--flows", type=int, default=20)
    parser.add_argument(
        "--sql-fill",
        action="store_true",
        help="write the cases with SQLite's own INSERT … SELECT (always above 200,000 cases)",
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="after the list tables, run the real sweep and time the overdue list again",
    )
    args = parser.parse_args()
    console = Console()
    if args.cases:
        list_part(args.cases, args.runs, console, args.sql_fill or args.cases > 200_000, args.sweep)
    if args.world is not None:
        world_part(args.world, args.flows, console)


if __name__ == "__main__":
    main()
