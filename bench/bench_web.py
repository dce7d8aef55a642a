"""Web app page timings and page weight on a built world (issue 17: p95 ≤ 50 ms per page
on the 1M-record world, ≤ 300 KB per page without cache).

Run (from the repository root)::

    .venv/bin/python bench/bench_web.py --data D --facts E/person_facts.csv \
        [--queries 300] [--repeat 40]

The app is built as ``vetline serve`` builds it (API + desk + web, SQLite in a scratch
folder) and called in process through Starlette's test client, so a timing is the
server's work for one page — routing, the permission gate and its audit write, the
service calls, the template — plus the test client's own small overhead (an upper bound
of server time; no network). ``--queries`` IAQs of the world's people are sent first
through the desk (as an agency), so the queue, the IARs and the dashboard have content;
the query pages rotate over the queued queries. Page weight: the HTML plus every asset it
loads (style sheet, script; chart SVGs are inside the HTML), uncompressed, no cache.
CPU ms/page is the process's CPU time (every thread) per page: the figure that does not
grow with other jobs' load on a shared machine, unlike the wall-clock percentiles.

``--pages "desk queue,dashboard (24 h)"`` times only those pages. To see where a page's
CPU goes, run the script under ``py-spy record --format raw --rate 250 -- python
bench/bench_web.py … --pages X`` (every thread: the test client serves the app in its
own threads, which an in-process cProfile of the main thread does not see) and keep the
stacks that pass through the page's handler.

Also measured: one chart's server-side render (vl-convert) — why charts are cached.

Vetting pages (issue 15 through the app): an officer opens a case by hand for up to
``--cases`` of the answered IAQs (``intake.open_case``, the path ``POST /v1/cases``
takes), then the case list, a case page (records side by side, checklist, rules), the
supervisors' approvals and the citizenship-review queue are timed like the others.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from vetline.api import Settings, create_app
from vetline.api.routers.desk import install_desk
from vetline.auth.accounts import NewUser, create_user
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, Database, UnitOfWork
from vetline.db.migrate import upgrade
from vetline.desk.service import DeskService
from vetline.person import PersonLookup
from vetline.person.records import MemoryRecords
from vetline.status import load_policy
from vetline.vetting import VettingService, intake
from vetline.vetting.demo import hits
from vetline.web import install_web
from vetline.web.charts import bar, to_svg

PASSWORD = "bench web password 2026"
ORI = "CA0194200"
HTML = {"accept": "text/html"}
#: username → (role, the ORI the account is bound to).
ACCOUNTS: dict[str, tuple[str, str | None]] = {
    "bench.agency": ("requesting_agency", ORI), "bench.analyst": ("desk_analyst", None),
    "bench.auditor": ("auditor", None), "bench.admin": ("administrator", None),
    "bench.officer": ("vetting_officer", None), "bench.super": ("supervisor", None)}  # fmt: skip


def login(app: Any, username: str) -> TestClient:
    client = TestClient(app, base_url="https://testserver")
    response = client.post("/v1/auth/login", json={"username": username, "password": PASSWORD})
    response.raise_for_status()
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def weight(client: TestClient, html: str) -> int:
    assets = re.findall(r'(?:href|src)="(/web/static/[^"]+)"', html)
    return len(html.encode()) + sum(len(client.get(a).content) for a in set(assets))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--facts", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument(
        "--hits",
        type=int,
        default=100,
        help="BIOMETRIC IAQs (fingerprint hits of booked persons) sent too",
    )
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="vetline-bench-web-"))
    database = Database.from_url(f"sqlite:///{scratch / 'vetline.db'}")
    upgrade(database.engine)
    t = time.perf_counter()
    lookup = PersonLookup.open(args.data)
    print(f"index loaded in {time.perf_counter() - t:.1f} s", flush=True)
    desk = DeskService(database, lookup, policy=load_policy())
    desk.warm_up()
    settings = Settings(demo_mode=True, data=args.data, rate_limit_per_minute=10**7)
    app = install_web(create_app(settings, database=database))
    install_desk(app, desk)
    from vetline.api.routers.vetting import install_vetting

    vetting = VettingService(desk, data_dir=args.data)
    install_vetting(app, vetting)
    with UnitOfWork(database, Actor.system("bench"), write=True) as uow:
        for name, (role, ori) in ACCOUNTS.items():
            create_user(uow, NewUser.parse(username=name, role=role, password=PASSWORD, ori=ori))
        uow.commit()
    with args.facts.open(encoding="utf-8") as handle:
        facts = [f for f in csv.DictReader(handle) if f["true_last_name"]]
    rng = random.Random(17)
    agency = Actor(user_id=None, username="bench.agency", role="requesting_agency", ori=ORI,
                   via="bench")  # fmt: skip
    scope = RowScope(ScopeKind.OWN_ORI, ORI)
    t = time.perf_counter()
    iars = []
    for k, fact in enumerate(rng.sample(facts, args.queries)):
        body = {"iaq_id": f"BW{k:06d}", "query_type": "IAQ", "ori": ORI,
                "subject": {"last_name": fact["true_last_name"],
                            "first_name": fact["true_first_name"], "dob": fact["true_dob"],
                            "sex": fact["sex"]},
                "encounter": {"state": "CA", "county_fips": "06037"}}  # fmt: skip
        if k % 5 == 0:
            body["custody"] = {"in_custody": True}
        iars.append(desk.submit(json.dumps(body), agency, scope))
    # Fingerprint hits of booked persons (as the demo sends them): the answers a desk gives
    # automatically, so the portal, the IAR page and the vetting case page have them.
    for text in hits(MemoryRecords.load(args.data), limit=args.hits * 4)[: args.hits]:
        body = json.loads(text)
        body["ori"] = ORI
        body["custody"]["facility_ori"] = ORI
        iars.append(desk.submit(json.dumps(body), agency, scope))
    print(f"{args.queries} IAQs and {len(iars) - args.queries} fingerprint hits sent in "
          f"{time.perf_counter() - t:.1f} s", flush=True)  # fmt: skip
    analyst, agent = login(app, "bench.analyst"), login(app, "bench.agency")
    auditor, admin = login(app, "bench.auditor"), login(app, "bench.admin")
    queued = [s.query_id for s in iars if s.state.value == "queued"]
    iar_ids = [s.iar["iar_id"] for s in iars if s.iar]
    print(f"{len(queued)} queued, {len(iar_ids) - len(queued)} answered automatically")
    officer_actor = Actor(user_id=None, username="bench.officer", role="vetting_officer",
                          via="bench")  # fmt: skip
    answered = [s.query_id for s in iars if s.state.value == "answered"]
    case_ids: list[str] = []
    for query_id in answered[: args.cases]:
        opened = intake.open_case(vetting, query_id, officer_actor, via="OFFICER", reason="bench")
        if opened["case_id"] not in case_ids:
            case_ids.append(opened["case_id"])
    print(f"{len(case_ids)} vetting cases open")
    officer, supervisor = login(app, "bench.officer"), login(app, "bench.super")
    pages: list[tuple[str, TestClient, Any]] = [
        ("log-in form", TestClient(app, base_url="https://testserver"), lambda i: "/web/login"),
        ("desk queue", analyst, lambda i: "/web/desk"),
        ("query + person view", analyst, lambda i: f"/web/desk/{queued[i % len(queued)]}"),
        ("agency portal", agent, lambda i: "/web/agency"),
        ("agency IAR", agent, lambda i: f"/web/agency/iar/{iar_ids[i % len(iar_ids)]}"),
        ("new query form", agent, lambda i: "/web/agency/new"),
        ("dashboard (24 h)", analyst, lambda i: "/web/ops?hours=24"),
        ("audit search", auditor, lambda i: "/web/audit?event_type=IAR_SENT"),
        ("accounts", admin, lambda i: "/web/admin"),
        ("vetting case list", officer, lambda i: "/web/vetting"),
        ("vetting case", officer, lambda i: f"/web/vetting/cases/{case_ids[i % len(case_ids)]}"),
        ("vetting approvals", supervisor, lambda i: "/web/vetting/approvals"),
        ("citizenship review", officer, lambda i: "/web/vetting/claims"),
    ]
    wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
    unknown = wanted - {name for name, _, _ in pages}
    if unknown:
        sys.exit(f"--pages: no page named {sorted(unknown)}")
    rows = []
    for name, client, path in pages:
        if wanted and name not in wanted:
            continue
        if name == "vetting case" and not case_ids:  # every IAQ queued: no case to open
            print("  vetting case: skipped (no answered IAQ to open a case for)")
            continue
        for i in range(3):  # warm: first-call costs, the dashboard's first drawings
            client.get(path(i), headers=HTML).raise_for_status()
        times = []
        html = ""
        cpu = time.process_time()
        for i in range(args.repeat):
            started = time.perf_counter()
            response = client.get(path(i), headers=HTML)
            times.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            html = response.text
        cpu_ms = (time.process_time() - cpu) * 1000 / args.repeat
        rows.append((name, statistics.median(times), percentile(times, 95), cpu_ms,
                     weight(client, html)))  # fmt: skip
        print(f"  {name}: done", flush=True)
    spec = bar([{"hour": f"{h:02d}", "count": h} for h in range(24)], "hour", "count", "x")
    renders = []
    for _ in range(5):
        started = time.perf_counter()
        to_svg(spec)
        renders.append((time.perf_counter() - started) * 1000)
    print("\n| page | p50 ms | p95 ms | CPU ms/page | weight KB (no cache) |")
    print("|---|---|---|---|---|")
    for name, p50, p95, cpu_ms, size in rows:
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {cpu_ms:.1f} | {size / 1024:.1f} |")
    render = statistics.median(renders)
    print(f"\none chart rendered by vl-convert: median {render:.0f} ms (cached per chart)")
    desk.close()
    database.dispose()
    sys.exit(0)


if __name__ == "__main__":
    main()
