"""The batch-job table: one row per job submitted through the API (or the CLI with a
database), durable before the job is acknowledged.

The row is the job's state and progress; the job's files (the uploaded list, the
chunks, the results and manifest) live in its folder ``<data>/batch/<job id>/``. A runner
claims a QUEUED job (or a RUNNING one whose heartbeat stopped: its process died) with a
compare-and-set update, so two serve workers never run the same job.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vetline.db.base import TS_WIDTH, Base


class BatchJob(Base):
    __tablename__ = "batch_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    authority: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(String(128))
    source_version: Mapped[str | None] = mapped_column(String(128))
    requester: Mapped[str] = mapped_column(String(128))
    requester_id: Mapped[str | None] = mapped_column(String(36))
    list_name: Mapped[str] = mapped_column(String(256))
    input_sha256: Mapped[str] = mapped_column(String(64))
    request_json: Mapped[str] = mapped_column(Text)
    folder: Mapped[str] = mapped_column(Text)
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = mapped_column(String(TS_WIDTH), index=True)
    started_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    finished_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    heartbeat_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    runner: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    manifest_json: Mapped[str | None] = mapped_column(Text)
    #: ``file`` | ``roster`` (migration 0009_partner): a roster job is read by its agency.
    list_kind: Mapped[str] = mapped_column(String(16), default="file", server_default="file")
    #: The submitting agency's ORI (roster jobs of a partner officer), else NULL: the row
    #: scope of a partner officer (``auth.roles.scope_filter``) is ``ori == own ORI``.
    ori: Mapped[str | None] = mapped_column(String(9), index=True)
    facility_ori: Mapped[str | None] = mapped_column(String(16))
