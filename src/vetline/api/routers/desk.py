"""The query desk's front door: ``POST /v1/iaq`` (JSON or Nlets text), ``GET /v1/iar``.

Thin: the body goes to ``DeskService.submit`` — the same call ``vetline query`` makes —
and the caller's row scope goes with every read, so an agency sees only its own IARs.
The service is built on first use (or installed by ``vetline serve`` with
:func:`install_desk`) because it needs a built data folder the trust tests do not have.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from vetline.api.deps import State, gate_credential, gate_events, regate, require
from vetline.api.errors import error_response
from vetline.api.state import AppState
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.desk.iar_model import IAR, IARListing
from vetline.desk.intake import Form
from vetline.desk.problems import InvalidQuery
from vetline.desk.service import DeskService, DeskUnavailable
from vetline.desk.service.service import CredentialChanged
from vetline.person import PersonLookup
from vetline.status import load_policy

router = APIRouter(prefix="/v1", tags=["query desk"])
#: The gate's event rides in the desk's transaction (one write per IAQ); "function" scope
#: makes the gate's fallback write happen before the response is sent.
Submitter = Annotated[
    Principal, Depends(require(Permission.IAQ_SUBMIT, audit_in_route=True), scope="function")
]
Reader = Annotated[Principal, Depends(require(Permission.IAR_READ))]
_BUILD_LOCK = threading.Lock()

IAQ_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}


def install_desk(app: Any, service: DeskService) -> None:
    """Attach an already built desk service to an app (``vetline serve``, tests)."""
    app.state.desk = service


def desk_of(request: Request, state: AppState) -> DeskService:
    """The app's desk service, built from the settings' data folder on first use."""
    app = request.app
    service = getattr(app.state, "desk", None)
    if service is None:
        with _BUILD_LOCK:
            service = getattr(app.state, "desk", None)
            if service is None:
                data = state.settings.data
                service = DeskService(
                    state.database, lambda: PersonLookup.open(data), policy=load_policy()
                )
                app.state.desk = service
    assert isinstance(service, DeskService)
    return service


def _form(request: Request) -> Form | None:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        return Form.JSON
    if kind == "text/plain":
        return Form.NLETS
    return None


def unavailable(exc: DeskUnavailable) -> JSONResponse:
    """503: the query is kept (RECEIVED) and answered once the index exists."""
    return error_response(503, "desk_unavailable", f"query kept, not yet answered: {exc}")


#: The IAR's schema in ``/openapi.json`` for the answer of ``POST /v1/iaq``: the route
#: itself sends the JSON the desk made (``IARResponse``) without validating it again.
IAR_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"model": IAR, "description": "the IAR of a new query"},
    200: {"model": IAR, "description": "the stored IAR of a resubmitted query"},
}


@router.post(
    "/iaq", openapi_extra=IAQ_BODY, response_model=None, responses=IAR_RESPONSES,
    status_code=201,
)  # fmt: skip
async def post_iaq(request: Request, principal: Submitter, state: State) -> Any:
    """Submit an IAQ; returns the IAR (201 new, 200 resubmitted, state QUEUED → analyst)."""
    body = await request.body()
    return await answer_iaq(request, state, desk_of(request, state), principal, body)


async def answer_iaq(
    request: Request, state: AppState, desk: DeskService, principal: Principal, body: bytes
) -> Response:
    """The route's body after the gate, shared with the dedicated ASGI route of the same
    path (``vetline.api.fastiaq``): submit, take the full gate again when the credential
    changed meanwhile, answer the IAR or the error."""
    try:
        try:
            sub = await desk.submit_async(
                body, principal.actor(), principal.row_scope, form=_form(request),
                carried=gate_events(request), credential=gate_credential(request),
            )  # fmt: skip
        except CredentialChanged:  # revoked (or changed) meanwhile: nothing was stored
            principal = await regate(request, state, Permission.IAQ_SUBMIT)  # 401/403
            sub = await desk.submit_async(
                body, principal.actor(), principal.row_scope, form=_form(request)
            )
    except InvalidQuery as exc:
        return error_response(422, "invalid_query", str(exc), fields=exc.errors)
    except DeskUnavailable as exc:
        return unavailable(exc)
    return IARResponse(sub.view(principal.row_scope), status_code=201 if sub.created else 200)


class IARResponse(JSONResponse):
    """JSON rendered with ``orjson``: an IAR is the largest body the desk sends per IAQ."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


@router.get("/iar/{iar_id}", response_model_exclude_unset=True)  # the keys stored, no more
def get_iar(iar_id: str, request: Request, principal: Reader, state: State) -> IAR:
    """One IAR (the agency view for agencies); 404 when outside the caller's scope."""
    desk = desk_of(request, state)
    return desk.get_iar(iar_id, principal.actor(), principal.row_scope)


@router.get("/iar", response_model=list[IARListing], response_model_exclude_unset=True)
def get_iars(
    request: Request,
    principal: Reader,
    state: State,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """The caller's recent queries and their state (row scope applied in the query)."""
    desk = desk_of(request, state)
    return desk.list_iars(principal.actor(), principal.row_scope, limit)
