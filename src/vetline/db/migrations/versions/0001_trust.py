"""Trust foundation: roles, users, sessions, API tokens, audit trail, work items.

Revision ID: 0001_trust
Revises:
Create Date: 2026-11-24

The audit table is made append-only inside the database too (a trigger refuses UPDATE and
DELETE), so only someone who can drop the trigger can tamper — and the hash chain still
shows it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_trust"
down_revision = None
branch_labels = None
depends_on = None

TS = 27
ROLES = {
    "requesting_agency": "Law-enforcement agency system or operator; sees its own ORI only",
    "desk_analyst": "Query-desk analyst answering IAQs",
    "vetting_officer": "Vetting-centre officer reviewing biometric matches",
    "supervisor": "Supervisor approving decisions and detainer recommendations",
    "lead_analyst": "National analysis-centre analyst running batch vetting",
    "field_officer": "Field-office officer; sees leads of its own area of responsibility",
    "auditor": "Reads and exports the audit trail; nothing else",
    "administrator": "Manages accounts; no case data, no audit",
}
GENESIS = "0" * 64

PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
"""
SQLITE_APPEND_ONLY = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)


def _ts(name: str, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(TS), nullable=nullable)


def upgrade() -> None:
    roles = op.create_table(
        "roles",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("description", sa.String(200), nullable=False),
    )
    op.bulk_insert(roles, [{"name": k, "description": v} for k, v in ROLES.items()])
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(32), sa.ForeignKey("roles.name"), nullable=False),
        sa.Column("ori", sa.String(9)),
        sa.Column("aor", sa.String(8)),
        sa.Column("password_hash", sa.String(255), nullable=False),
        _ts("password_changed_at", nullable=False),
        sa.Column("totp_secret", sa.String(64)),
        sa.Column("totp_last_step", sa.BigInteger),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        _ts("first_failed_at"),
        _ts("locked_at"),
        _ts("disabled_at"),
        sa.Column("disabled_reason", sa.Text),
        _ts("created_at", nullable=False),
        _ts("last_login_at"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        _ts("created_at", nullable=False),
        _ts("last_seen_at", nullable=False),
        _ts("expires_at", nullable=False),
        _ts("ended_at"),
        sa.Column("end_reason", sa.String(32)),
        sa.Column("client", sa.String(64)),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        _ts("created_at", nullable=False),
        _ts("expires_at"),
        _ts("revoked_at"),
        _ts("last_used_at"),
    )
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        _ts("ts", nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False, index=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("actor_user_id", sa.String(36), index=True),
        sa.Column("actor_username", sa.String(128), nullable=False),
        sa.Column("actor_role", sa.String(32)),
        sa.Column("actor_ori", sa.String(9)),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("client", sa.String(64)),
        sa.Column("requesting_ori", sa.String(9)),
        sa.Column("purpose", sa.String(8)),
        sa.Column("object_type", sa.String(64)),
        sa.Column("object_id", sa.String(128), index=True),
        sa.Column("reason", sa.Text),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_events_ts", "audit_events", ["ts"])
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS}])
    op.create_table(
        "work_items",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("queue", sa.String(32), nullable=False, index=True),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("ori", sa.String(9)),
        sa.Column("aor", sa.String(8)),
        _ts("created_at", nullable=False),
        sa.Column("claimed_by", sa.String(36)),
        _ts("claimed_at"),
        _ts("done_at"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_APPEND_ONLY)
    else:
        for statement in SQLITE_APPEND_ONLY:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    for table in (
        "work_items",
        "audit_chain_head",
        "audit_events",
        "api_tokens",
        "sessions",
        "users",
        "roles",
    ):
        op.drop_table(table)
