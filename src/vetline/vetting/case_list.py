"""The case list: the centre's queue, newest first, with a keyset cursor.

Filtered by state, AOR, overdue clocks (a custody deadline or a citizenship claim past
due), cases flagged for re-vetting, with a keyset cursor so the 100,000th case costs what
the first does (bench/bench_vetting.py). Filtered on overdue, it is most overdue first
(``overdue_page``): a page then costs the same with ten overdue cases or ten thousand.

Split from ``views.py`` (what a case or a request shows): the list is queries over the
case table, its filters and its paging, not a rendering of one row.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, exists, or_, select, true, union_all

from vetline.db.base import utc_iso
from vetline.db.uow import UnitOfWork
from vetline.errors import BadInput
from vetline.vetting.models import CitizenshipClaim, VettingCase, VettingRequest
from vetline.vetting.states import CaseState
from vetline.vetting.views import CLOCKED

MAX_PAGE = 500


#: Claim states whose clock runs (an IN list: the ``state`` index serves it, ``!=`` not).
OPEN_CLAIMS = ("OPEN", "ASSIGNED")


def overdue_clause(now: str) -> Any:
    """Per case: a custody deadline or a citizenship claim past due (for a page of rows)."""
    late_request = exists().where(
        VettingRequest.case_id == VettingCase.id,
        VettingRequest.state.in_([s.value for s in CLOCKED]),
        VettingRequest.deadline_at < now,
    )
    late_claim = exists().where(
        CitizenshipClaim.case_id == VettingCase.id,
        CitizenshipClaim.state.in_(OPEN_CLAIMS),
        CitizenshipClaim.due_at < now,
    )
    return or_(late_request, late_claim)


def overdue_cases(now: str) -> Any:
    """The same set asked from the clocks' side, to filter the whole queue: running
    requests and open claims are few and their ``state`` is indexed, where an EXISTS per
    case walked every case (bench/README.md)."""
    late_requests = select(VettingRequest.case_id).where(
        VettingRequest.state.in_([s.value for s in CLOCKED]), VettingRequest.deadline_at < now
    )
    late_claims = select(CitizenshipClaim.case_id).where(
        CitizenshipClaim.state.in_(OPEN_CLAIMS), CitizenshipClaim.due_at < now
    )
    return VettingCase.id.in_(late_requests.union(late_claims))


def case_filters(
    state: str | None = None, aor: str | None = None, revet: bool = False
) -> list[Any]:
    """The WHERE clauses of the list's case filters (``state``, ``aor``, ``revet``)."""
    where: list[Any] = []
    if state is not None:
        try:
            where.append(VettingCase.state == CaseState(state.upper()).value)
        except ValueError:
            raise BadInput("state", f"one of {', '.join(CaseState)}") from None
    if aor is not None:
        where.append(VettingCase.aor == aor.upper())
    if revet:
        where.append(VettingCase.revet_reason.is_not(None))
    return where


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise BadInput("limit", f"between 1 and {MAX_PAGE}")


def _cursor(before: str) -> tuple[str, str]:
    at, sep, cid = before.partition("|")
    if not sep or not at or not cid:
        raise BadInput("before", "the 'next' value of the previous page (time|case id)")
    return at, cid


def list_query(
    now: str,
    *,
    state: str | None = None,
    aor: str | None = None,
    overdue: bool = False,
    revet: bool = False,
    before: str | None = None,
    limit: int = 50,
) -> Select[Any]:
    """The case-list SELECT (newest first; ``before``: the last ``opened_at|id`` seen).

    With ``overdue``: ``overdue_page``'s statement (most overdue first, its own cursor:
    the last ``due|case_id``), its parameters bound.
    """
    if overdue:
        q, params = overdue_page(now, state=state, aor=aor, revet=revet, before=before, limit=limit)
        return q.params(params)
    where = case_filters(state, aor, revet)
    _check_limit(limit)
    q = select(VettingCase).where(*where)
    if before:
        at, cid = _cursor(before)
        q = q.where(
            or_(VettingCase.opened_at < at, and_(VettingCase.opened_at == at, VettingCase.id < cid))
        )
    return q.order_by(VettingCase.opened_at.desc(), VettingCase.id.desc()).limit(limit)


