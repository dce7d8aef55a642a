"""A few realistic queries of every type, drawn from a data folder's own records (the demo).

Why from the records and not from ground truth: a demo must show what an agency would
send — a name and date of birth from a booking, an A-number from a document, a FIN from a
fingerprint hit, a firearm buyer — without reading the synthetic world's answers. One of
the queries is the Nlets plain-text form a terminal sends. Deterministic: the first
records of each kind in the store.
"""

from __future__ import annotations

from typing import Any

from vetline.person.records import MemoryRecords

DEMO_ORI = "CA0194200"  # Los Angeles County Sheriff in the shipped directory
ENCOUNTER = {"state": "CA", "county_fips": "06037"}


def _first(records: MemoryRecords, source: str, **where: object) -> dict[str, Any] | None:
    table = records.tables.get(source)
    if table is None:
        return None
    for row in table.slice(0, 5000).to_pylist():
        if (
            row.get("last_name")
            and row.get("dob")
            and all(row.get(k) == v for k, v in where.items())
        ):
            return dict(row)
    return None


def _subject(row: dict[str, Any], *, ids: tuple[str, ...] = ()) -> dict[str, Any]:
    subject = {k: row[k] for k in ("last_name", "first_name", "dob", "sex") if row.get(k)}
    subject.update({k: row[k] for k in ids if row.get(k)})
    return subject


def sample_queries(records: MemoryRecords, ori: str = DEMO_ORI) -> list[str]:
    """JSON lines (and one Nlets text) ready for ``vetline query`` or ``POST /v1/iaq``."""
    import json

    out: list[str] = []
    picks: list[tuple[str, dict[str, Any] | None, dict[str, Any]]] = [
        ("IAQ", _first(records, "custody"), {"custody": {"in_custody": True}, "charges": [
            {"charge_code": "1313", "charge_text": "ASSAULT", "offense_level": "MISDEMEANOR"}]}),
        ("BIOMETRIC", _first(records, "biometric"), {}),
        ("NCIC_WARRANT", _first(records, "warrants", warrant_state="ACTIVE"), {}),
        ("NICS", _first(records, "status", status_class="LPR"), {"purpose": "F"}),
        ("CRITICAL_INFRASTRUCTURE", _first(records, "status", status_class="NONIMMIGRANT"), {}),
    ]  # fmt: skip
    for n, (query_type, row, extra) in enumerate(picks, start=1):
        if row is None or (query_type == "BIOMETRIC" and not row.get("fin")):
            continue
        ids = ("fin",) if query_type == "BIOMETRIC" else ("a_number",)
        body = {"iaq_id": f"DEMO-{n}", "query_type": query_type, "ori": ori,
                "subject": _subject(row, ids=ids), "encounter": ENCOUNTER, **extra}  # fmt: skip
        out.append(json.dumps(body))
    row = _first(records, "criminal")
    if row is not None:
        out.append(nlets_text(row, ori))
    return out


def nlets_text(row: dict[str, Any], ori: str) -> str:
    """An Nlets IAQ for a booked person, as a terminal sends it (header line, then tags)."""
    dob = str(row["dob"]).replace("-", "")
    tags = [("PUR", "C"), ("ATN", "DEP SMITH"), ("PHN", "5555550100"),
            ("NAM", f"{row['last_name']}, {row.get('first_name') or ''}".strip()),
            ("DOB", dob), ("SEX", row.get("sex") or "X"), ("POB", "XX"), ("CUS", "Y"),
            ("OFF", "0399")]  # fmt: skip
    return f"IAQ.{ori}.AX.DEMO7.TXT\n" + ".".join(f"{t}/{v}" for t, v in tags) + "."
