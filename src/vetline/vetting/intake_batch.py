"""The automatic case intake inside the desk's own transaction (issue 18 goal 1).

An automatic IAR that recommends enforcement opens (or attaches to) a vetting case. Done
after the desk's commit, that was a second transaction per IAQ — a thread hand-over, a
writer-lock turn, the ORM's flush, its own audit-chain append and fsync — and the largest
share of the desk's CPU outside the person core (bench/README.md). Here the desk's group
commit hands the intake the jobs it has just inserted (``CaseIntake.in_transaction``), and
the cases of the whole batch go in with them: one read of the open cases by key, one
INSERT per table, the events appended with the desk's. The IAR and its case are then
durable together, so an acknowledged actionable IAR never waits for the sweep.

The same rows as ``intake.open_case`` (``case_values``, ``checklist_rows``, ``mark_rows``,
``attach_values`` and the two events are shared), from the working-out the IAR was built
from (no second run of the person core). A failure never takes back an IAR: the
statements run under a savepoint the caller rolls back, and the jobs not done here are
left to ``CaseIntake.__call__`` after the commit (then the sweep). A new case carrying a
sign of U.S. citizenship also takes that path: it opens a citizenship review with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select

from vetline.db.base import utc_iso
from vetline.db.prebuilt import Prebuilt
from vetline.db.uow import Actor, UnitOfWork
from vetline.desk.service.writing import Answered
from vetline.vetting.intake import (
    attach_values,
    attached_event,
    case_keys,
    case_values,
    checklist_rows,
    mark_rows,
    opened_event,
    wants,
)
from vetline.vetting.models import CaseIAR, ChecklistItem, RecordMark, VettingCase

VIA = "AUTOMATIC"
_CASES = cast(Table, VettingCase.__table__)
# Core statements built once, run on the unit's connection (as the desk's own inserts:
# ``vetline.db.prebuilt``).
# (A statement built per call, ``.in_(keys)``, cost five times its execution.)
_OPEN_BY_KEY = select(_CASES.c.open_key, _CASES.c.id).where(
    _CASES.c.open_key.in_(bindparam("keys", expanding=True))
)
_INSERTS = tuple(
    (name, Prebuilt(insert(cast(Table, model.__table__))))
    for name, model in (
        ("cases", VettingCase),
        ("checklist", ChecklistItem),
        ("marks", RecordMark),
        ("attached", CaseIAR),
    )
)


def open_in_transaction(uow: UnitOfWork, jobs: Sequence[Answered], actor: Actor) -> set[str]:
    """Open or attach the cases of ``jobs`` in ``uow`` (no commit); the query ids done.

    The desk runs it under a savepoint of the unit: when it raises, nothing of the
    intake is left in the unit, events included.
    """
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in _INSERTS}
    events: list[dict[str, Any]] = []
    done: set[str] = set()
    plans = [(job, why) for job in jobs if (why := _why(job)) is not None]
    if not plans:
        return done
    keyed = [(job, why, *case_keys(job.row, job.intake.iaq, _outcome(job))) for job, why in plans]
    wanted = sorted({key for _, _, key, _, _ in keyed})
    connection = uow.session.connection()
    found = connection.execute(_OPEN_BY_KEY, {"keys": wanted}).all()
    open_ids: dict[str, str] = {str(key): str(case_id) for key, case_id in found}
    now = utc_iso(uow.now())
    for job, why, key, encounter, person in keyed:
        row, iaq, outcome = job.row, job.intake.iaq, _outcome(job)
        case_id = open_ids.get(key)
        if case_id is None:
            case = case_values(row, iaq, outcome, key, encounter, VIA, why, actor, now,
                               working_json=row.draft_json)  # fmt: skip
            if case["citizenship_sign"]:  # with its citizenship review: the full path
                continue
            case_id = open_ids[key] = case["id"]
            rows["cases"].append(case)
            rows["checklist"].extend(checklist_rows(case_id, outcome, iaq))
            rows["marks"].extend(mark_rows(case_id, outcome))
            events.append(opened_event(case, row, iaq, outcome, VIA, why, person))
        else:
            events.append(attached_event(case_id, row, iaq, VIA))
        rows["attached"].append(attach_values(case_id, row, now))
        done.add(row.id)
    for name, statement in _INSERTS:
        statement.execute(connection, rows[name])
    for event in events:
        uow.audit(actor=actor, **event)
    return done


def _why(job: Answered) -> str | None:
    """Why ``job``'s IAR opens a case, when it does and the desk has its working-out."""
    if not job.worked.automatic or job.worked.outcome is None:
        return None
    return wants(job.row.query_type, job.worked.iar)


def _outcome(job: Answered) -> Any:
    assert job.worked.outcome is not None  # checked by ``_why``
    return job.worked.outcome
