"""API tokens: issue (shown once), list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from vetline.api.deps import State, require
from vetline.api.schemas import ReasonIn, TokenIn, TokenIssuedOut, TokenOut
from vetline.auth.principal import Principal
from vetline.auth.roles import Permission
from vetline.auth.tokens import issue_token, list_tokens, revoke_token

router = APIRouter(prefix="/v1/tokens", tags=["tokens"])
Own = Annotated[Principal, Depends(require(Permission.TOKENS_OWN))]


@router.post("", status_code=201)
def post_token(body: TokenIn, principal: Own, state: State) -> TokenIssuedOut:
    """Issue a token for the caller's account, scoped to some of its permissions."""
    with state.uow(principal.actor(), write=True) as uow:
        clear, token = issue_token(
            uow,
            state.policy,
            principal,
            body.name,
            [str(s) for s in body.scopes],
            body.expires_days,
        )
        uow.commit()
        return TokenIssuedOut(token=clear, info=TokenOut.of(token))


@router.get("")
def get_tokens(principal: Own, state: State) -> list[TokenOut]:
    """The caller's tokens (never their values)."""
    with state.uow(principal.actor()) as uow:
        return [TokenOut.of(t) for t in list_tokens(uow, principal.user_id)]


@router.post("/{token_id}/revoke")
def post_revoke(token_id: str, body: ReasonIn, principal: Own, state: State) -> TokenOut:
    """Revoke a token (one's own; an administrator may revoke any)."""
    with state.uow(principal.actor(), write=True) as uow:
        token = revoke_token(uow, principal, token_id, body.reason)
        uow.commit()
        return TokenOut.of(token)
