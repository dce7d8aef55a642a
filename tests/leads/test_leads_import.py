"""Importing a batch result: verified, candidates re-checked, citizenship diverted, one open
lead per person, a blind stratified sample — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from leadhelpers import row, write_result
from sqlalchemy import func, select

from vetline.audit.models import AuditEvent
from vetline.db import Actor, Database, UnitOfWork
from vetline.errors import BadInput
from vetline.leads import LeadsService
from vetline.leads.models import Lead

ANALYST = Actor(user_id=None, username="lead.one", role="lead_analyst", via="cli")
ALL = __import__("vetline.auth.roles", fromlist=["RowScope"]).RowScope(
    __import__("vetline.auth.roles", fromlist=["ScopeKind"]).ScopeKind.ALL
)


def _list() -> list[dict[str, object]]:
    return [
        row("STRONG", "P1"),  # a lead
        row("STRONG", "P2", identity_basis="BIOGRAPHIC"),  # never a lead: biographic only
        row("STRONG", "P3", citizenship_sign=True),  # diverted
        row("STRONG", "P4", flags="POSSIBLE_US_CITIZEN", lead_candidate=True),  # diverted
        row("STRONG", "P1", list_ref="again"),  # same person twice in the list
        row("REVIEW", "P5"),
        row("WEAK", "P6"),
        row("NONE", None),
        row("NONE", None),
        row("STRONG", "P7", status_code="NO_RECORD", lead_candidate=True),  # refused
        row("STRONG", "P8", removable=False),  # not a candidate
    ]


def test_import_creates_leads_diverts_and_samples(
    leads: LeadsService, database: Database, tmp_path: Path
) -> None:
    summary = leads.import_folder(write_result(tmp_path / "r", _list()), ANALYST)
    assert summary["leads_created"] == 1
    assert summary["citizenship_diverted"] == 2
    assert summary["refused_candidates"] == {
        "citizenship sign": 1,
        "status NO_RECORD: no record is never a lead": 1,
    }
    assert summary["not_duplicated"] == {"person already has an open lead": 1}
    assert summary["bands"] == {"NONE": 2, "REVIEW": 1, "STRONG": 7, "WEAK": 1}
    # every band is sampled, including the rows below the review threshold
    assert summary["sampled"] == {"NONE": 2, "REVIEW": 1, "STRONG": 5, "WEAK": 1}
    found = leads.leads(ANALYST, ALL)
    assert [(x.person_id, x.state) for x in found] == [("P1", "NEW")]
    listed = {d.person_id for d in leads.diversions(ANALYST, "job-1")}
    assert listed == {"P3", "P4"}
    # the sample is blind: no band, no probability, no reasons
    items = leads.sample("job-1", ANALYST)
    assert len(items) == 9
    assert not {"band", "probability", "reasons", "match_band"} & set(items[0])
    with UnitOfWork(database, ANALYST) as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "LEADS_IMPORTED")
        ).one()
        assert json.loads(event.details)["leads_created"] == 1


def test_a_second_list_does_not_duplicate_an_open_lead(
    leads: LeadsService, database: Database, tmp_path: Path
) -> None:
    leads.import_folder(write_result(tmp_path / "a", [row("STRONG", "P1")]), ANALYST)
    again = write_result(tmp_path / "b", [row("STRONG", "P1"), row("STRONG", "P9")], job_id="j2")
    summary = leads.import_folder(again, ANALYST)
    assert summary["leads_created"] == 1
    assert summary["not_duplicated"] == {"person already has an open lead": 1}
    with UnitOfWork(database, ANALYST) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Lead)) == 2


def test_the_database_refuses_a_second_open_lead(
    leads: LeadsService, database: Database, tmp_path: Path
) -> None:
    """The rule does not rest on the import's check: the unique constraint enforces it."""
    from sqlalchemy.exc import IntegrityError

    leads.import_folder(write_result(tmp_path / "a", [row("STRONG", "P1")]), ANALYST)
    with UnitOfWork(database, ANALYST, write=True) as uow:
        lead = uow.session.scalars(select(Lead)).one()
        twin = Lead(**{c.key: getattr(lead, c.key) for c in Lead.__table__.columns})
        twin.id = "twin"
        uow.session.add(twin)
        with pytest.raises(IntegrityError):
            uow.session.flush()


