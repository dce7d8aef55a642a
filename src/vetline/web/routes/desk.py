"""The analysts' desk: the queue (filters, live clocks, keyboard flow), one query with its
persons, waterfall, records, timeline and citizenship panel, and the answer.

Each handler parses the page's input and calls the desk service the API calls
(``vetline.desk.service.queue`` — list, detail, claim, release, preview, answer — and
``person_view`` for records): one command path, the caller's row scope passed in.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vetline.api.deps import State, require
from vetline.api.routers.desk import desk_of
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.desk.nlets_iar import agency_view
from vetline.desk.service import asks, person_view, queue
from vetline.errors import BadInput
from vetline.vocab import StatusCode
from vetline.web import citizenship, compare, precision, waterfall
from vetline.web.forms import FormData
from vetline.web.render import page

router = APIRouter(prefix="/web/desk", tags=["web"])
Analyst = Annotated[Principal, Depends(require(Permission.IAQ_ANSWER))]
ACK_NOTE = "citizenship evidence acknowledged"
#: The queue page shows the most urgent 100 of (at most) 300 read: an analyst works from
#: the top, and the page stays within its time and weight budgets (bench/README.md).
READ_AT_MOST = 300
SHOWN_AT_MOST = 100


def _filters(request: Request) -> dict[str, str]:
    keys = ("type", "level", "ori", "aor", "age", "held")
    return {k: request.query_params.get(k, "").strip() for k in keys}


def _keep(item: dict[str, Any], f: dict[str, str], principal: Principal) -> bool:
    """Whether a queue item passes the page's filters (the service already scoped rows)."""
    if f["type"] and item["query_type"] != f["type"]:
        return False
    if f["level"] and (item["match_level"] or "") != f["level"]:
        return False
    if f["ori"] and item["ori"] != f["ori"].upper():
        return False
    if f["aor"] and (item["aor"] or "") != f["aor"].upper():
        return False
    if f["held"] == "mine" and item["claimed_by"] != principal.user_id:
        return False
    if f["held"] == "free" and item["claimed_by"]:
        return False
    return not (f["age"].isdigit() and _age_minutes(item) < int(f["age"]))


