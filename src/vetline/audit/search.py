"""Audit search and export for auditors (read-only; the export itself is audited by callers)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from vetline.audit.models import HASHED_COLUMNS, AuditEvent
from vetline.db.base import utc_iso

MAX_PAGE = 1000
EXPORT_BATCH = 1000
EXPORT_COLUMNS: tuple[str, ...] = (*HASHED_COLUMNS, "hash")


@dataclass(frozen=True)
class AuditFilter:
    """What an auditor may filter on; every field optional, all given ones must hold."""

    event_type: str | None = None
    actor_username: str | None = None
    actor_user_id: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_seq: int = 0

    def statement(self) -> Select[AuditEvent]:
        """The filtered SELECT in chain order (``after_seq`` pages through it)."""
        stmt = select(AuditEvent).where(AuditEvent.seq > self.after_seq)
        equal = {
            AuditEvent.event_type: self.event_type,
            AuditEvent.actor_username: self.actor_username,
            AuditEvent.actor_user_id: self.actor_user_id,
            AuditEvent.object_type: self.object_type,
            AuditEvent.object_id: self.object_id,
            AuditEvent.outcome: self.outcome,
        }
        for column, value in equal.items():
            if value is not None:
                stmt = stmt.where(column == value)
        if self.since is not None:
            stmt = stmt.where(AuditEvent.ts >= utc_iso(self.since))
        if self.until is not None:
            stmt = stmt.where(AuditEvent.ts < utc_iso(self.until))
        return stmt.order_by(AuditEvent.seq)


def search(session: Session, flt: AuditFilter, limit: int = 100) -> Sequence[AuditEvent]:
    """One page of matching events (at most :data:`MAX_PAGE`)."""
    return session.scalars(flt.statement().limit(max(1, min(limit, MAX_PAGE)))).all()


def iter_events(session: Session, flt: AuditFilter) -> Iterator[AuditEvent]:
    """Every matching event, fetched in batches (exports of a year of audit fit in memory)."""
    after = flt.after_seq
    while True:
        page = search(session, _replace_after(flt, after), EXPORT_BATCH)
        if not page:
            return
        yield from page
        after = page[-1].seq


def _replace_after(flt: AuditFilter, after: int) -> AuditFilter:
    from dataclasses import replace

    return replace(flt, after_seq=after)


def export_jsonl(events: Iterator[AuditEvent]) -> Iterator[str]:
    """One JSON object per line, columns as stored (hash included, so the export verifies)."""
    for event in events:
        yield json.dumps(event.as_dict(), sort_keys=True, ensure_ascii=False) + "\n"


def export_csv(events: Iterator[AuditEvent]) -> Iterator[str]:
    """CSV with a header row, same columns as the JSONL export."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    yield buffer.getvalue()
    for event in events:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(event.as_dict())
        yield buffer.getvalue()
