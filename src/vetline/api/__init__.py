"""The HTTP API: ``create_app(settings)``, the permission gate, one router per domain.

Edit here: settings (``settings.py``), the auth/permission/audit gate every route depends
on (``deps.py``), error shapes (``errors.py``), size limit and security headers
(``guard.py``), rate limiting (``ratelimit.py``), routers (``routers/``; register new ones
in ``routers/__init__.py``).
"""

from __future__ import annotations

from vetline.api.app import create_app
from vetline.api.deps import public, require
from vetline.api.settings import Settings

__all__ = ["Settings", "create_app", "public", "require"]
