"""How fast the desk's pure front half is: parse, route and render, per call, one core.

The issue asks for >= 200 automatic IAQs per second end to end with p99 <= 100 ms; this
shows how much of that budget intake and rendering take (they should be a rounding error).

    .venv/bin/python bench/desk_intake.py [--calls N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import date

from rich.console import Console
from rich.table import Table

from vetline.desk import (
    parse_iaq_json,
    parse_nlets_iaq,
    render_iar_text,
    route_query,
    shipped_agencies,
)

IAQ_JSON = json.dumps(
    {
        "iaq_id": "bench-1",
        "query_type": "IAQ",
        "ori": "CA0194200",
        "purpose": "C",
        "subject": {
            "last_name": "GARCIA LOPEZ",
            "first_name": "JUAN",
            "dob": "1985-03-02",
            "sex": "M",
            "birth_country": "MX",
            "a_number": "A12345678",
        },
        "encounter": {"state": "CA", "county_fips": "06037", "date": "2026-11-20"},
        "custody": {"in_custody": True, "facility_ori": "CA0190000"},
        "charges": [
            {"charge_code": "1313", "charge_text": "ASSAULT", "offense_level": "MISDEMEANOR"}
        ],
        "attention": "DEP SMITH",
        "phone": "555-0100",
    }
)
NLETS = (
    "IAQ.MD0030000.AX.Q1.TXT\nPUR/C.ATN/OFC J RIVERA.PHN/4105550100.NAM/DOE, JOHN Q."
    "DOB/041285.SEX/M.POB/MM.CUS/Y.OFF/1313.ARN/012345678.FBI/123456AB7"
)
IAR = {
    "iar_id": "IAR-1",
    "iaq_id": "Q1",
    "received_at": "2026-11-20T10:00:00Z",
    "responded_at": "2026-11-20T10:00:00Z",
    "match": {
        "level": "POSITIVE",
        "person_id": "P1",
        "probability": 0.9991,
        "explanation": [{"field": "dob", "comparison": "exact", "weight": 6.2}],
        "records": [{"source": "status", "record_id": "S1"}],
    },
    "status": {
        "code": "LPR",
        "summary": "Lawful permanent resident.",
        "evidence": [{"source": "status", "record_id": "S1"}],
    },
    "removability": {"assessment": "NOT_REMOVABLE", "grounds": []},
    "flags": [],
    "routing": {"aor": "LOS", "field_office": "Los Angeles"},
}


def measure(fn: Callable[[], object], n: int) -> list[float]:
    fn()  # warm caches (tables are read once per process)
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1e6)
    return out


def main(n: int) -> None:
    directory = shipped_agencies()
    iaq = parse_iaq_json(IAQ_JSON)
    received = date(2026, 11, 24)
    cases: dict[str, Callable[[], object]] = {
        "parse_iaq_json": lambda: parse_iaq_json(IAQ_JSON),
        "parse_nlets_iaq": lambda: parse_nlets_iaq(NLETS, received=received),
        "route_query": lambda: route_query(iaq, directory),
        "render_iar_text": lambda: render_iar_text(IAR, dest_ori="CA0194200", iaq=iaq),
    }
    table = Table(title=f"desk front half, {n} calls each, one core")
    for col in ("operation", "median µs", "p99 µs", "calls/s"):
        table.add_column(col, justify="right")
    for name, fn in cases.items():
        times = sorted(measure(fn, n))
        p99 = times[int(0.99 * (len(times) - 1))]
        median = statistics.median(times)
        table.add_row(name, f"{median:.0f}", f"{p99:.0f}", f"{1e6 / statistics.mean(times):,.0f}")
    Console().print(table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000, help="calls per operation")
    main(parser.parse_args().calls)
