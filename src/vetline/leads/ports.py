"""What leads needs from outside the package, as Protocols with in-package defaults.

* ``PersonCheck``: a fresh look at a person's records at confirmation time (entity ids
  drift and records go stale, reference §6.3: the batch ran days ago). The default,
  ``vetline.leads.person_check.PersonCoreCheck``, re-resolves and re-assesses the person
  through the person core every workflow shares.
* ``VettingPort``: the vetting centre (``vetline.vetting``, built in parallel): whether a
  person has an open vetting case (a lead is not duplicated against it), opening one, and
  asking for a correction of a source record after the field proved it wrong. The
  default, ``OwnVetting``, knows of no vetting case and keeps correction requests in the
  leads' own table; the lead wires ``vetline.vetting`` in at merge.

Every port method that writes takes the caller's ``UnitOfWork``: its rows and audit
events land in the same transaction as the lead's change, or not at all.

Edit here: what leads asks of another package.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from pydantic import TypeAdapter

from vetline.db.base import utc_iso
from vetline.db.uow import UnitOfWork
from vetline.documents import (
    Address,
    CriminalEntry,
    CustodyInfo,
    IdentifierEntry,
    ImmigrationEvent,
    RemovalGround,
    Source,
)
from vetline.leads.models import SourceCorrection


@dataclass(frozen=True, kw_only=True)
class Place:
    """A place the person was last known at, for AOR routing (state + county FIPS)."""

    state: str
    county_fips: str | None
    basis: str  # "custody facility CA0194200" | "address in criminal/123"
    as_of: date | None


@dataclass(frozen=True, kw_only=True)
class PersonSnapshot:
    """A person as the records show them on ``as_of``: the evidence a decision rests on.

    Stored with the lead when identity is confirmed (a decision keeps the evidence it
    rested on, not an id that may drift). Nationality, race, ethnicity and religion are
    absent by design: nothing here may feed priority or routing (brief, principle 5).
    """

    person_id: str
    as_of: date
    found: bool
    identity_holds: bool = False
    identity_note: str = ""
    subject_name: str = ""
    date_of_birth: date | None = None
    sex: str = ""
    status_code: str = "UNKNOWN"
    status_summary: str = ""
    status_evidence: tuple[Source, ...] = ()
    removable: bool = False
    removal_grounds: tuple[RemovalGround, ...] = ()
    citizenship_sign: str | None = None
    protected_status: str | None = None
    identifiers: tuple[IdentifierEntry, ...] = ()
    addresses: tuple[Address, ...] = ()
    places: tuple[Place, ...] = ()
    immigration_history: tuple[ImmigrationEvent, ...] = ()
    criminal_history: tuple[CriminalEntry, ...] = ()
    custody: CustodyInfo = field(default_factory=lambda: CustodyInfo(in_custody=False))


class PersonCheck(Protocol):
    """A fresh re-check of one person's records as of a date."""

    def check(self, person_id: str, as_of: date, identity_basis: str) -> PersonSnapshot: ...


class VettingPort(Protocol):
    """What leads needs of the vetting centre."""

    def has_open_case(self, uow: UnitOfWork, person_id: str) -> bool: ...

    def open_vetting_case(self, uow: UnitOfWork, person_id: str, reason: str) -> str | None: ...

    def request_source_correction(
        self, uow: UnitOfWork, *, person_id: str, lead_id: str | None, kind: str, note: str
    ) -> str: ...


class OwnVetting:
    """The in-package default: no vetting cases; correction requests in the leads' table.

    ``open_vetting_case`` returns ``None`` (no case system to open one in): the caller
    records that none was opened rather than pretending one was.
    """

    def has_open_case(self, uow: UnitOfWork, person_id: str) -> bool:
        return False

    def open_vetting_case(self, uow: UnitOfWork, person_id: str, reason: str) -> str | None:
        return None

    def request_source_correction(
        self, uow: UnitOfWork, *, person_id: str, lead_id: str | None, kind: str, note: str
    ) -> str:
        item = SourceCorrection(
            id=str(uuid.uuid4()),
            lead_id=lead_id,
            person_id=person_id,
            kind=kind,
            note=note,
            state="OPEN",
            created_at=utc_iso(uow.now()),
            created_by=uow.actor.username,
        )
        uow.session.add(item)
        uow.audit(
            "SOURCE_CORRECTION_REQUESTED",
            object_type="source_correction",
            object_id=item.id,
            reason=note,
            details={"person_id": person_id, "lead_id": lead_id, "kind": kind},
        )
        return item.id


def _snapshot_adapter() -> TypeAdapter[PersonSnapshot]:
    global _ADAPTER
    if _ADAPTER is None:
        _ADAPTER = TypeAdapter(PersonSnapshot)
    return _ADAPTER


_ADAPTER: TypeAdapter[PersonSnapshot] | None = None


def snapshot_json(snapshot: PersonSnapshot) -> dict[str, Any]:
    """The snapshot as JSON-safe data (dates ISO, tuples lists)."""
    body = _snapshot_adapter().dump_python(snapshot, mode="json")
    assert isinstance(body, dict)
    return body


def snapshot_from_json(data: dict[str, Any]) -> PersonSnapshot:
    """The inverse of :func:`snapshot_json`."""
    return _snapshot_adapter().validate_python(data)
