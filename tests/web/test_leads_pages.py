"""Leads pages (issue 16 landed): the lead analyst reviews the blind sample, confirms and
assigns from the page; the field officer of that AOR records the outcome; a field officer
of another AOR cannot open it. Through ``LeadsService`` with the leads tests' table check
(the person re-check is the leads package's own subject)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "leads"))

from leadhelpers import TableCheck, row, snapshot, write_result
from webhelpers import ACCOUNTS, PageClient, add_users

from vetline.db import Actor, Database
from vetline.leads import LeadsService


def test_review_confirm_assign_and_outcome_through_the_pages(
    app: Any, sqlite_database: Database, tmp_path: Path
) -> None:
    from vetline.api.routers.leads import install_leads
    from vetline.leads import load_leads_policy

    check = TableCheck()
    check.table["P1"] = snapshot("P1")
    policy = load_leads_policy().model_copy(update={"sample_per_band": {
        "STRONG": 5, "REVIEW": 3, "WEAK": 2, "NONE": 2, "REJECTED": 1}})  # fmt: skip
    service = LeadsService(sqlite_database, check, policy=policy)
    install_leads(app, service)
    folder = write_result(tmp_path / "r", [row("STRONG", "P1"), row("NONE", None)])
    service.import_folder(folder, Actor.system("test"))
    lead = PageClient(app, "lead.one")
    listing = lead.get("/web/leads").text
    assert "job-1" in listing and "REF-P1" in listing and "Leads by AOR" in listing
    job = lead.get("/web/leads/jobs/job-1").text
    assert "Blind review" in job and "STRONG" in job  # the band table, not the sample rows
    sample_part = job[job.index("Blind review") :]
    assert "STRONG" not in sample_part and "0.9995" not in sample_part  # blind
    for item in re.findall(r"/web/leads/jobs/job-1/sample/([^\"]+)\"", job):
        lead.post(f"/web/leads/jobs/job-1/sample/{item}", {"verdict": "SAME"})
    lead_id = re.search(r'href="/web/leads/([0-9a-f-]{36})"', listing)
    assert lead_id
    path = f"/web/leads/{lead_id.group(1)}"
    refused = lead.post(f"{path}/confirm", {"note": ""})
    assert refused.status_code == 422 and "note" in refused.text
    assert lead.post(f"{path}/confirm", {"note": "A-file matches"}).status_code == 303
    assert lead.post(f"{path}/assign", {}).status_code == 303
    assigned = lead.get(path).text
    assert "ASSIGNED" in assigned and "referral package (PDF)" in assigned
    field = PageClient(app, "field.one")  # AOR LOS
    page = field.get(path).text
    assert "Field outcome" in page
    assert field.post(f"{path}/outcome", {"outcome": "ARRESTED", "note": "at home"}
                      ).status_code == 303  # fmt: skip
    assert "ARRESTED" in field.get(path).text
    ACCOUNTS["field.sfr"] = ("field_officer", {"aor": "SFR"})
    try:
        add_one(sqlite_database, "field.sfr")
        other = PageClient(app, "field.sfr")
        assert other.get(path).status_code == 404
    finally:
        ACCOUNTS.pop("field.sfr")


def add_one(db: Database, name: str) -> None:
    from webhelpers import PASSWORD

    from vetline.auth.accounts import NewUser, create_user
    from vetline.db import UnitOfWork

    role, bindings = ACCOUNTS[name]
    with UnitOfWork(db, Actor.system("test"), write=True) as uow:
        create_user(uow, NewUser.parse(username=name, role=role, password=PASSWORD, **bindings))
        uow.commit()


__all__ = ["add_users"]
