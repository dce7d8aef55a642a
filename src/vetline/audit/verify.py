"""Walk the chain and name the first event that does not fit.

Detected: an edited row (its recomputed hash differs), an edited hash (the next row's
``prev_hash`` no longer matches), a deleted row in the middle (a gap in ``seq``) and
deleted rows at the tail (the chain head is ahead of the last row). Not detectable from
the database alone: someone who rewrites the whole chain and the head consistently; the
printed head hash, copied somewhere the database administrator cannot write, closes that.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetline.audit.chain import event_hash
from vetline.audit.models import GENESIS_HASH, HEAD_ID, AuditChainHead, AuditEvent

BATCH = 1000


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` with the count and head hash, or the first bad ``seq`` and what is wrong."""

    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    problem: str | None = None

    def describe(self) -> str:
        """One line for the CLI and the API."""
        if self.ok:
            return f"audit chain intact: {self.checked} events, head {self.head_hash}"
        return f"audit chain BROKEN at event seq={self.bad_seq}: {self.problem}"


def verify_chain(session: Session) -> VerifyResult:
    """Check every event in ``seq`` order, reading in batches to bound memory."""
    head = session.get(AuditChainHead, HEAD_ID)
    if head is None:
        return VerifyResult(False, 0, 0, "", 0, "audit chain head row is missing")
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    while True:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.seq >= expected_seq)
            .order_by(AuditEvent.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for event in rows:
            bad = _check(event, expected_seq, prev_hash)
            if bad is not None:
                return VerifyResult(False, checked, head.last_seq, head.last_hash, *bad)
            expected_seq, prev_hash, checked = event.seq + 1, event.hash, checked + 1
        session.expunge_all()
    if head.last_seq != expected_seq - 1:
        return VerifyResult(
            False,
            checked,
            head.last_seq,
            head.last_hash,
            expected_seq,
            f"events {expected_seq}..{head.last_seq} are missing (deleted at the tail)",
        )
    if head.last_hash != prev_hash:
        return VerifyResult(
            False, checked, head.last_seq, head.last_hash, head.last_seq, "chain head hash differs"
        )
    return VerifyResult(True, checked, head.last_seq, head.last_hash)


def _check(event: AuditEvent, expected_seq: int, prev_hash: str) -> tuple[int, str] | None:
    if event.seq != expected_seq:
        return expected_seq, f"event missing (deleted); next present event is seq={event.seq}"
    if event.prev_hash != prev_hash:
        return (
            event.seq - 1,
            f"hash rewritten: event seq={event.seq} no longer chains to it (row edited)",
        )
    if event_hash(event.hashed_fields()) != event.hash:
        return event.seq, "content does not match its hash (row edited)"
    return None
