"""The auditor's three commands — search, export, verify — as ONE service function each.

``GET /v1/audit/{events,export,verify}`` and ``vetline audit {search,export,verify}`` both
parse their input and call these (issue 12 item 4: the two had drifted — different event
contents, a string event type). Each records the same audit event with the same details,
whoever calls.

Reads run in read-only units: an export streaming for minutes holds no writer lock (issue
13 item 5). ``verify`` reads only; it records ``AUDIT_VERIFIED`` only when asked
(``record=True``: the API, which is an auditor's action on a live server), so verifying a
database never changes the database verified (the CLI's default).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select

from vetline.audit.anchor import AnchorCheck, AnchorLog, check_anchors
from vetline.audit.events import EventType, Outcome
from vetline.audit.models import AuditEvent
from vetline.audit.search import AuditFilter, export_csv, export_jsonl, iter_events, search
from vetline.audit.verify import VerifyResult, verify_chain
from vetline.db.engine import Database
from vetline.db.uow import Actor, UnitOfWork

ExportFormat = Literal["jsonl", "csv"]


def describe(flt: AuditFilter) -> dict[str, object]:
    """The filter as audit details: the fields given, times as ISO text."""
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v)
        for k, v in vars(flt).items()
        if v not in (None, 0)
    }


def search_events(
    database: Database, actor: Actor, flt: AuditFilter, limit: int
) -> list[dict[str, Any]]:
    """One page of matching events (oldest first), the search itself audited."""
    with UnitOfWork(database, actor, write=True) as uow:
        events = [e.as_dict() for e in search(uow.session, flt, limit)]
        uow.audit(EventType.AUDIT_SEARCHED, details=describe(flt) | {"count": len(events)})
        uow.commit()
    return events


def export_events(
    database: Database, actor: Actor, flt: AuditFilter, fmt: ExportFormat, *, to: str = "-"
) -> Iterator[str]:
    """Record the export (committed before a line is read), then the lines to stream.

    The lines come from a read-only unit opened when the first line is asked for and
    closed with the iterator: however slow the reader, no writer waits for it.
    """
    with UnitOfWork(database, actor, write=True) as uow:
        uow.audit(EventType.AUDIT_EXPORTED, details=describe(flt) | {"format": fmt, "out": to})
        uow.commit()
    return _lines(database, actor, flt, fmt)


def _lines(database: Database, actor: Actor, flt: AuditFilter, fmt: ExportFormat) -> Iterator[str]:
    with UnitOfWork(database, actor) as uow:
        events = iter_events(uow.session, flt)
        yield from export_jsonl(events) if fmt == "jsonl" else export_csv(events)


@dataclass(frozen=True)
class VerifyReport:
    """The chain's own check, the check against the checkpoints, and a recorded head."""

    chain: VerifyResult
    anchors: AnchorCheck | None
    expected_head_found: bool | None = None

    @property
    def ok(self) -> bool:
        return (
            self.chain.ok
            and (self.anchors is None or self.anchors.ok)
            and self.expected_head_found is not False
        )

    @property
    def bad_seq(self) -> int | None:
        if not self.chain.ok:
            return self.chain.bad_seq
        return self.anchors.bad_seq if self.anchors is not None else None

    @property
    def problem(self) -> str | None:
        if not self.chain.ok:
            return self.chain.problem
        if self.anchors is not None and not self.anchors.ok:
            return self.anchors.problem
        if self.expected_head_found is False:
            return "the recorded head hash is not in the chain"
        return None

    def describe(self) -> str:
        """One line for the CLI and the API."""
        if not self.ok:
            where = f" at event seq={self.bad_seq}" if self.bad_seq is not None else ""
            return f"audit chain BROKEN{where}: {self.problem}"
        anchored = (
            f"{self.anchors.checkpoints} checkpoints outside the database agree"
            if self.anchors is not None
            else "NOT checked against checkpoints (no anchor configured)"
        )
        chain = self.chain
        return f"audit chain intact: {chain.checked} events; {anchored}; head {chain.head_hash}"


def anchor_of(database: Database) -> AnchorLog | None:
    """The checkpoint log set on ``database`` (by ``vetline serve`` or the CLI), if any."""
    return database.anchor if isinstance(database.anchor, AnchorLog) else None


def verify_audit(
    database: Database,
    actor: Actor,
    *,
    anchor: AnchorLog | None,
    expect_head: str | None = None,
    record: bool = False,
) -> VerifyReport:
    """Walk the chain, compare it with the checkpoints (and an earlier head, if given).

    Reads only, unless ``record``: then ``AUDIT_VERIFIED`` with the result is written
    after the check (into the database just verified, which the caller chose).
    """
    with UnitOfWork(database, actor) as uow:
        chain = verify_chain(uow.session)
        anchors = check_anchors(uow.session, anchor) if anchor is not None else None
        found = None
        if expect_head is not None:
            hit = select(AuditEvent.seq).where(AuditEvent.hash == expect_head.strip())
            found = uow.session.scalar(hit) is not None
    report = VerifyReport(chain, anchors, found)
    if record:
        with UnitOfWork(database, actor, write=True) as uow:
            uow.audit(
                EventType.AUDIT_VERIFIED,
                outcome=Outcome.SUCCESS if report.ok else Outcome.FAILURE,
                details={"checked": chain.checked, "bad_seq": report.bad_seq,
                         "anchored": anchors is not None and anchors.ok},
            )  # fmt: skip
            uow.commit()
    return report
