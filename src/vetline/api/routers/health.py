"""``GET /healthz``: readiness — the database answers and has room, the disk has room.

Public, not audited, no data. 200 when the server can take writes; 503 with what is wrong
when it cannot (issue 13 item 7: with the disk full it answered "ok" while every write
failed). A load balancer or supervisor stops sending writes on 503.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from vetline.api.deps import State, public
from vetline.db.migrate import current_revision
from vetline.db.storage import disk_free, sqlite_room

router = APIRouter(tags=["health"])
#: SQLite pages a database must still be able to grow by to be called ready.
MIN_SQLITE_PAGES = 16


@router.get("/healthz", dependencies=[Depends(public)], response_model=None)
def healthz(state: State) -> dict[str, Any] | JSONResponse:
    """``ok`` when the database answers and there is room to write; else 503 naming why."""
    problems: list[str] = []
    out: dict[str, Any] = {}
    try:
        with state.database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        out["schema"] = current_revision(state.database.engine) or "none"
        room = sqlite_room(state.database)
        if room is not None and room < MIN_SQLITE_PAGES:
            problems.append("database full (no pages left)")
        out["database"] = "ok" if not problems else "full"
    except SQLAlchemyError as exc:
        out["database"] = "unavailable"
        problems.append(f"database unavailable ({type(exc).__name__})")
    free = disk_free(state.settings.data)
    out["disk_free_bytes"] = free
    if free < state.settings.min_free_bytes:
        problems.append(f"disk nearly full ({free} bytes free)")
    if problems:
        body = {"status": "unavailable", "problems": problems, **out}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "30"})
    return {"status": "ok", **out}
