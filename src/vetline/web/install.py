"""Mount the web app on an API app: its routers, its static assets, HTML errors for pages.

Why on the API app and not a second app: one process, one ``require(...)`` gate (sessions,
CSRF, rate limit, audit) and one route-permission walk for pages and API alike.
"""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from vetline.web.charts import ChartCache, warm_up
from vetline.web.errors import install_page_errors
from vetline.web.routes import ROUTERS

STATIC_DIR = Path(__file__).with_name("static")


class CachedStatic(StaticFiles):
    """Shipped assets (no CDN: deployments are air-gapped), cacheable for an hour.

    Assets carry no personal data, so they are the only responses that may be cached.
    """

    def file_response(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().file_response(*args, **kwargs)
        response.headers["cache-control"] = "public, max-age=3600"
        return response


def install_web(app: FastAPI, *, warm: bool = False) -> FastAPI:
    """Add the pages, ``/web/static`` and the page error handlers to ``app``.

    ``warm``: start the chart renderer in the background now (``vetline serve``), so the
    first dashboard does not pay its start-up.
    """
    app.state.web_charts = ChartCache()
    if warm:
        threading.Thread(target=warm_up, name="vetline-charts-warm", daemon=True).start()
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    app.mount("/web/static", CachedStatic(directory=STATIC_DIR), name="web-static")
    install_page_errors(app)
    return app
