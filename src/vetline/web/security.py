"""The web app's own security headers and the log-in form's CSRF token.

Pages load only the app's own script and styles: ``script-src 'self'`` without
``'unsafe-inline'``, so an injected ``<script>`` or ``onclick=`` never runs. Charts arrive
as SVG images (``img-src data:``), never as script.

The log-in form has no session yet to bind a CSRF token to, so it uses a double-submit
token: a random value in a short-lived ``SameSite=Strict`` cookie and the same value in
the form (a cross-site page can neither read the cookie nor send it). Every form after
log-in carries the session's own token, checked by the API gate (``vetline.api.deps``).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Final

PAGE_CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
LOGIN_CSRF_COOKIE: Final = "vetline_login_csrf"
LOGIN_CSRF_SECONDS: Final = 600


def new_login_token() -> str:
    """A fresh random token for the log-in form."""
    return secrets.token_urlsafe(32)


def login_token_ok(cookie: str | None, sent: str | None) -> bool:
    """Whether the form sent the token its cookie holds (constant-time)."""
    return bool(cookie) and bool(sent) and hmac.compare_digest(cookie or "", sent or "")
