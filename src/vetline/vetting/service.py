"""``VettingService``: what every vetting command needs, built once at the edge.

It rides on the query desk's service (``vetline.desk.service.DeskService``): the same
database, clock, policy and person lookup, so a case sees exactly what the desk saw and
re-runs the same person core (``vetline.person``) rather than a copy of it.

Edit here: the configurable parts of the centre (``VettingSettings``: the custody-deadline
rule, the citizenship-claim clock, the office printed on forms).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from vetline.db.uow import Actor, UnitOfWork
from vetline.desk.service import DeskService
from vetline.documents import DeadlineRule
from vetline.person import PersonLookup
from vetline.status import Policy


@dataclass(frozen=True)
class VettingSettings:
    """Policy of the centre, not code: which deadline rule, how long a claim may wait."""

    deadline_rule: DeadlineRule = field(default_factory=DeadlineRule)
    #: Hours a citizenship claim may wait for a determination before it escalates.
    claim_hours: int = 24
    #: Days a lead referral stays valid before it must be re-vetted (reference §11.3).
    referral_days: int = 30
    dhs_contact_phone: str = "(000) 555-0100"
    officer_title: str = "Deportation Officer"


class VettingService:
    """The desk (database, clock, lookup, policy) plus the centre's settings."""

    def __init__(
        self,
        desk: DeskService,
        settings: VettingSettings | None = None,
        *,
        data_dir: Path | None = None,
    ) -> None:
        self.desk = desk
        self.database = desk.database
        self.settings = settings or VettingSettings()
        self.data_dir = data_dir

    @property
    def policy(self) -> Policy:
        return self.desk.policy

    def now(self) -> datetime:
        return self.desk.clock()

    def lookup(self) -> PersonLookup:
        """The person lookup (``DeskUnavailable`` when the index is not built)."""
        return self.desk.lookup()

    def uow(self, actor: Actor, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.database, actor, clock=self.desk.clock, read_only=read_only)

    def model_fingerprint(self) -> str | None:
        """SHA-256 of the linkage model a decision rested on (``None``: unknown folder)."""
        if self.data_dir is None:
            return None
        path = self.data_dir / "model" / "model.json"
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def new_id() -> str:
    return str(uuid.uuid4())


def number(prefix: str) -> str:
    """A human-readable document or case number (random, unique by the table's index)."""
    return f"{prefix}-{uuid.uuid4().hex[:12].upper()}"


def dumps(data: Any) -> str:
    """Key-sorted compact JSON: stored text and the basis of snapshot hashes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
