"""What ``vetline demo`` does after the world is built: demo accounts, sample queries, serve.

Demo mode only: the accounts share one printed password and the server runs with the
shipped secret (``VETLINE_DEMO_MODE=1``), which ``vetline serve`` refuses otherwise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vetline.audit.anchor import AnchorLog
from vetline.auth import accounts
from vetline.auth.roles import Role
from vetline.db.engine import Database, database_url
from vetline.db.migrate import upgrade
from vetline.db.uow import Actor, UnitOfWork
from vetline.settings import anchor_copy, console_secret

DEMO_PASSWORD = "demo-only-password-2026"
DEMO_ORI = "CA0194200"


@dataclass(frozen=True)
class DemoLogin:
    """One demo account as the newcomer sees it."""

    username: str
    role: Role
    ori: str | None = None
    aor: str | None = None


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("demo.agency", Role.REQUESTING_AGENCY, ori=DEMO_ORI),
    DemoLogin("demo.analyst", Role.DESK_ANALYST),
    DemoLogin("demo.supervisor", Role.SUPERVISOR),
    DemoLogin("demo.field", Role.FIELD_OFFICER, aor="LOS"),
    DemoLogin("demo.auditor", Role.AUDITOR),
    DemoLogin("demo.admin", Role.ADMINISTRATOR),
    DemoLogin("demo.officer", Role.VETTING_OFFICER),
    DemoLogin("demo.reviewer", Role.CITIZENSHIP_REVIEWER),
)


def enter_demo_mode() -> None:
    """Let the server start with the shipped secret and plain-HTTP cookies on loopback."""
    os.environ.setdefault("VETLINE_DEMO_MODE", "1")
    os.environ.setdefault("VETLINE_COOKIE_SECURE", "0")


def create_demo_users(data_dir: Path) -> list[DemoLogin]:
    """Create the demo accounts that do not exist yet (a re-run of the demo keeps them)."""
    database = Database.from_url(database_url(data_dir))
    database.anchor = AnchorLog.for_data(data_dir, console_secret(), anchor_copy())
    try:
        upgrade(database.engine)
        with UnitOfWork(database, Actor.system("demo"), write=True) as uow:
            for login in DEMO_LOGINS:
                if accounts.find_user(uow, login.username) is None:
                    new = accounts.NewUser.parse(
                        username=login.username,
                        role=login.role,
                        password=DEMO_PASSWORD,
                        display_name=login.username,
                        ori=login.ori,
                        aor=login.aor,
                        totp=False,
                    )
                    accounts.create_user(uow, new)
            uow.commit()
    finally:
        database.dispose()
    return list(DEMO_LOGINS)


def answer_samples(data_dir: Path) -> list[dict[str, Any]]:
    """Send the sample queries (every query type, one Nlets message) through the desk."""
    from vetline.desk.service.cli import answer_all, open_desk
    from vetline.desk.service.samples import sample_queries
    from vetline.person.records import MemoryRecords

    desk = open_desk(data_dir)
    texts = sample_queries(MemoryRecords.load(data_dir))
    return list(answer_all(desk, texts))


def show_range(data_dir: Path) -> tuple[list[Any], int]:
    """Sample queries chosen by outcome (``desk/service/showcase.py``): the answers to
    print, and how many queries were sent to find them (all stored, as any query).

    The vetting centre listens while they are answered (actionable IARs open cases), and
    a few more cases are seeded after, one with a citizenship claim (``vetting/demo.py``).
    """
    from vetline.desk.service.cli import console_actor, open_desk
    from vetline.desk.service.showcase import choose
    from vetline.person.records import MemoryRecords
    from vetline.vetting import VettingService, install_intake
    from vetline.vetting.demo import seed_cases

    desk = open_desk(data_dir)
    try:
        vetting = VettingService(desk, data_dir=data_dir)
        install_intake(vetting)  # finalised, actionable IARs open vetting cases
        records = MemoryRecords.load(data_dir)
        shown = choose(desk, records, console_actor())
        seed_cases(vetting, records)
        return shown
    finally:
        desk.close()
