"""``GET /healthz``: liveness plus a database round trip; public, not audited, no data."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import text

from vetline.api.deps import State, public
from vetline.db.migrate import current_revision

router = APIRouter(tags=["health"])


@router.get("/healthz", dependencies=[Depends(public)])
def healthz(state: State) -> dict[str, str]:
    """``ok`` when the database answers; the schema revision helps operators."""
    with state.database.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "schema": current_revision(state.database.engine) or "none"}
