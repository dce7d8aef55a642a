"""What ``vetline demo`` does after the world is built: demo accounts, sample queries, serve.

Demo mode only: the accounts share one printed password and the server runs with the
shipped secret (``demo_mode``), which ``vetline serve`` refuses otherwise. The demo is a
composition root: ``demo_settings`` reads the environment once and every step below
receives those settings (nothing here writes ``os.environ``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vetline.audit.anchor import AnchorLog
from vetline.auth import accounts
from vetline.auth.roles import Role
from vetline.db.engine import Database
from vetline.db.migrate import upgrade
from vetline.db.uow import Actor, UnitOfWork
from vetline.errors import BadInput
from vetline.settings import Settings

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
    DemoLogin("demo.leads", Role.LEAD_ANALYST),
    DemoLogin("demo.auditor", Role.AUDITOR),
    DemoLogin("demo.admin", Role.ADMINISTRATOR),
    DemoLogin("demo.officer", Role.VETTING_OFFICER),
    DemoLogin("demo.reviewer", Role.CITIZENSHIP_REVIEWER),
    # A 287(g) partner agency's officer (vetline.batch.demo.DEMO_PARTNER_ORI).
    DemoLogin("demo.partner", Role.PARTNER_OFFICER, ori="CA0370000"),
)


#: What demo mode changes, unless the environment says otherwise: the shipped secret is
#: allowed and cookies go over plain HTTP (the demo serves on loopback).
DEMO_DEFAULTS: dict[str, Any] = {"demo_mode": True, "cookie_secure": False}


def demo_settings(data: Path | None = None) -> Settings:
    """The environment's settings with the demo's defaults for what it leaves unset
    (``VETLINE_COOKIE_SECURE=1`` exported still wins)."""
    settings = Settings.load(data)
    unset = {
        key: value for key, value in DEMO_DEFAULTS.items() if key not in settings.model_fields_set
    }
    return settings.model_copy(update=unset)


def _open(data_dir: Path, settings: Settings | None) -> Database:
    """The demo's database (migrated), its commits checkpointed like the server's."""
    chosen = settings or demo_settings(data_dir)
    database = Database.from_url(chosen.resolved_database_url())
    database.anchor = AnchorLog.for_settings(chosen)
    try:
        upgrade(database.engine)
    except BaseException:
        database.dispose()
        raise
    return database


def create_demo_users(data_dir: Path, settings: Settings | None = None) -> list[DemoLogin]:
    """Create the demo accounts that do not exist yet (a re-run of the demo keeps them).

    ``settings``: the demo's (``demo_settings``); without them, built here for ``data_dir``.
    """
    database = _open(data_dir, settings)
    try:
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


def answer_samples(data_dir: Path, settings: Settings | None = None) -> list[dict[str, Any]]:
    """Send the sample queries (every query type, one Nlets message) through the desk."""
    from vetline.desk.service.cli import answer_all, open_desk
    from vetline.desk.service.samples import sample_queries
    from vetline.person.records import MemoryRecords

    desk = open_desk(data_dir, settings or demo_settings(data_dir))
    texts = sample_queries(MemoryRecords.load(data_dir))
    return list(answer_all(desk, texts))


def show_range(data_dir: Path, settings: Settings | None = None) -> tuple[list[Any], int]:
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

    desk = open_desk(data_dir, settings or demo_settings(data_dir))
    try:
        vetting = VettingService(desk, data_dir=data_dir)
        install_intake(vetting)  # finalised, actionable IARs open vetting cases
        records = MemoryRecords.load(data_dir)
        shown = choose(desk, records, console_actor())
        seed_cases(vetting, records)
        return shown
    finally:
        desk.close()


def overstay_leads(data_dir: Path, settings: Settings | None = None) -> dict[str, Any]:
    """The built-in overstay list through a batch job, then into leads (issue 16 §8).

    The job's folder is ``<data>/batch/demo-overstays``; leads imports it (and the derived
    list, so the audit sample shows each row's identity) as ``demo.leads`` would through
    ``POST /v1/leads/imports``. Re-running the demo finds the job imported and says so.
    """
    from datetime import date

    from vetline.batch import JobRequest, load_batch_policy, run_job
    from vetline.batch.lists import choose_list
    from vetline.leads import LeadsService
    from vetline.leads.person_check import PersonCoreCheck
    from vetline.leads.ports import OwnVetting
    from vetline.vetting.for_leads import CasesForLeads

    out = data_dir / "batch" / "demo-overstays"
    today = date.today()
    choice = choose_list(None, "overstays", None, data_dir, out, today)
    if choice.empty_reason:
        return {"job_id": None, "note": choice.empty_reason}
    request = JobRequest(
        list_path=choice.path,
        purpose="visa-overstay leads (demo)",
        authority="DHS/ICE-011 routine use (demo)",
        requester="demo.leads",
        data_dir=data_dir,
        source_name="overstays",
        list_kind=choice.kind,
        as_of=today,
        extra=choice.details,
        job_id="demo-overstays",
    )
    run_job(request, out, load_batch_policy())
    database = _open(data_dir, settings)
    try:
        vetting = CasesForLeads(OwnVetting())  # a person with an open case gets no lead
        service = LeadsService(database, lambda: PersonCoreCheck.open(data_dir), vetting=vetting)
        actor = Actor(user_id=None, username="demo.leads", role="lead_analyst", via="cli")
        try:
            return service.import_folder(out, actor, choice.path)
        except BadInput as exc:  # a second demo run: the job is imported already
            return {"job_id": "demo-overstays", "note": str(exc)}
    finally:
        database.dispose()
