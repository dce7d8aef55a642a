"""Leads see the vetting centre's open cases through their port (wired at the composition
root): a person under review in a vetting case gets no lead; a closed case does not block."""

from __future__ import annotations

import json
from pathlib import Path

from leadhelpers import Clock, TableCheck, row, write_result

from vetline.db import Actor, Database, UnitOfWork
from vetline.leads import LeadsService
from vetline.leads.ports import OwnVetting
from vetline.vetting.for_leads import CasesForLeads
from vetline.vetting.models import VettingCase
from vetline.vetting.states import CaseState

ANALYST = Actor(user_id=None, username="lead.one", role="lead_analyst", via="cli")
NOW = "2026-12-05T08:00:00.000000Z"


def _case(uow: UnitOfWork, case_id: str, person: str, state: CaseState) -> None:
    uow.session.add(
        VettingCase(
            id=case_id,
            number=f"VC-{case_id}",
            state=state.value,
            open_key=None if state is CaseState.CLOSED else f"{person}|enc",
            person_id=person,
            encounter="ORI|2026-12-01|",
            ori="CA0194200",
            opened_via="OFFICER",
            opened_reason="test",
            opened_at=NOW,
            query_id=f"q-{case_id}",
            match_level="POSITIVE",
            identity_basis="BIOMETRIC",
            recommendation="DETAINER",
            subject_json=json.dumps({}),
            working_json=json.dumps({}),
            updated_at=NOW,
        )
    )


def test_an_open_vetting_case_blocks_a_lead_and_a_closed_one_does_not(
    database: Database, tmp_path: Path
) -> None:
    with UnitOfWork(database, ANALYST, write=True) as uow:
        _case(uow, "c1", "P1", CaseState.IN_REVIEW)
        _case(uow, "c2", "P2", CaseState.CLOSED)
        uow.commit()
    service = LeadsService(
        database, TableCheck(), clock=Clock(), vetting=CasesForLeads(OwnVetting())
    )
    summary = service.import_folder(
        write_result(tmp_path / "r", [row("STRONG", "P1"), row("STRONG", "P2")]), ANALYST
    )
    assert summary["leads_created"] == 1
    assert summary["not_duplicated"] == {"person has an open vetting case": 1}
    with UnitOfWork(database, ANALYST) as uow:
        port = CasesForLeads(OwnVetting())
        assert port.has_open_case(uow, "P1") and not port.has_open_case(uow, "P2")
        assert port.open_vetting_case(uow, "P1", "lead") is None
