"""The four indexes dropped by ``0012_writeidx`` are not missed: each query that filtered
on their column still reads an index (the wider one the column leads), on both backends.

Why: the write path paid for each of those b-trees on every insert (issue 18 goal 1); the
wider index serves the same reads, as long as the planner picks it, which is checked here
with the plans themselves rather than assumed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from vetline.db import Database

#: (a query of the kind the code runs, the index that must serve it).
READS = (
    ("SELECT id FROM desk_queries WHERE ori = 'ORI000001'", "uq_desk_queries_ori_iaq_id"),
    ("SELECT id FROM vetting_cases WHERE state = 'OPEN'", "ix_vetting_cases_state_opened_at"),
    (
        "SELECT id FROM vetting_cases WHERE state IN ('OPEN', 'IN_REVIEW')",
        "ix_vetting_cases_state_opened_at",
    ),
    (
        "SELECT item, state FROM vetting_checklist WHERE case_id = 'c1'",
        "uq_vetting_checklist_case_id",
    ),
    (
        "SELECT record_id FROM vetting_record_marks WHERE case_id = 'c1' AND mark IS NULL",
        "uq_vetting_record_marks_case_id",
    ),
)
DROPPED = (
    "ix_desk_queries_ori",
    "ix_vetting_cases_state",
    "ix_vetting_checklist_case_id",
    "ix_vetting_record_marks_case_id",
)


def _plan(database: Database, sql: str) -> str:
    with database.engine.connect() as conn:
        if database.dialect == "sqlite":
            rows = conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
            return "\n".join(str(row[-1]) for row in rows)
        # an empty table is cheapest to scan: ask whether an index *can* serve the query
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        return "\n".join(str(row[0]) for row in conn.execute(text(f"EXPLAIN {sql}")))


@pytest.mark.parametrize(("sql", "index"), READS)
def test_the_wider_index_serves_the_read(database: Database, sql: str, index: str) -> None:
    plan = _plan(database, sql)
    if database.dialect == "sqlite" and index.startswith("uq_"):
        # SQLite names a UNIQUE constraint's index itself: sqlite_autoindex_<table>_<n>
        index = "sqlite_autoindex_" + sql.split(" FROM ")[1].split()[0]
    assert index in plan, plan
    assert "SCAN" not in plan, plan  # SQLite: no full read of the table


def test_the_dropped_indexes_are_gone(database: Database) -> None:
    with database.engine.connect() as conn:
        if database.dialect == "sqlite":
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
        else:
            names = conn.execute(text("SELECT indexname FROM pg_indexes"))
        present = set(names.scalars())
    assert present.isdisjoint(DROPPED)
    assert "ix_vetting_cases_state_opened_at" in present  # the reading of names works
