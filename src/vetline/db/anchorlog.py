"""The audit checkpoint file: one keyed line per commit, appended outside the database.

Why in ``db``: the unit of work (here) writes a line after every COMMIT that appended
audit events, and the console commands open databases with one (``db/cli.py``); the
checks of a database against the lines live with the audit trail
(``vetline.audit.anchor``), which explains the design.

Edit here: the line format and the key derivation.
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

from vetline.db.base import utc_iso, utcnow

ANCHOR_FILE = "audit-anchor.jsonl"
KEY_CONTEXT = b"vetline audit anchor v1"
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

    def record(self, prev_seq: int, prev_hash: str, seq: int, digest: str) -> None:
        """Append one checkpoint to every file (called after COMMIT; never raises: the
        database write stands, and a missing line shows up in ``verify`` as a range no
        checkpoint covers)."""
        point = Checkpoint(prev_seq, prev_hash, seq, digest, utc_iso(utcnow()))
        body = point.body()
        line = (body[:-1] + f',"mac":"{_mac(self.key, body)}"}}\n').encode("utf-8")
        for path in self.paths:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
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
