"""The table of agencies' asks about their own queries (expedite, explain).

Its own table rather than columns on ``desk_queries``: an agency may ask more than once,
each ask has its own answer and author, and the query row stays the record of the query.
``ori`` is the column the row scope filters on, as on every desk table.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vetline.db.base import TS_WIDTH, Base


class AgencyAsk(Base):
    """One agency ask: expedite a pending query, or explain an answered one."""

    __tablename__ = "desk_asks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    query_id: Mapped[str] = mapped_column(ForeignKey("desk_queries.id"), index=True)
    iar_id: Mapped[str] = mapped_column(String(36), index=True)
    ori: Mapped[str] = mapped_column(String(9), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # expedite | explain
    state: Mapped[str] = mapped_column(String(16), index=True)  # open | answered
    reason: Mapped[str] = mapped_column(Text)
    asked_by: Mapped[str | None] = mapped_column(String(36))
    asked_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[str | None] = mapped_column(String(TS_WIDTH))