#: Core tables, not ORM entities, in the overdue page's scans: an ORM alias made
#: SQLAlchemy's statement cache key cost ~8 ms per call, 15 times the SQL's own run time.
_REQUESTS = VettingRequest.__table__
_CLAIMS = CitizenshipClaim.__table__
_RUNNING = [s.value for s in CLOCKED]


def _first_late_request(clock: Any) -> Any:
    """``clock`` (a late request) is its case's first late clock: no running request of
    the case is due before it (or at the same time with a smaller id), no open claim
    before it. Exactly one clock per overdue case passes, so a case is listed once."""
    r, c = _REQUESTS.c, _CLAIMS.c
    earlier_request = exists().where(
        r.case_id == clock.c.case_id,
        r.state.in_(_RUNNING),
        or_(
            r.deadline_at < clock.c.deadline_at,
            and_(r.deadline_at == clock.c.deadline_at, r.id < clock.c.id),
        ),
    )
    earlier_claim = exists().where(
        c.case_id == clock.c.case_id,
        c.state.in_(OPEN_CLAIMS),
        c.due_at < clock.c.deadline_at,
    )
    return and_(~earlier_request, ~earlier_claim)


def _first_late_claim(clock: Any) -> Any:
    """The same for a late claim; a request due at the same time comes first."""
    r, c = _REQUESTS.c, _CLAIMS.c
    earlier_request = exists().where(
        r.case_id == clock.c.case_id,
        r.state.in_(_RUNNING),
        r.deadline_at <= clock.c.due_at,
    )
    earlier_claim = exists().where(
        c.case_id == clock.c.case_id,
        c.state.in_(OPEN_CLAIMS),
        or_(c.due_at < clock.c.due_at, and_(c.due_at == clock.c.due_at, c.id < clock.c.id)),
    )
    return and_(~earlier_request, ~earlier_claim)


def overdue_page(
    now: str,
    *,
    state: str | None = None,
    aor: str | None = None,
    revet: bool = False,
    before: str | None = None,
    limit: int = 50,
) -> tuple[Select[Any], dict[str, Any]]:
    """A page of the overdue list, most overdue first: cases ordered by their first late
    clock's due time (a custody deadline or a claim's due time), then case id. Returns
    the statement (``SUMMARY_COLUMNS``, ``overdue``, ``due``) and its parameters.

    Why this order and not newest first: the clock indexes ``(state, time, case_id)``
    yield late clocks in due order, so each running state (three request states, two
    claim states) is one index range read up to ``limit`` rows, and the page is the
    merge of five short lists — its cost does not grow with the number of overdue cases
    (newest first had to read and sort all of them, bench/README.md). ``before`` is the
    last ``due|case_id`` seen (the list's ``next``); the page holds what comes after it.
    """
    case_filters(state, aor, revet)  # validates
    _check_limit(limit)
    params: dict[str, Any] = {"now": now, "lim": limit}
    if state is not None:
        params["case_state"] = CaseState(state.upper()).value
    if aor is not None:
        params["case_aor"] = aor.upper()
    if before:
        params["after_at"], params["after_id"] = _cursor(before)
    shape = (before is not None and before != "", state is not None, aor is not None, revet)
    return _overdue_statement(*shape), params


