"""Vetting centre: cases, their IARs, checklist and record marks, requests, citizenship
claims, source corrections and evidence snapshots.

Revision ID: 0005_vetting
Revises: 0004_leads
Create Date: 2026-12-05

``vetting_cases.open_key`` is unique and NULL once a case closes: the database itself keeps
one open case per person and encounter, even when two intakes race.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_vetting"
down_revision = "0004_leads"
branch_labels = None
depends_on = None

TS = 27


#: The role this migration adds to the ``roles`` table (``vetline.auth.roles.Role``).
REVIEWER = {
    "name": "citizenship_reviewer",
    "description": "Determines U.S.-citizenship claims and reviews (vetting centre)",
}


def upgrade() -> None:
    roles = sa.table("roles", sa.column("name", sa.String), sa.column("description", sa.String))
    op.bulk_insert(roles, [REVIEWER])
    op.create_table(
        "vetting_cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("open_key", sa.String(160)),
        sa.Column("person_id", sa.String(64), index=True),
        sa.Column("encounter", sa.String(64), nullable=False),
        sa.Column("ori", sa.String(9), nullable=False, index=True),
        sa.Column("aor", sa.String(8), index=True),
        sa.Column("field_office", sa.String(64)),
        sa.Column("opened_via", sa.String(16), nullable=False),
        sa.Column("opened_reason", sa.String(200), nullable=False),
        sa.Column("opened_at", sa.String(TS), nullable=False, index=True),
        sa.Column("opened_by", sa.String(64)),
        sa.Column("query_id", sa.String(36), nullable=False, index=True),
        sa.Column("match_level", sa.String(16), nullable=False),
        sa.Column("identity_basis", sa.String(16), nullable=False),
        sa.Column("recommendation", sa.String(32), nullable=False),
        sa.Column("citizenship_sign", sa.Boolean, nullable=False),
        sa.Column("protected_status", sa.Boolean, nullable=False),
        sa.Column("in_custody", sa.Boolean, nullable=False),
        sa.Column("criminal_arrest", sa.Boolean, nullable=False),
        sa.Column("facility_ori", sa.String(9)),
        sa.Column("expected_release", sa.String(TS)),
        sa.Column("subject_json", sa.Text, nullable=False),
        sa.Column("working_json", sa.Text, nullable=False),
        sa.Column("checklist_version", sa.Integer, nullable=False),
        sa.Column("assigned_to", sa.String(36)),
        sa.Column("revet_reason", sa.String(300)),
        sa.Column("decided_at", sa.String(TS)),
        sa.Column("closed_at", sa.String(TS)),
        sa.Column("close_reason", sa.String(32)),
        sa.UniqueConstraint("number", name="uq_vetting_cases_number"),
        sa.UniqueConstraint("open_key", name="uq_vetting_cases_open_key"),
        sa.Column("updated_at", sa.String(TS), nullable=False, index=True),
    )
    op.create_index("ix_vetting_cases_state_opened_at", "vetting_cases", ["state", "opened_at"])
    op.create_table(
        "vetting_case_iars",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey("vetting_cases.id", name="fk_vetting_case_iars_case_id_vetting_cases"),
            nullable=False,
            index=True,
        ),
        sa.Column("query_id", sa.String(36), nullable=False),
        sa.Column("iar_id", sa.String(36)),
        sa.Column("attached_at", sa.String(TS), nullable=False),
        sa.Column("amended_at", sa.String(TS)),
        sa.UniqueConstraint("query_id", name="uq_vetting_case_iars_query_id"),
    )
    op.create_table(
        "vetting_checklist",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey("vetting_cases.id", name="fk_vetting_checklist_case_id_vetting_cases"),
            nullable=False,
            index=True,
        ),
        sa.Column("item", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("found_json", sa.Text, nullable=False),
        sa.Column("correction_json", sa.Text),
        sa.Column("note", sa.String(1000)),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("decided_at", sa.String(TS)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("case_id", "item", name="uq_vetting_checklist_case_id"),
    )
    op.create_table(
        "vetting_record_marks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey("vetting_cases.id", name="fk_vetting_record_marks_case_id_vetting_cases"),
            nullable=False,
            index=True,
        ),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("mark", sa.String(16)),
        sa.Column("note", sa.String(1000)),
        sa.Column("marked_by", sa.String(64)),
        sa.Column("marked_at", sa.String(TS)),
        sa.UniqueConstraint(
            "case_id", "source", "record_id", name="uq_vetting_record_marks_case_id"
        ),
    )
    op.create_table(
        "vetting_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey("vetting_cases.id", name="fk_vetting_requests_case_id_vetting_cases"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(24), nullable=False, index=True),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("held_by_claim", sa.String(36)),
        sa.Column("agency_ori", sa.String(9), index=True),
        sa.Column("aor", sa.String(8), index=True),
        sa.Column("pc_bases", sa.Text, nullable=False),
        sa.Column("pc_detail", sa.String(2000)),
        sa.Column("additional_basis", sa.String(24)),
        sa.Column("databases_relied_on", sa.String(1000)),
        sa.Column("warrant_kind", sa.String(8)),
        sa.Column("warrant_number", sa.String(32)),
        sa.Column("warrant_signed_on", sa.String(10)),
        sa.Column("reason_code", sa.String(32)),
        sa.Column("reason", sa.String(2000)),
        sa.Column("drafted_by", sa.String(36), nullable=False),
        sa.Column("drafted_by_name", sa.String(64), nullable=False),
        sa.Column("drafted_at", sa.String(TS), nullable=False),
        sa.Column("approved_by", sa.String(36)),
        sa.Column("approved_by_name", sa.String(64)),
        sa.Column("approved_at", sa.String(TS)),
        sa.Column("issued_at", sa.String(TS)),
        sa.Column("served_at", sa.String(TS)),
        sa.Column("responded_at", sa.String(TS)),
        sa.Column("release_at", sa.String(TS)),
        sa.Column("deadline_at", sa.String(TS)),
        sa.Column("deadline_rule", sa.String(64)),
        sa.Column("deadline_explanation", sa.Text),
        sa.Column("ended_at", sa.String(TS)),
        sa.Column("cancel_reason", sa.String(24), index=True),
        sa.Column("document", sa.LargeBinary),
        sa.Column("document_sha256", sa.String(64)),
        sa.Column("document_json", sa.Text),
        sa.Column("cancellation", sa.LargeBinary),
        sa.Column("cancellation_sha256", sa.String(64)),
        sa.UniqueConstraint("number", name="uq_vetting_requests_number"),
    )
    op.create_table(
        "vetting_claims",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey("vetting_cases.id", name="fk_vetting_claims_case_id_vetting_cases"),
            nullable=False,
            index=True,
        ),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("claimant", sa.String(16), nullable=False),
        sa.Column("claimant_name", sa.String(120)),
        sa.Column("statement", sa.String(4000), nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("opened_at", sa.String(TS), nullable=False, index=True),
        sa.Column("due_at", sa.String(TS), nullable=False),
        sa.Column("assigned_to", sa.String(36)),
        sa.Column("determination", sa.String(16)),
        sa.Column("determination_text", sa.String(4000)),
        sa.Column("determined_by", sa.String(64)),
        sa.Column("determined_at", sa.String(TS)),
    )
    op.create_table(
        "vetting_corrections",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey("vetting_cases.id", name="fk_vetting_corrections_case_id_vetting_cases"),
            nullable=False,
            index=True,
        ),
        sa.Column("source", sa.String(32), nullable=False, index=True),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("correction", sa.String(1000), nullable=False),
        sa.Column("origin", sa.String(24), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("opened_at", sa.String(TS), nullable=False),
    )
    op.create_table(
        "vetting_snapshots",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey("vetting_cases.id", name="fk_vetting_snapshots_case_id_vetting_cases"),
            nullable=False,
            index=True,
        ),
        sa.Column("decision", sa.String(64), nullable=False),
        sa.Column("taken_at", sa.String(TS), nullable=False),
        sa.Column("taken_by", sa.String(64), nullable=False),
        sa.Column("content_json", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM roles WHERE name = 'citizenship_reviewer'"))
    op.drop_table("vetting_snapshots")
    op.drop_table("vetting_corrections")
    op.drop_table("vetting_claims")
    op.drop_table("vetting_requests")
    op.drop_table("vetting_record_marks")
    op.drop_table("vetting_checklist")
    op.drop_table("vetting_case_iars")
    op.drop_table("vetting_cases")
