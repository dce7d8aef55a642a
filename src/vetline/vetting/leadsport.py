"""What the leads ask of the vetting centre (``vetline.leads.ports.VettingPort``), served
without importing the leads package (the layering test forbids the edge both ways; the
caller that builds the leads service wires this in).

* ``has_open_case``: a lead is not duplicated against a person already under review.
* ``open_vetting_case``: a case here rests on an encounter's IAQ (custody, charges, the
  agency to address); a lead has none, so no case is opened from a lead — the open case's
  id is returned when there is one, else ``None`` (the leads record that none was opened).
* ``request_source_correction``: handed to ``fallback`` (the leads' own table), since a
  lead's correction names a person, not a record of a case.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select

from vetline.db.uow import UnitOfWork
from vetline.vetting.models import VettingCase
from vetline.vetting.states import CaseState


class _Corrections(Protocol):
    def request_source_correction(
        self, uow: UnitOfWork, *, person_id: str, lead_id: str | None, kind: str, note: str
    ) -> str: ...


class VettingForLeads:
    """``VettingPort`` over the centre's cases (``fallback``: the leads' ``OwnVetting``)."""

    def __init__(self, fallback: _Corrections) -> None:
        self.fallback = fallback

    def _open_case(self, uow: UnitOfWork, person_id: str) -> str | None:
        return uow.session.scalar(
            select(VettingCase.id)
            .where(VettingCase.person_id == person_id, VettingCase.state != CaseState.CLOSED.value)
            .limit(1)
        )

    def has_open_case(self, uow: UnitOfWork, person_id: str) -> bool:
        return self._open_case(uow, person_id) is not None

    def open_vetting_case(self, uow: UnitOfWork, person_id: str, reason: str) -> str | None:
        return self._open_case(uow, person_id)

    def request_source_correction(self, uow: UnitOfWork, **kwargs: Any) -> str:
        return self.fallback.request_source_correction(uow, **kwargs)
