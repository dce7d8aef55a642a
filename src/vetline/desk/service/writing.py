"""What the desk writes for an answered (or queued) query, alone or in a group commit.

Both ways of storing an answer — a new query inserted already answered
(:func:`write_answered`, many queries per transaction through ``vetline.db.batch``) and a
RECEIVED query moved to its answer (``DeskService.process``) — write the same things: the
IAR version, the analyst's work item when queued, and the audit events in the same order
(received, then sent or queued). Keeping them here keeps the two paths from drifting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from vetline.audit.events import EventType
from vetline.audit.writer import CarriedEvents
from vetline.auth.principal import Principal
from vetline.auth.tokens import still_authenticated
from vetline.db import work
from vetline.db.uow import Actor, UnitOfWork
from vetline.desk.iar_model import IAR
from vetline.desk.intake import Intake
from vetline.desk.service import store
from vetline.desk.service.lifecycle import QueryState
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.submission import Submission
from vetline.desk.service.triage import triage
from vetline.person import Outcome

QUEUE = "iaq"
OBJECT_TYPE = "desk_query"


@dataclass(frozen=True)
class Worked:
    """A query worked out: its new state, the typed IAR (and its stored text), the row's
    new column values, the details of the sent/queued audit event, the person core's
    ``Outcome`` it was built from (handed to the ``on_answered`` hook, which would
    otherwise work the same query out a second time), and the IAR's JSON (``document``:
    made once for the stored text, reused for the API's response)."""

    state: QueryState
    iar: IAR
    iar_json: str
    values: dict[str, Any]
    event: dict[str, Any]
    outcome: Outcome | None = None
    document: dict[str, Any] | None = None

    def submission(self, query_id: str, *, created: bool) -> Submission:
        """What ``DeskService.submit`` returns for this query."""
        return Submission(query_id, self.state, self.iar, created, self.document)

    @property
    def automatic(self) -> bool:
        """Answered at once (else queued for an analyst with an interim IAR)."""
        return self.state is QueryState.ANSWERED


@dataclass(frozen=True)
class Answered:
    """One new query, worked out, waiting to be stored (a group-commit job).

    ``wanted``: the ``on_answered`` hook wants this IAR (asked on the desk's path).
    ``credential``: the API-token caller the gate let through (perhaps from its cache),
    checked again in the transaction that stores the query (``write_answered``).
    """

    intake: Intake
    row: DeskQuery
    worked: Worked
    actor: Actor
    carried: CarriedEvents | None = None
    wanted: bool = False
    credential: Principal | None = None


class Stored(NamedTuple):
    """A group-commit job written: its query id, and whether the ``on_answered`` hook
    acted on it in the same transaction (else it is told after the commit)."""

    query_id: str
    followed: bool = False


class Duplicate(Exception):
    """The ``(ori, iaq_id)`` was already stored (a resubmission or a lost race)."""


class CredentialChanged(Exception):
    """The caller's API token no longer authenticates it (revoked, expired, its account
    disabled or changed) by the time its query was to be stored: nothing was stored."""


def write_answered(uow: UnitOfWork, jobs: Sequence[Answered]) -> list[str | Exception]:
    """Insert ``jobs``' queries with their IAR versions, work items and events; no commit.

    One statement per table for the whole batch. A job whose ``(ori, iaq_id)`` exists
    (stored earlier, or earlier in this very batch) gets :class:`Duplicate` and leaves no
    trace here, not even its carried gate event: its caller answers from the stored row
    and the gate writes its own event. A job whose token caller the database no longer
    authenticates (one read for the batch) gets :class:`CredentialChanged`, no trace either.
    """
    callers = [job.credential for job in jobs if job.credential is not None]
    live = still_authenticated(uow, callers) if callers else set()
    refused = {
        job.row.id
        for job in jobs
        if job.credential is not None and job.credential.credential_id not in live
    }
    inserted = store.insert_new_queries(uow, [job.row for job in jobs if job.row.id not in refused])
    outcomes: list[str | Exception] = []
    responses: list[dict[str, Any]] = []
    items: list[dict[str, object]] = []
    for job in jobs:
        row = job.row
        if row.id in refused:
            outcomes.append(CredentialChanged(f"{row.ori}/{row.iaq_id}"))
            continue
        if row.id not in inserted:
            outcomes.append(Duplicate(f"{row.ori}/{row.iaq_id}"))
            continue
        uow.include(job.carried)
        received_event(uow, job.intake, row, job.actor)
        responses.append(_response(uow, row, job.worked, job.actor, version=1))
        if not job.worked.automatic:
            items.append(_work_item(uow, row))
        outcome_event(uow, row, job.worked, job.actor)
        outcomes.append(row.id)
    store.add_responses(uow, responses)
    work.enqueue_rows(uow, items)
    return outcomes


def record(uow: UnitOfWork, query: DeskQuery, worked: Worked, *, version: int | None) -> None:
    """Store one IAR version, queue the analyst's work when queued, audit (no commit)."""
    automatic = worked.automatic
    store.add_response(
        uow, query.id, worked.iar_json, "automatic" if automatic else "interim",
        uow.actor.user_id, version=version,
    )  # fmt: skip
    if not automatic:
        work.enqueue_rows(uow, [_work_item(uow, query)])
    outcome_event(uow, query, worked, uow.actor)


def received_event(uow: UnitOfWork, intake: Intake, row: DeskQuery, actor: Actor) -> None:
    """``IAQ_RECEIVED`` for ``row``, by ``actor``."""
    iaq = intake.iaq
    uow.audit(
        EventType.IAQ_RECEIVED,
        object_type=OBJECT_TYPE,
        object_id=row.id,
        requesting_ori=iaq.ori,
        purpose=iaq.purpose.value if iaq.purpose else None,
        details={
            "iaq_id": row.iaq_id, "query_type": row.query_type, "form": row.form,
            "flags": list(intake.flags), "aor": row.aor, "priority": triage(iaq).label,
        },
        actor=actor,
    )  # fmt: skip


def outcome_event(uow: UnitOfWork, query: DeskQuery, worked: Worked, actor: Actor) -> None:
    """``IAR_SENT`` (automatic) or ``IAQ_QUEUED`` (to an analyst) for ``query``."""
    uow.audit(
        EventType.IAR_SENT if worked.automatic else EventType.IAQ_QUEUED,
        object_type=OBJECT_TYPE,
        object_id=query.id,
        requesting_ori=query.ori,
        details=worked.event,
        actor=actor,
    )


def _response(
    uow: UnitOfWork, row: DeskQuery, worked: Worked, actor: Actor, *, version: int
) -> dict[str, Any]:
    kind = "automatic" if worked.automatic else "interim"
    return store.response_row(uow, row.id, worked.iar_json, kind, actor.user_id, version)


def _work_item(uow: UnitOfWork, query: DeskQuery) -> dict[str, object]:
    return work.item_row(
        uow, QUEUE, OBJECT_TYPE, query.id, priority=query.priority, ori=query.ori, aor=query.aor
    )
