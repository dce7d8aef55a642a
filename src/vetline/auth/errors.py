"""Refusals the API maps to 401/403/404 (user input errors stay ``vetline.errors.BadInput``)."""

from __future__ import annotations


class Unauthenticated(Exception):
    """No valid credential (401). The message is generic on purpose: no account oracle."""


class Forbidden(Exception):
    """Authenticated, but not allowed (403)."""


class NotFound(Exception):
    """No such object, or not one the caller may know about (404)."""
