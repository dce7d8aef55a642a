"""Trust, round two: account requests (two administrators) and enrolment secrets.

Revision ID: 0006_trust2
Revises: 0005_vetting
Create Date: 2026-12-05

Separation of duties (issue 13 item 1): an account creation or role change is stored as a
request a second administrator approves; a new account gets a one-time enrolment secret
the user redeems to set their own password.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_trust2"
down_revision = "0005_vetting"
branch_labels = None
depends_on = None

TS = 27


def upgrade() -> None:
    op.create_table(
        "account_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("target_user_id", sa.String(36)),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("requested_by", sa.String(36)),
        sa.Column("requested_by_name", sa.String(128), nullable=False),
        sa.Column("requested_at", sa.String(TS), nullable=False),
        sa.Column("decided_by", sa.String(36)),
        sa.Column("decided_by_name", sa.String(128)),
        sa.Column("decided_at", sa.String(TS)),
        sa.Column("decision_reason", sa.Text),
        sa.Column("user_id", sa.String(36)),
    )
    op.create_table(
        "enrolments",
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.String(TS), nullable=False),
        sa.Column("expires_at", sa.String(TS), nullable=False),
        sa.Column("redeemed_at", sa.String(TS)),
    )


def downgrade() -> None:
    op.drop_table("enrolments")
    op.drop_table("account_requests")
