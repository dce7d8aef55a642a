"""The engine reads record-store rows as ingest writes them (normalised Parquet)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb

from vetline.records.contract import SOURCE_NAMES, TRUTH_FILE
from vetline.status import PersonHistory, Policy, assess
from vetline.vocab import ENFORCEMENT_ACTIONS


def test_store_rows_parse_and_assess(
    small_store: Path, small_extract: Path, policy: Policy
) -> None:
    con = duckdb.connect()
    rows: dict[str, list[dict[str, object]]] = defaultdict(list)
    for source in SOURCE_NAMES:
        path = small_store / "store" / f"{source}.parquet"
        if not path.exists():
            continue
        table = con.sql(
            f"SELECT t.person_id AS _person, s.* FROM read_parquet('{path}') s "
            f"JOIN read_csv('{small_extract / TRUTH_FILE}', all_varchar=true) t "
            f"ON t.source = s.source AND t.record_id = s.record_id"
        ).to_arrow_table()
        for row in table.to_pylist():
            rows[str(row.pop("_person"))].append(row)
    assert len(rows) > 2_000
    facts = dict(
        con.execute(
            f"SELECT person_id, us_citizen FROM "
            f"read_csv('{small_extract / 'person_facts.csv'}', all_varchar=true)"
        ).fetchall()
    )
    for pid, person_rows in rows.items():
        history = PersonHistory.from_rows(person_rows)  # no BadInput on normalised rows
        result = assess(history, date(2026, 11, 1), policy=policy)
        if facts[pid] == "Y":
            assert result.recommendation.action not in ENFORCEMENT_ACTIONS, pid
