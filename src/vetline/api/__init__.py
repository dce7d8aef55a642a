"""The HTTP API: ``create_app(settings)``, the permission gate, one router per domain.

Edit here: the auth/permission/audit gate every route depends on (``deps.py``), error
shapes (``errors.py``) and the 403 reasons (``denials.py``), size limit and security
headers (``guard.py``), the accepted body types (``bodytypes.py``), admission control
(``admission.py``), rate limiting (``ratelimit.py``), the shared response schemas
(``schemas.py``), what a request sees of the app (``state.py``), routers (``routers/``;
register new ones in ``routers/__init__.py``), the dedicated ASGI route of the common
``POST /v1/iaq`` (``fastiaq.py``: what it takes; the route's behaviour stays in
``routers/desk.py``'s ``answer_iaq`` and the gate's in ``deps.py``), the ``vetline tokens`` CLI
(``tokens_cli.py``). The settings are vetline's one settings object
(``vetline/settings.py``; ``settings.py`` here only re-exports it).
"""

from __future__ import annotations

from vetline.api.app import create_app
from vetline.api.deps import public, require
from vetline.api.settings import Settings

__all__ = ["Settings", "create_app", "public", "require"]