def test_a_tampered_result_is_refused(leads: LeadsService, tmp_path: Path) -> None:
    folder = write_result(tmp_path / "r", [row("STRONG", "P1")])
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["result_sha256"] = "f" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BadInput) as err:
        leads.import_folder(folder, ANALYST)
    assert err.value.field == "result_sha256"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"job_id": ""}, "manifest.json: job_id"),
        ({"input_rows": 5}, "results.parquet: rows"),
        ({"retention_until": "next year"}, "manifest.json: retention_until"),
    ],
)
def test_bad_manifests_name_the_field(
    leads: LeadsService, tmp_path: Path, change: dict[str, object], field: str
) -> None:
    folder = write_result(tmp_path / "r", [row("STRONG", "P1")], **change)
    with pytest.raises(BadInput) as err:
        leads.import_folder(folder, ANALYST)
    assert err.value.field == field


def test_a_job_is_imported_once(leads: LeadsService, tmp_path: Path) -> None:
    folder = write_result(tmp_path / "r", [row("STRONG", "P1")])
    leads.import_folder(folder, ANALYST)
    with pytest.raises(BadInput) as err:
        leads.import_folder(folder, ANALYST)
    assert err.value.field == "job_id"


def test_the_list_file_must_be_the_one_the_job_read(leads: LeadsService, tmp_path: Path) -> None:
    import hashlib

    listed = tmp_path / "list.jsonl"
    listed.write_text('{"last_name": "A", "citizenship": "MX"}\n{"last_name": "B"}\n')
    digest = hashlib.sha256(listed.read_bytes()).hexdigest()
    rows = [row("STRONG", "P1"), row("NONE", None)]
    wrong = write_result(tmp_path / "w", rows, job_id="w")
    with pytest.raises(BadInput) as err:
        leads.import_folder(wrong, ANALYST, listed)
    assert err.value.field == "list_file"
    right = write_result(tmp_path / "r", rows, job_id="r", input_sha256=digest)
    leads.import_folder(right, ANALYST, listed)
    shown = {i.row_number: i.list_row for i in leads.sample("r", ANALYST)}
    assert shown == {0: {"last_name": "A"}, 1: {"last_name": "B"}}


def test_missing_column_and_missing_files(leads: LeadsService, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    folder = write_result(tmp_path / "r", [row("STRONG", "P1")])
    table = pq.read_table(folder / "results.parquet").drop_columns(["identity_basis"])
    pq.write_table(table, folder / "results.parquet")
    import hashlib

    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["result_sha256"] = hashlib.sha256(
        (folder / "results.parquet").read_bytes()
    ).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BadInput) as err:
        leads.import_folder(folder, ANALYST)
    assert err.value.field == "results.parquet: identity_basis"
    with pytest.raises(BadInput) as err:
        leads.import_folder(tmp_path / "nowhere", ANALYST)
    assert err.value.field == "result"


def test_open_lead_lookup_is_chunked(
    leads: LeadsService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More candidates than one IN (...) may carry: every chunk is asked."""
    import vetline.leads.importing as importing

    monkeypatch.setattr(importing, "IN_CHUNK", 2)
    first = [row("STRONG", f"P{n}") for n in range(5)]
    leads.import_folder(write_result(tmp_path / "a", first), ANALYST)
    again = write_result(tmp_path / "b", [row("STRONG", f"P{n}") for n in range(7)], job_id="j2")
    summary = leads.import_folder(again, ANALYST)
    assert summary["leads_created"] == 2
    assert summary["not_duplicated"] == {"person already has an open lead": 5}
