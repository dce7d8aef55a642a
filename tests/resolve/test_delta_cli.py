"""``vetline update`` end to end: the command applies a delta, writes one
``PERSON_RECORDS_CHANGED`` audit event per changed person and flags the open vetting case
of a changed person for re-vetting, in the data folder's own database (SQLite)."""

from __future__ import annotations

import shutil
from pathlib import Path

import world
from sqlalchemy import func, select
from test_delta import split_extract
from typer.testing import CliRunner

from vetline.cli import app
from vetline.records import ingest_extract
from vetline.resolve import build_persons
from vetline.resolve.delta import pending
from vetline.resolve.layout import read_person_records


def _open_case(data: Path, person_id: str) -> str:
    from vetline.db.engine import Database, database_url
    from vetline.db.migrate import upgrade
    from vetline.vetting.models import VettingCase

    database = Database.from_url(database_url(data))
    upgrade(database.engine)
    now = "2026-12-05T12:00:00+00:00"
    with database.sessions() as session:
        session.add(
            VettingCase(
                id="case-1",
                number="VC-1",
                state="OPEN",
                open_key="k1",
                person_id=person_id,
                encounter="CA0194200|2026-12-01|",
                ori="CA0194200",
                opened_via="AUTOMATIC",
                opened_reason="test",
                opened_at=now,
                query_id="q1",
                match_level="POSITIVE",
                identity_basis="BIOMETRIC",
                recommendation="DETAINER",
                subject_json="{}",
                working_json="{}",
                updated_at=now,
            )
        )
        session.commit()
    return "case-1"


def test_update_command_audits_and_flags(tmp_path: Path) -> None:
    from vetline.audit.models import AuditEvent
    from vetline.db.engine import Database, database_url
    from vetline.vetting.models import VettingCase

    people = world.make_people(200, seed=3)
    world.write_extract(tmp_path / "all", people, seed=4)
    split_extract(tmp_path / "all", tmp_path / "base", tmp_path / "delta")
    data = tmp_path / "data"
    ingest_extract(tmp_path / "base", data)
    build_persons(data)
    ingest_extract(tmp_path / "delta", data)
    built = read_person_records(data).to_pandas()
    found = pending(data)
    new, changed = found.new, found.changed
    assert new and changed
    person = built.set_index("unique_id").loc[changed[0], "person_id"]
    case_id = _open_case(data, str(person))

    result = CliRunner().invoke(app, ["update", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "update" in result.output

    database = Database.from_url(database_url(data))
    with database.sessions() as session:
        events = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event_type == "PERSON_RECORDS_CHANGED")
        )
        case = session.get(VettingCase, case_id)
        assert case is not None and case.revet_reason
        assert "updated" in case.revet_reason or "moved" in case.revet_reason
        flagged = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event_type == "CASE_REVET_FLAGGED", AuditEvent.object_id == case_id)
        )
    update = (data / "model" / "update.json").read_text()
    assert f'"changed_persons": {events}' in update
    assert events and flagged == 1
    again = CliRunner().invoke(app, ["update", "--data", str(data)])
    assert again.exit_code == 0 and " 0 " in again.output
    shutil.rmtree(tmp_path / "all")
