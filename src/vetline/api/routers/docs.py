"""``GET /docs``: the interactive API reference (Swagger UI) from files shipped with vetline.

Deployments are air-gapped, so FastAPI's default page (scripts and styles from a CDN)
cannot load there; the Swagger UI files come from the ``fastapi-offline`` package (kept
up to date upstream, not copied into this repository) and are served from here. The page
has no inline script: ``docs-init.js`` starts the UI, so the page runs under a strict
Content-Security-Policy (``'self'`` only) that the guard keeps for it.

Public, like ``/openapi.json``: the page and its assets hold no data; every call made
from the page goes through the usual gate (log in with ``/v1/auth/login`` first, or
give an API token through "Authorize").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, HTMLResponse, Response

from vetline.api.deps import public

router = APIRouter(tags=["docs"], include_in_schema=False)

#: The docs page's policy: scripts, styles, images and calls from this server only.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)
_HERE = Path(__file__).parent
#: Asset name → (media type, where it lives). Anything else under /docs/ is a 404.
_ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.png": "image/png",
    "docs-init.js": "text/javascript",
}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>vetline API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" href="/docs/favicon.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="/openapi.json"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/docs-init.js"></script>
</body>
</html>
"""


@lru_cache(maxsize=1)
def swagger_dir() -> Path:
    """The folder of the shipped Swagger UI files (``fastapi_offline/static``)."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


def asset_path(name: str) -> Path | None:
    """Where a docs asset is on disk, or None when it is not one."""
    if name not in _ASSETS:
        return None
    if name == "docs-init.js":
        return _HERE / "docs-init.js"
    return swagger_dir() / name


@router.get("/docs", dependencies=[Depends(public)])
def get_docs() -> HTMLResponse:
    """The Swagger UI page over ``/openapi.json``."""
    return HTMLResponse(PAGE, headers={"content-security-policy": DOCS_CSP})


@router.get("/docs/{name}", dependencies=[Depends(public)])
def get_docs_asset(name: str) -> Response:
    """One of the page's scripts, styles or icon (404 for any other name)."""
    path = asset_path(name)
    if path is None or not path.is_file():
        return Response(status_code=404)
    return FileResponse(
        path, media_type=_ASSETS[name], headers={"content-security-policy": DOCS_CSP}
    )