@functools.cache
def _overdue_statement(after: bool, state: bool, aor: bool, revet: bool) -> Select[Any]:
    """The overdue page's statement for one shape of filters, built once: building it
    (five scans over aliases of wide tables) cost ~7 ms per call, the SQL itself ~0.5."""
    cases = VettingCase.__table__
    where: list[Any] = []
    if state:
        where.append(cases.c.state == bindparam("case_state"))
    if aor:
        where.append(cases.c.aor == bindparam("case_aor"))
    if revet:
        where.append(cases.c.revet_reason.is_not(None))
    now: Any = bindparam("now")
    lim: Any = bindparam("lim", type_=Integer)
    scans: list[Any] = []
    for table, time_col, states, first in (
        (_REQUESTS, "deadline_at", _RUNNING, _first_late_request),
        (_CLAIMS, "due_at", list(OPEN_CLAIMS), _first_late_claim),
    ):
        for st in states:
            clock = table.alias("clock")
            due, case_id = clock.c[time_col], clock.c.case_id
            scan = select(due.label("due"), case_id.label("case_id")).where(
                clock.c.state == st, due < now, first(clock)
            )
            if after:
                at: Any = bindparam("after_at")
                cid: Any = bindparam("after_id")
                scan = scan.where(due >= at, or_(due > at, case_id > cid))
            if where:  # a case filter: test each late clock's case, still in due order
                scan = scan.join(cases, cases.c.id == case_id).where(*where)
            part = scan.order_by(due, case_id).limit(lim).subquery()
            scans.append(select(part.c.due, part.c.case_id))
    late = union_all(*scans).subquery("late")
    return (
        select(*SUMMARY_COLUMNS, true().label("overdue"), late.c.due)
        .join_from(late, VettingCase, VettingCase.id == late.c.case_id)
        .order_by(late.c.due, late.c.case_id)
        .limit(lim)
    )


#: The columns of a case's line in the list (``case_summary``'s fields): the list reads
#: these and no more — not the subject and intake JSON of every row, nor ORM objects
#: (hydrating 50 ``VettingCase`` rows was half of the call, bench/README.md).
SUMMARY_COLUMNS: tuple[Any, ...] = (
    VettingCase.id,
    VettingCase.number,
    VettingCase.state,
    VettingCase.person_id,
    VettingCase.ori,
    VettingCase.aor,
    VettingCase.field_office,
    VettingCase.opened_at,
    VettingCase.opened_via,
    VettingCase.match_level,
    VettingCase.identity_basis,
    VettingCase.recommendation,
    VettingCase.citizenship_sign,
    VettingCase.protected_status,
    VettingCase.in_custody,
    VettingCase.revet_reason,
    VettingCase.updated_at,
)


def summary_of_row(row: Any) -> dict[str, Any]:
    """``case_summary``'s dict from a row of ``SUMMARY_COLUMNS`` (same keys, same order)."""
    m = row._mapping
    return {
        "case_id": m["id"],
        "number": m["number"],
        "state": m["state"],
        "person_id": m["person_id"],
        "ori": m["ori"],
        "aor": m["aor"],
        "field_office": m["field_office"],
        "opened_at": m["opened_at"],
        "opened_via": m["opened_via"],
        "match_level": m["match_level"],
        "identity_basis": m["identity_basis"],
        "recommendation": m["recommendation"],
        "citizenship_sign": bool(m["citizenship_sign"]),
        "protected_status": bool(m["protected_status"]),
        "in_custody": bool(m["in_custody"]),
        "revet_reason": m["revet_reason"],
        "updated_at": m["updated_at"],
    }


def list_cases(uow: UnitOfWork, **filters: Any) -> dict[str, Any]:
    """A page of the queue: each case's summary and whether a clock of it is past due.

    One statement: the summary columns and the overdue flag as a correlated EXISTS in the
    select list, evaluated for the page's rows only (it was a second query over the page's
    ids, whose 50-value IN list was compiled anew on every call). Filtered on overdue, the
    page is ``overdue_page``'s (most overdue first) and ``next`` is ``due|case_id``.
    """
    now = utc_iso(uow.now())
    if filters.get("overdue"):
        args = {k: v for k, v in filters.items() if k != "overdue"}
        q, params = overdue_page(now, **args)
        rows = uow.session.execute(q, params).all()
    else:
        q = list_query(now, **filters).with_only_columns(
            *SUMMARY_COLUMNS, overdue_clause(now).label("overdue"), maintain_column_froms=True
        )
        rows = uow.session.execute(q).all()
    cases = [{**summary_of_row(r), "overdue": bool(r.overdue)} for r in rows]
    cursor = None
    if rows and len(rows) == filters.get("limit", 50):
        last = rows[-1]
        cursor = f"{last.due if filters.get('overdue') else last.opened_at}|{last.id}"
    return {"cases": cases, "next": cursor}
