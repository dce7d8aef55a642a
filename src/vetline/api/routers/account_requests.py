"""Account requests a second administrator decides (CJIS AC-5; ``vetline.auth.requests``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from vetline.api.deps import State, require
from vetline.api.schemas import AccountRequestOut, ApprovedOut, ReasonIn, UserOut
from vetline.auth import requests
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission

router = APIRouter(prefix="/v1/account-requests", tags=["users"])
Reader = Annotated[Principal, Depends(require(Permission.USERS_READ))]
Approver = Annotated[Principal, Depends(require(Permission.USERS_APPROVE))]


@router.get("")
def get_requests(
    principal: Reader,
    state: State,
    status: Annotated[str | None, Query(alias="state", max_length=16)] = None,
) -> list[AccountRequestOut]:
    """Account requests, newest first (``?state=pending`` for the ones to decide)."""
    with state.uow(principal.actor(), read_only=True) as uow:
        return [AccountRequestOut.of(r) for r in requests.list_requests(uow, status)]


@router.post("/{request_id}/approve")
def post_approve(request_id: str, body: ReasonIn, principal: Approver, state: State) -> ApprovedOut:
    """Carry out another administrator's request; a new account's one-time enrolment
    secret is returned here, once."""
    with state.uow(principal.actor(), write=True) as uow:
        decided = requests.approve(uow, state.policy, request_id, body.reason)
        uow.commit()
        return ApprovedOut(
            request=AccountRequestOut.of(decided.request),
            user=UserOut.of(decided.user),
            enrolment_secret=decided.enrolment_secret,
            totp_uri=decided.totp_uri,
        )


@router.post("/{request_id}/reject")
def post_reject(
    request_id: str, body: ReasonIn, principal: Approver, state: State
) -> AccountRequestOut:
    """Refuse another administrator's request."""
    with state.uow(principal.actor(), write=True) as uow:
        rejected = requests.reject(uow, request_id, body.reason)
        uow.commit()
        return AccountRequestOut.of(rejected)
