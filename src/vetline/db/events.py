"""Events a unit of work collects before its commit, and the port that writes them.

Why a port: the unit of work must write its audit events in its own transaction (an
action and its record land together or not at all), but the persistence layer must not
import the audit trail that sits above it. So the unit of work collects
:class:`EventDraft` values and, at commit, hands them to the :class:`EventWriter` the
audit package installs when it is imported (``vetline.audit.writer``) — the
"collect new events" pattern of cosmicpython's unit of work, with the audit chain as
the one handler.

Edit here: what a pending event is; the writer's interface.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session

from vetline.actor import Actor
from vetline.db.engine import ChainAnchor


@dataclass(frozen=True)
class EventDraft:
    """An audit event before the chain gives it a sequence number and a hash."""

    fields: Mapping[str, Any]


@dataclass(eq=False)  # identity: two carriers of equal events are still two
class CarriedEvents:
    """Events drafted in one place and written by a later unit of work, if one commits.

    The API gate's ``API_CALL`` event for ``POST /v1/iaq`` rides in the desk's own
    transaction instead of a transaction of its own: one write per IAQ instead of two.
    ``written`` turns true only when a unit holding the events has committed; whoever
    drafted them writes them itself otherwise (``vetline.api.deps``), so an event is
    never lost and never written twice.
    """

    drafts: list[EventDraft]
    written: bool = False


class EventWriter(Protocol):
    """What the unit of work needs of the audit trail: draft an event, append a batch."""

    def draft(
        self,
        *,
        actor: Actor,
        at: datetime,
        event_type: str,
        outcome: str,
        object_type: str | None,
        object_id: str | None,
        reason: str | None,
        requesting_ori: str | None,
        purpose: str | None,
        details: Mapping[str, Any] | None,
    ) -> EventDraft:
        """Validate and freeze one event (``ValueError`` for what cannot be logged)."""
        ...

    def append(self, session: Session, drafts: Sequence[EventDraft]) -> Sequence[Mapping[str, Any]]:
        """Write ``drafts`` as the next events of the chain, in ``session``; no commit.

        Returns the rows written (``seq``, ``prev_hash``, ``hash``...): the unit of work
        checkpoints the chain head outside the database after COMMIT (the audit anchor).
        """
        ...


_installed: list[EventWriter] = []


def install_event_writer(writer: EventWriter) -> None:
    """Make ``writer`` the one that every unit of work writes its events with."""
    _installed[:] = [writer]


def event_writer() -> EventWriter:
    """The installed writer; a unit that records events without one is a wiring error."""
    if not _installed:
        raise RuntimeError(
            "no audit event writer installed: import vetline.audit before using a unit of work"
        )
    return _installed[0]


#: (data folder, secret, optional second copy) → the anchor a console database writes to.
AnchorFactory = Callable[[Path, str, Path | None], ChainAnchor]
_anchors: list[AnchorFactory] = []


def install_anchor_factory(factory: AnchorFactory) -> None:
    """The audit trail's way of checkpointing a data folder's chain (``AnchorLog``)."""
    _anchors[:] = [factory]


def anchor_for(data: Path, secret: str, copy: Path | None = None) -> ChainAnchor | None:
    """The installed anchor for ``data``; ``None`` before the audit trail is imported
    (then no unit can write audit events either: see :func:`event_writer`)."""
    return _anchors[0](data, secret, copy) if _anchors else None
