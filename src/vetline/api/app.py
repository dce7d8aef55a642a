"""``create_app(settings)``: the HTTP API factory (nothing is built at import time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from vetline.api.admission import Admission
from vetline.api.bodytypes import BodyTypes
from vetline.api.errors import install_error_handlers
from vetline.api.fastiaq import FastIAQ
from vetline.api.guard import Guard
from vetline.api.ratelimit import RateLimiter, SharedRateLimiter
from vetline.api.routers import ROUTERS
from vetline.api.schemas import ERROR_RESPONSES
from vetline.api.settings import Settings
from vetline.api.state import AppState
from vetline.audit.anchor import AnchorLog
from vetline.auth.policy import AuthPolicy
from vetline.db.engine import Database
from vetline.db.migrate import upgrade

API_TITLE = "vetline"
API_VERSION = "1"


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """Build the app: check the secret, open (and migrate) the database, mount the routers.

    ``database`` lets tests and ``vetline serve`` share an already opened database.
    ``settings`` come from the caller (the composition root); without them, from the
    environment, read here once.
    """
    settings = settings or Settings()
    settings.check_secret()
    owns_database = database is None
    db = database or Database.from_url(settings.resolved_database_url())
    if owns_database:  # a database handed in keeps the anchor its opener chose
        db.anchor = AnchorLog.for_settings(settings)
    if settings.migrate_on_start:
        upgrade(db.engine)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_database:
            db.dispose()

    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        description="Immigration-status query and vetting API. Every call is authenticated "
        "and audited, except the readiness check (/healthz), the reference (/docs, "
        "served from the package's own files) and this schema (/openapi.json: structure "
        "only, no data), log-in and enrolment.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.vetline = AppState(
        settings=settings,
        database=db,
        policy=AuthPolicy.from_settings(settings),
        limiter=(
            SharedRateLimiter(settings.rate_limit_file, settings.rate_limit_per_minute)
            if settings.rate_limit_file is not None
            else RateLimiter(settings.rate_limit_per_minute)
        ),
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router, responses=ERROR_RESPONSES)
    app.add_middleware(FastIAQ)  # innermost: the common POST /v1/iaq without FastAPI's routing
    app.add_middleware(BodyTypes)  # inside the guard: sizes are checked first
    app.add_middleware(Admission, max_in_flight=settings.max_in_flight)
    app.add_middleware(
        Guard, max_body_bytes=settings.max_body_bytes, list_bytes=settings.max_list_bytes
    )
    return app
