"""The vetting centre as the leads' ``VettingPort`` (``vetline.leads.ports``).

Why here and structural: leads must not import the vetting centre (they are sibling
workflows), so the port is a Protocol the leads declare and this class meets by shape;
the composition roots (the API's leads router, ``vetline leads``) hand it in.

What it answers: whether a person already has a vetting case that is not closed (a
lead is then not raised against them: the case is where that person is being worked).
It opens no case itself: a vetting case begins from an IAR (an encounter the desk
answered, issue 15 item 1), and a batch row is not one; ``None`` tells the leads that
none was opened. Source corrections asked for from the field go to the leads' own
table through ``fallback`` (they name a person, not one record of a case).

Edit here: what counts as an open case for the leads.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import exists, select

from vetline.db.uow import UnitOfWork
from vetline.vetting.models import VettingCase
from vetline.vetting.states import CaseState


class _Corrections(Protocol):
    def request_source_correction(
        self, uow: UnitOfWork, *, person_id: str, lead_id: str | None, kind: str, note: str
    ) -> str: ...


class CasesForLeads:
    """Open vetting cases, seen from the leads."""

    def __init__(self, fallback: _Corrections) -> None:
        self.fallback = fallback

    def has_open_case(self, uow: UnitOfWork, person_id: str) -> bool:
        """True when the person has a vetting case in any state but CLOSED."""
        query = select(
            exists().where(
                VettingCase.person_id == person_id, VettingCase.state != CaseState.CLOSED
            )
        )
        return bool(uow.session.scalar(query))

    def open_vetting_case(self, uow: UnitOfWork, person_id: str, reason: str) -> str | None:
        """No case without an encounter: a case opens from an IAR (see the module note)."""
        return None

    def request_source_correction(
        self, uow: UnitOfWork, *, person_id: str, lead_id: str | None, kind: str, note: str
    ) -> str:
        return self.fallback.request_source_correction(
            uow, person_id=person_id, lead_id=lead_id, kind=kind, note=note
        )
