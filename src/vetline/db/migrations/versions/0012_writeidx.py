"""Four indexes the write path kept up and no query needs (issue 18 goal 1).

Revision ID: 0012_writeidx
Revises: 0011_rawiaq
Create Date: 2026-12-07

Each is the leading column of another index on the same table, which serves every query
that filtered on it (``EXPLAIN QUERY PLAN`` in ``tests/trust/test_write_indexes.py``, SQLite
and PostgreSQL): ``desk_queries.ori`` beside the unique ``(ori, iaq_id)``,
``vetting_cases.state`` beside ``(state, opened_at)``, ``vetting_checklist.case_id``
beside the unique ``(case_id, item)`` and ``vetting_record_marks.case_id`` beside the
unique ``(case_id, source, record_id)``. Every accepted IAQ wrote one b-tree page set
more than it needed for the first, every case opened three more for the others.
"""

from __future__ import annotations

from alembic import op

revision = "0012_writeidx"
down_revision = "0011_rawiaq"
branch_labels = None
depends_on = None

#: (index, table, column) of each index dropped.
DROPPED = (
    ("ix_desk_queries_ori", "desk_queries", "ori"),
    ("ix_vetting_cases_state", "vetting_cases", "state"),
    ("ix_vetting_checklist_case_id", "vetting_checklist", "case_id"),
    ("ix_vetting_record_marks_case_id", "vetting_record_marks", "case_id"),
)


def upgrade() -> None:
    for name, table, _ in DROPPED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, column in DROPPED:
        op.create_index(name, table, [column])
