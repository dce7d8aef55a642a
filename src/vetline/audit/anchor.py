"""Checkpoints of the audit chain outside the database, keyed so a DBA cannot forge them.

Why: the hash chain alone proves nothing against someone who can rewrite the whole table
and the head consistently (delete the tail and fix the head, edit a row and rehash what
follows, delete every event of one type and renumber, append a forged event: issue 13
item 2). After every commit that appended events, the writer appends one line to an
append-only file in the data folder (and optionally a second location):
``{"prev_seq", "prev_hash", "seq", "hash", "at", "mac"}`` — the segment of the chain the
commit wrote, from the head it found to the head it left, with an HMAC-SHA256 under a key
derived from the server secret (never stored in the database). ``verify`` checks the
database against the file: every checkpointed hash must still be at its ``seq``, the head
may not be behind a checkpoint, and every event must lie in some checkpointed segment. An
event no segment covers was written by something other than a keyed vetline writer — a
forgery, a console session without the key, or a crash between COMMIT and the line (rare;
the auditor sees the range and judges). Taken automatically; nothing to schedule.

Edit here: the checks (:func:`check_anchors`); the line format and the key derivation
are in ``vetline.db.anchorlog`` (the unit of work writes the lines).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetline.audit.models import GENESIS_HASH, HEAD_ID, AuditChainHead, AuditEvent
from vetline.db.anchorlog import ANCHOR_FILE, AnchorLog, Checkpoint, derive_key

__all__ = ["ANCHOR_FILE", "AnchorCheck", "AnchorLog", "Checkpoint", "check_anchors", "derive_key"]
LOOKUP_BATCH = 500


@dataclass(frozen=True)
class AnchorCheck:
    """The database against the checkpoints: ``problem`` names the first mismatch."""

    checkpoints: int
    anchored_seq: int
    problem: str | None = None
    bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_anchors(session: Session, anchor: AnchorLog) -> AnchorCheck:
    """Compare the chain in ``session`` with the checkpoints of ``anchor`` (reads only)."""
    points, problems = anchor.read()
    if problems:
        return AnchorCheck(len(points), 0, problems[0])
    head = session.get(AuditChainHead, HEAD_ID)
    head_seq = head.last_seq if head is not None else 0
    if not points:
        if head_seq:
            return AnchorCheck(
                0, 0, f"no checkpoint in {anchor.paths[0].name} for {head_seq} events", 1
            )
        return AnchorCheck(0, 0)
    top = max(p.seq for p in points)
    if top > head_seq:
        return AnchorCheck(
            len(points), top,
            f"chain head at seq={head_seq} is behind checkpoint seq={top} "
            "(events deleted at the tail and the head moved back)", head_seq + 1,
        )  # fmt: skip
    wanted = {p.seq: p.hash for p in points} | {p.prev_seq: p.prev_hash for p in points}
    wanted.pop(0, None)
    ordered, found = sorted(wanted), {}
    for start in range(0, len(ordered), LOOKUP_BATCH):  # bounded IN lists
        chunk = ordered[start : start + LOOKUP_BATCH]
        hits = session.execute(
            select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(chunk))
        )
        found.update({int(seq): str(digest) for seq, digest in hits})
    for seq in sorted(wanted):
        if found.get(seq) != wanted[seq]:
            what = "is missing" if seq not in found else "differs from its checkpoint"
            return AnchorCheck(len(points), top, f"event seq={seq} {what} (chain rewritten)", seq)
    if any(p.prev_seq == 0 and p.prev_hash != GENESIS_HASH for p in points):
        return AnchorCheck(len(points), top, "a checkpoint starts a second chain", 1)
    covered = 0
    for point in sorted(points, key=lambda p: p.prev_seq):
        if point.prev_seq > covered:
            return _gap(points, top, covered + 1, point.prev_seq)
        covered = max(covered, point.seq)
    if covered < head_seq:
        return _gap(points, top, covered + 1, head_seq)
    return AnchorCheck(len(points), top)


def _gap(points: list[Checkpoint], top: int, first: int, last: int) -> AnchorCheck:
    return AnchorCheck(
        len(points), top,
        f"events {first}..{last} are not covered by any checkpoint (appended outside "
        "vetline's keyed writer, or a crash between commit and checkpoint)", first,
    )  # fmt: skip
