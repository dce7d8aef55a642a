"""Audit tables: the append-only event log and the one-row chain head that serialises appends.

Columns follow the audit record design of the domain reference §10.6 (CJIS AU-3: type,
when, where, source, outcome, identity of the actor and of the object). ``details`` is
canonical JSON text rather than a JSON column so the hashed bytes are the stored bytes on
every database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vetline.db.base import TS_WIDTH, Base

#: ``prev_hash`` of the first event: 64 zeros.
GENESIS_HASH = "0" * 64
#: The id of the single row of ``audit_chain_head``.
HEAD_ID = 1


class AuditEvent(Base):
    """One audit event; ``hash`` covers every other column including ``prev_hash``."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    ts: Mapped[str] = mapped_column(String(TS_WIDTH), index=True)
    event_type: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    actor_username: Mapped[str] = mapped_column(String(128))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    actor_ori: Mapped[str | None] = mapped_column(String(9))
    via: Mapped[str] = mapped_column(String(16))
    client: Mapped[str | None] = mapped_column(String(64))
    requesting_ori: Mapped[str | None] = mapped_column(String(9))
    purpose: Mapped[str | None] = mapped_column(String(8))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(128), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def hashed_fields(self) -> dict[str, Any]:
        """Every column except ``hash``, as the chain hashes them."""
        return {name: getattr(self, name) for name in HASHED_COLUMNS}

    def as_dict(self) -> dict[str, Any]:
        """Every column, for search results and exports."""
        return {**self.hashed_fields(), "hash": self.hash}


#: Column names in the hash, fixed here so adding a column is a deliberate chain change.
HASHED_COLUMNS: tuple[str, ...] = (
    "seq",
    "event_id",
    "ts",
    "event_type",
    "outcome",
    "actor_user_id",
    "actor_username",
    "actor_role",
    "actor_ori",
    "via",
    "client",
    "requesting_ori",
    "purpose",
    "object_type",
    "object_id",
    "reason",
    "details",
    "prev_hash",
)


class AuditChainHead(Base):
    """The last appended sequence number and hash.

    Appending starts with an UPDATE of this row: on PostgreSQL the row lock serialises
    concurrent writers until commit; on SQLite the write lock (``BEGIN IMMEDIATE``) does.
    It also lets ``verify`` notice deleted rows at the tail of the log.
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
