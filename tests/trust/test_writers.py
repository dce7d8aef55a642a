"""Writers on one SQLite file from several processes (``vetline serve --workers``) and
read-only units: one gap-free chain, nothing written by a unit that only reads."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vetline.audit.verify import verify_chain
from vetline.db import Actor, Database, UnitOfWork

APPENDER = textwrap.dedent(
    """
    import sys
    import vetline.audit  # installs the audit writer the unit of work writes events with
    from vetline.db import Actor, Database, UnitOfWork
    database = Database.from_url(sys.argv[1])
    for i in range(int(sys.argv[3])):
        with UnitOfWork(database, Actor(user_id=None, username=sys.argv[2]), write=True) as uow:
            uow.audit("API_CALL", details={"i": i})
            uow.audit("IAR_VIEWED", details={"i": i})
            uow.commit()
    database.dispose()
    """
)


def test_processes_writing_one_sqlite_file_keep_one_chain(sqlite_database_url: str) -> None:
    per_process, processes = 40, 3
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, sqlite_database_url, f"p{k}", str(per_process)]
        )
        for k in range(processes)
    ]
    assert [run.wait(timeout=120) for run in runs] == [0] * processes
    database = Database.from_url(sqlite_database_url)
    try:
        with UnitOfWork(database, Actor.system(), write=True) as uow:
            result = verify_chain(uow.session)
        assert result.ok, result.describe()
        assert result.checked == processes * per_process * 2
    finally:
        database.dispose()
    path = Path(sqlite_database_url.removeprefix("sqlite:///"))
    assert Path(f"{path}.writer").is_file()  # the cross-process writer lock


def test_read_only_units_cannot_write(database: Database) -> None:
    with UnitOfWork(database, Actor.system(), read_only=True) as uow:
        with pytest.raises(RuntimeError, match="read-only"):
            uow.audit("API_CALL")
        with pytest.raises(RuntimeError, match="read-only"):
            uow.commit()
    with UnitOfWork(database, Actor.system(), write=True) as uow:
        assert verify_chain(uow.session).checked == 0
