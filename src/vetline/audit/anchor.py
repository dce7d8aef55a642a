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

Edit here: the line format and the key derivation (``_mac``, ``derive_key``); the checks
(:func:`check_anchors`).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetline.audit.models import GENESIS_HASH, HEAD_ID, AuditChainHead, AuditEvent
from vetline.db.base import utc_iso, utcnow
from vetline.db.events import install_anchor_factory

if TYPE_CHECKING:
    from vetline.settings import Settings

ANCHOR_FILE = "audit-anchor.jsonl"
KEY_CONTEXT = b"vetline audit anchor v1"
LOOKUP_BATCH = 500
log = logging.getLogger("vetline.audit")


def derive_key(secret: str) -> bytes:
    """The anchor key: HMAC of a fixed context under the server secret (not the secret itself,
    so the file's MACs reveal nothing usable for session or token digests)."""
    return hmac.new(secret.encode("utf-8"), KEY_CONTEXT, hashlib.sha256).digest()


@dataclass(frozen=True)
class Checkpoint:
    """One commit's segment of the chain: ``(prev_seq, seq]`` ending at ``hash``."""

    prev_seq: int
    prev_hash: str
    seq: int
    hash: str
    at: str

    def body(self) -> str:
        return json.dumps(
            {"prev_seq": self.prev_seq, "prev_hash": self.prev_hash, "seq": self.seq,
             "hash": self.hash, "at": self.at},
            sort_keys=True, separators=(",", ":"),
        )  # fmt: skip


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


class AnchorLog:
    """The append-only checkpoint file(s): the first path is the one ``verify`` reads."""

    def __init__(self, paths: Sequence[Path], key: bytes, *, fsync: bool = False) -> None:
        if not paths:
            raise ValueError("an anchor log needs at least one file")
        self.paths = tuple(paths)
        self.key = key
        self.fsync = fsync

    @classmethod
    def for_data(cls, data: Path, secret: str, copy: Path | None = None) -> AnchorLog:
        """``<data>/audit-anchor.jsonl`` (plus ``copy``), keyed by ``secret``."""
        return cls([data / ANCHOR_FILE, *([copy] if copy else [])], derive_key(secret))

    @classmethod
    def for_settings(cls, settings: Settings) -> AnchorLog:
        """The checkpoints of the settings' data folder (and copy), keyed by their secret."""
        return cls.for_data(settings.data, settings.secret(), settings.audit_anchor_copy)

    def record(self, prev_seq: int, prev_hash: str, seq: int, digest: str) -> None:
        """Append one checkpoint to every file (called after COMMIT; never raises: the
        database write stands, and a missing line shows up in ``verify`` as a range no
        checkpoint covers)."""
        point = Checkpoint(prev_seq, prev_hash, seq, digest, utc_iso(utcnow()))
        body = point.body()
        line = (body[:-1] + f',"mac":"{_mac(self.key, body)}"}}\n').encode("utf-8")
        for path in self.paths:
            try:
                fd = _open_append(path)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)  # whole lines, across worker processes
                    os.write(fd, line)
                    if self.fsync:
                        os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as exc:
                log.error("audit anchor not written to %s: %s", path, type(exc).__name__)

    def read(self) -> tuple[list[Checkpoint], list[str]]:
        """The checkpoints of the first file, and the problems of lines that do not verify."""
        path = self.paths[0]
        points: list[Checkpoint] = []
        problems: list[str] = []
        if not path.exists():
            return points, problems
        with path.open(encoding="utf-8") as handle:
            for number, text in enumerate(handle, start=1):
                try:
                    data = json.loads(text)
                    mac = data.pop("mac")
                    point = Checkpoint(**data)
                except (ValueError, TypeError, KeyError):
                    problems.append(f"anchor line {number} is not a checkpoint")
                    continue
                if not hmac.compare_digest(_mac(self.key, point.body()), str(mac)):
                    problems.append(f"anchor line {number} fails its MAC (forged or wrong key)")
                    continue
                points.append(point)
        return points, problems


def _open_append(path: Path) -> int:
    """``path`` opened for appending, its folder made only when missing (the first commit):
    a ``mkdir`` on every commit was a visible share of the desk's write (issue 18)."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    try:
        return os.open(path, flags, 0o600)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, flags, 0o600)


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


install_anchor_factory(AnchorLog.for_data)  # the console's databases checkpoint through it
