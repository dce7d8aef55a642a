"""The agency portal: an agency's own IARs (search by name, date, iaq_id), a query form
with field-level errors, and its asks (expedite a pending query, explain an answered one).

The row scope travels into every service call, so an agency user sees only its own ORI's
queries — another agency's IAR is a 404 by URL — and reads the agency view of an IAR,
which never carries the internal recommendation.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vetline.api.deps import State, require
from vetline.api.routers.desk import desk_of
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.desk.intake import Form
from vetline.desk.problems import InvalidQuery
from vetline.desk.service import DeskUnavailable, asks
from vetline.vocab import QueryType
from vetline.web.forms import FormData
from vetline.web.render import page

router = APIRouter(prefix="/web/agency", tags=["web"])
Reader = Annotated[Principal, Depends(require(Permission.IAR_READ))]
Submitter = Annotated[Principal, Depends(require(Permission.IAQ_SUBMIT))]
Asker = Annotated[Principal, Depends(require(Permission.IAQ_ASK))]

#: The portal lists an agency's newest 100 queries; a search looks through the newest 500.
SHOWN_AT_MOST = 100
SEARCHED = 500
SUBJECT_FIELDS = ("last_name", "first_name", "middle_name", "dob", "sex", "birth_country",
                  "a_number", "fbi_number", "sid", "ssn", "passport_number")  # fmt: skip


@router.get("")
def get_portal(request: Request, principal: Reader, state: State) -> Response:
    """The caller's queries, newest first; search by name, date or iaq_id."""
    desk = desk_of(request, state)
    name = request.query_params.get("name", "").strip().upper()
    day = request.query_params.get("date", "").strip()
    iaq_id = request.query_params.get("iaq_id", "").strip().upper()
    searching = bool(name or day or iaq_id)
    # Without a search the newest SHOWN_AT_MOST are all that is shown, so only they are
    # read; a search looks through the newest SEARCHED (bench/README.md, web app).
    limit = SEARCHED if searching else SHOWN_AT_MOST
    rows = desk.list_iars(principal.actor(), principal.row_scope, limit)
    found = [
        r for r in rows
        if (not name or name in r["subject_name"].upper())
        and (not day or r["received_at"].startswith(day))
        and (not iaq_id or iaq_id in r["iaq_id"].upper())
    ]  # fmt: skip
    search = {"name": name, "date": day, "iaq_id": iaq_id}
    return page(request, "portal.html", principal, rows=found[:SHOWN_AT_MOST],
                found=len(found), read=len(rows), limit=limit, searching=searching,
                search=search)  # fmt: skip


@router.get("/new")
def get_new(request: Request, principal: Submitter) -> Response:
    """The query form."""
    return page(request, "submit.html", principal, form={"ori": principal.ori or ""},
                errors={}, types=[t.value for t in QueryType])  # fmt: skip


def _body(form: FormData) -> dict[str, Any]:
    """The form as an IAQ JSON body (blank fields left out; intake validates the rest)."""
    subject = {f: form.get(f) for f in SUBJECT_FIELDS if form.get(f)}
    body: dict[str, Any] = {"query_type": form.get("query_type", "IAQ"), "ori": form.get("ori"),
                            "subject": subject}  # fmt: skip
    if form.get("iaq_id"):
        body["iaq_id"] = form.get("iaq_id")
    encounter = {k: form.get(f"encounter_{k}") for k in ("state", "county_fips", "date")}
    if any(encounter.values()):
        body["encounter"] = {k: v for k, v in encounter.items() if v}
    if form.flag("in_custody"):
        custody: dict[str, Any] = {"in_custody": True}
        if form.get("release_date"):
            custody["release_date"] = form.get("release_date")
        body["custody"] = custody
    if form.get("purpose"):
        body["purpose"] = form.get("purpose")
    return body


@router.post("/new")
async def post_new(request: Request, principal: Submitter, state: State) -> Response:
    """Send the query through the desk (the API's own path); errors shown by field."""
    form = await FormData.read(request)
    desk = desk_of(request, state)
    body = json.dumps(_body(form))
    try:
        sub = await run_in_threadpool(
            desk.submit, body, principal.actor(), principal.row_scope, form=Form.JSON
        )
    except InvalidQuery as exc:
        errors = {e["field"]: e["problem"] for e in exc.errors}
        return page(request, "submit.html", principal, form=form.fields, errors=errors,
                    types=[t.value for t in QueryType], status_code=422)  # fmt: skip
    except DeskUnavailable:
        kept = "The query was kept and will be answered when the index is up."
        return page(request, "error.html", principal, status_code=503, status=503, field=None,
                    message=kept)  # fmt: skip
    iar_id = (sub.iar or {}).get("iar_id")
    return RedirectResponse(f"/web/agency/iar/{iar_id}", status_code=303)


@router.get("/iar/{iar_id}")
def get_iar(iar_id: str, request: Request, principal: Reader, state: State) -> Response:
    """One IAR as the caller may see it (404 outside the caller's scope), with its asks."""
    desk = desk_of(request, state)
    iar = desk.get_iar(iar_id, principal.actor(), principal.row_scope)
    sent = desk.iaq_as_sent(iar_id, principal.actor(), principal.row_scope)
    mine = asks.asks_on(desk, principal.actor(), principal.row_scope, iar_id=iar_id)
    return page(request, "iar.html", principal, iar=iar, asks=mine, sent=sent,
                may_ask=principal.can(Permission.IAQ_ASK))  # fmt: skip


async def _ask(iar_id: str, kind: asks.AskKind, request: Request, principal: Principal,
               state: State) -> Response:  # fmt: skip
    form = await FormData.read(request)
    desk = desk_of(request, state)
    await run_in_threadpool(asks.ask, desk, iar_id, kind, form.get("reason"),
                            principal.actor(), principal.row_scope)  # fmt: skip
    return RedirectResponse(f"/web/agency/iar/{iar_id}?asked={kind.value}", status_code=303)


@router.post("/iar/{iar_id}/expedite")
async def post_expedite(iar_id: str, request: Request, principal: Asker, state: State) -> Response:
    """Ask the analysts to hurry a pending query."""
    return await _ask(iar_id, asks.AskKind.EXPEDITE, request, principal, state)


@router.post("/iar/{iar_id}/explain")
async def post_explain(iar_id: str, request: Request, principal: Asker, state: State) -> Response:
    """Ask the analysts to explain an answered query."""
    return await _ask(iar_id, asks.AskKind.EXPLAIN, request, principal, state)
