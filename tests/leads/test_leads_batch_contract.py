"""The contract between the batch runner and the leads import (docs/batch-results.md), with the real
``vetline.batch.run_job`` on the built world: its result verifies, imports, and keeps
every guard (no citizen becomes a lead; every lead is a STRONG, non-biographic, removable
row). SQLite only: the subject is the file contract, not the backend."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from leadhelpers import Clock

from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, Database
from vetline.leads import LeadsService, load_leads_policy, read_result
from vetline.leads.person_check import PersonCoreCheck

ANALYST = Actor(user_id=None, username="lead.one", role="lead_analyst", via="cli")


def test_a_real_batch_result_imports_with_its_guards(
    built_world: tuple[Path, list[dict[str, str]]],
    core_check: PersonCoreCheck,
    sqlite_database: Database,
    tmp_path: Path,
) -> None:
    from vetline.batch import JobRequest, load_batch_policy, run_job

    data, facts = built_world
    removable = [f for f in facts if f["removable"] == "Y" and f["a_number"]][:25]
    citizens = [f for f in facts if f["us_citizen"] == "Y" and f["a_number"]][:15]
    listed = tmp_path / "list.csv"
    with listed.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["list_ref", "last_name", "first_name", "dob", "sex", "a_number"])
        for n, f in enumerate(removable + citizens):
            out.writerow(
                [
                    f"L{n}",
                    f["true_last_name"],
                    f["true_first_name"],
                    f["true_dob"],
                    f["sex"],
                    f["a_number"],
                ]
            )
    request = JobRequest(
        list_path=listed,
        purpose="contract test",
        authority="test",
        requester="lead.one",
        data_dir=data,
        source_name="test list",
        source_version="1",
        ref_column="list_ref",
        as_of=date(2026, 11, 1),
        job_id="contract-1",
    )
    run_job(request, tmp_path / "out", load_batch_policy())
    result = read_result(tmp_path / "out")  # SHA-256, columns and types, row numbers
    assert result.table.num_rows == 40
    service = LeadsService(sqlite_database, core_check, policy=load_leads_policy(), clock=Clock())
    summary = service.import_folder(tmp_path / "out", ANALYST, listed)
    assert summary["leads_created"] > 0
    leads = service.leads(ANALYST, RowScope(ScopeKind.ALL), limit=1000)
    assert summary["leads_created"] == len(leads)
    citizen_refs = {f"L{n}" for n in range(25, 40)}
    assert not {lead.list_ref for lead in leads} & citizen_refs
    for lead in leads:
        assert lead.band == "STRONG" and lead.identity_basis in ("BIOMETRIC", "IDENTIFIER")
    diverted = {d.list_ref for d in service.diversions(ANALYST, "contract-1")}
    assert citizen_refs <= diverted  # every citizen on the list is listed for review
    sample = service.sample("contract-1", ANALYST)
    assert sample and all(item.list_row for item in sample)  # the list file verified