def _age_minutes(item: dict[str, Any]) -> int:
    from vetline.db.base import parse_utc_iso, utcnow

    return int((utcnow() - parse_utc_iso(item["received_at"])).total_seconds() // 60)


@router.get("")
def get_queue(request: Request, principal: Analyst, state: State) -> Response:
    """IAQs awaiting an analyst, most urgent first, each with its response clock."""
    desk = desk_of(request, state)
    f = _filters(request)
    items = queue.list_items(desk, principal.actor(), principal.row_scope, READ_AT_MOST)
    shown = [i for i in items if _keep(i, f, principal)][:SHOWN_AT_MOST]
    open_asks = asks.asks_on(desk, principal.actor(), principal.row_scope,
                             query_ids=[i["query_id"] for i in shown], open_only=True)  # fmt: skip
    expedited = {a["query_id"] for a in open_asks if a["kind"] == "expedite"}
    choices = {
        "type": sorted({i["query_type"] for i in items}),
        "level": sorted({i["match_level"] or "" for i in items} - {""}),
        "aor": sorted({i["aor"] or "" for i in items} - {""}),
    }
    return page(request, "queue.html", principal, items=shown, total=len(items), filters=f,
                choices=choices, expedited=expedited)  # fmt: skip


@router.get("/asks")
def get_asks(request: Request, principal: Analyst, state: State) -> Response:
    """Agencies' expedite and explain asks, open ones first."""
    desk = desk_of(request, state)
    rows = asks.asks_on(desk, principal.actor(), principal.row_scope)
    rows.sort(key=lambda a: (a["state"] != "open", a["asked_at"]), reverse=False)
    return page(request, "asks.html", principal, asks=rows)


@router.post("/asks/{ask_id}/answer")
async def post_ask_answer(
    ask_id: str, request: Request, principal: Analyst, state: State
) -> Response:
    """Reply to an agency's ask; the reply shows in the agency's portal."""
    form = await FormData.read(request)
    desk = desk_of(request, state)
    await run_in_threadpool(asks.answer_ask, desk, ask_id, form.get("answer"),
                            principal.actor(), principal.row_scope)  # fmt: skip
    return RedirectResponse("/web/desk/asks", status_code=303)


def _view(request: Request, principal: Principal, state: State, query_id: str,
          **extra: Any) -> Response:  # fmt: skip
    """The query page: everything an analyst needs to decide, in the order it is read."""
    desk = desk_of(request, state)
    actor, scope = principal.actor(), principal.row_scope
    detail = queue.detail(desk, query_id, actor, scope)
    draft = detail["draft"] or {}
    resolution = draft.get("resolution") or {}
    chosen = request.query_params.get("person") or None
    records = person_view.person_records(desk, query_id, chosen, actor, scope)
    subject = detail["iaq"].get("subject", {})
    fields, columns = compare.grid(subject, records["records"], date.today())
    candidates = [
        {**c, "band": precision.band_of(c.get("probability"))}
        for c in resolution.get("candidates", [])
    ]
    signs = citizenship.signs_of(draft)
    iar = detail["iar"] or {}
    return page(
        request, "query.html", principal, q=detail, draft=draft, resolution=resolution,
        chart=waterfall.chart(resolution.get("explanation") or []),
        band=precision.band_of(resolution.get("probability")), candidates=candidates,
        records=records, fields=fields, columns=columns, subject=subject, signs=signs,
        assessment=draft.get("assessment") or {}, iar=iar,
        agency_iar=agency_view(iar) if iar else None, status_codes=[s.value for s in StatusCode],
        iaq_json=json.dumps(detail["iaq"], indent=2), **extra,
    )  # fmt: skip


@router.get("/{query_id}")
def get_query(query_id: str, request: Request, principal: Analyst, state: State) -> Response:
    """One query: as received, its persons, waterfall, records, timeline, answer form."""
    return _view(request, principal, state, query_id)


@router.post("/{query_id}/claim")
def post_claim(query_id: str, request: Request, principal: Analyst, state: State) -> Response:
    """Claim the query (409 when another analyst holds it), then open it."""
    desk = desk_of(request, state)
    queue.detail(desk, query_id, principal.actor(), principal.row_scope)  # scope check, 404
    if not queue.claim(desk, query_id, principal.actor()):
        return page(request, "error.html", principal, status_code=409, status=409,
                    message="Another analyst holds this query.", field=None)  # fmt: skip
    return RedirectResponse(f"/web/desk/{query_id}", status_code=303)


@router.post("/{query_id}/release")
async def post_release(
    query_id: str, request: Request, principal: Analyst, state: State
) -> Response:
    """Give the query back to the queue, with a reason."""
    form = await FormData.read(request)
    reason = form.required("reason", "say why the query goes back")
    desk = desk_of(request, state)
    done = await run_in_threadpool(queue.release, desk, query_id, principal.actor(), reason)
    if not done:
        raise BadInput("query", "not claimed by you")
    return RedirectResponse("/web/desk", status_code=303)


def _correction(form: FormData, signs: list[citizenship.Sign]) -> queue.Correction:
    """The answer form as the desk's ``Correction``; the citizenship gate checked first."""
    reason = form.get("reason")
    if signs:
        if not form.flag("citizenship_ack"):
            raise BadInput("citizenship_ack",
                           "acknowledge the citizenship evidence before deciding")  # fmt: skip
        reason = f"{reason} [{ACK_NOTE}]" if reason else ""
    choice = form.get("identity", "confirm")
    status = form.get("status_code") or None
    return queue.Correction(
        reason=reason,
        person_id=form.get("person_id") or None if choice == "person" else None,
        no_record=choice == "no_record",
        status_code=status,
        status_summary=form.get("status_summary") or None if status else None,
    )


async def _decide(query_id: str, request: Request, principal: Principal, state: State,
                  send: bool) -> Response:  # fmt: skip
    form = await FormData.read(request)
    desk = desk_of(request, state)
    detail = await run_in_threadpool(
        queue.detail, desk, query_id, principal.actor(), principal.row_scope
    )
    signs = citizenship.signs_of(detail["draft"])
    try:
        fix = _correction(form, signs)
        call = queue.answer if send else queue.preview
        iar = await run_in_threadpool(call, desk, query_id, principal.actor(), fix)
    except BadInput as exc:
        return await run_in_threadpool(
            _view, request, principal, state, query_id, form=form.fields, error=exc,
            status_code=422,
        )  # fmt: skip
    if send:
        return RedirectResponse(f"/web/desk/{query_id}?sent=1", status_code=303)
    return await run_in_threadpool(
        _view, request, principal, state, query_id, form=form.fields, preview=agency_view(iar)
    )


@router.post("/{query_id}/preview")
async def post_preview(
    query_id: str, request: Request, principal: Analyst, state: State
) -> Response:
    """The IAR exactly as the agency would receive it (JSON and Nlets text), not sent."""
    return await _decide(query_id, request, principal, state, send=False)


@router.post("/{query_id}/answer")
async def post_answer(
    query_id: str, request: Request, principal: Analyst, state: State
) -> Response:
    """Send the analyst's answer: it becomes the query's IAR."""
    return await _decide(query_id, request, principal, state, send=True)


@router.post("/{query_id}/source-error")
async def post_source_error(
    query_id: str, request: Request, principal: Analyst, state: State
) -> Response:
    """Report that a shown source record is wrong (kept in the audit trail)."""
    form = await FormData.read(request)
    desk = desk_of(request, state)
    await run_in_threadpool(
        person_view.report_source_error, desk, query_id, form.get("record"),
        form.get("problem"), principal.actor(), principal.row_scope,
    )  # fmt: skip
    return RedirectResponse(f"/web/desk/{query_id}?reported=1", status_code=303)
