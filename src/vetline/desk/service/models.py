"""The desk's tables: one row per accepted query, one row per IAR version sent.

The query row holds the canonical IAQ: everything the answer was computed from, and its
hash lets a resubmitted ``iaq_id`` be told apart from a different query reusing the id.
Beside it, ``iaq_raw`` keeps the body exactly as received (the JSON text or the Nlets
message, at most the intake's 64 KiB), written in the same insert as the row: an analyst
checks the parse against what the terminal sent (an unusual tag, a name split oddly), and
an audit of a disputed answer starts from the message itself (issue 17 item 3). It adds
no person data the canonical form lacks beyond the message's own layout and unknown tags
(which ``remarks`` keeps anyway), and it is read only through the same scoped reads as
the row. NULL on rows stored before it existed. ``ori`` and
``aor`` are the columns the row scopes filter on (``vetline.auth.scope_filter``).
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vetline.db.base import TS_WIDTH, Base


class DeskQuery(Base):
    """One accepted IAQ and its current answer."""

    __tablename__ = "desk_queries"
    __table_args__ = (UniqueConstraint("ori", "iaq_id", name="uq_desk_queries_ori_iaq_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    iaq_id: Mapped[str] = mapped_column(String(64))
    ori: Mapped[str] = mapped_column(String(9))  # led by uq_desk_queries_ori_iaq_id
    query_type: Mapped[str] = mapped_column(String(32))
    form: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), index=True)
    iaq_json: Mapped[str] = mapped_column(Text)
    iaq_hash: Mapped[str] = mapped_column(String(64))
    iaq_raw: Mapped[str | None] = mapped_column(Text)  # the body as received (JSON / Nlets)
    intake_json: Mapped[str] = mapped_column(Text)  # flags, notes, routing basis
    aor: Mapped[str | None] = mapped_column(String(8), index=True)
    field_office: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[str] = mapped_column(String(TS_WIDTH), index=True)
    due_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    responded_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    answered_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
    response_ms: Mapped[int | None] = mapped_column(Integer)
    automatic: Mapped[bool | None] = mapped_column(Boolean)
    match_level: Mapped[str | None] = mapped_column(String(16))
    person_id: Mapped[str | None] = mapped_column(String(64))
    queue_reasons: Mapped[str | None] = mapped_column(Text)  # JSON list
    draft_json: Mapped[str | None] = mapped_column(Text)  # the engine's full working, analysts only
    iar_id: Mapped[str | None] = mapped_column(String(36))
    iar_json: Mapped[str | None] = mapped_column(Text)  # the current IAR (full, internal)
    answered_by: Mapped[str | None] = mapped_column(String(36))


class DeskResponse(Base):
    """Every IAR version sent for a query (interim, automatic, analyst's), in order."""

    __tablename__ = "desk_responses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    query_id: Mapped[str] = mapped_column(ForeignKey("desk_queries.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # automatic | interim | analyst
    sent_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    sent_by: Mapped[str | None] = mapped_column(String(36))
    iar_json: Mapped[str] = mapped_column(Text)
