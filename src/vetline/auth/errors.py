"""Refusals the API maps to 401/403/404 (user input errors stay ``vetline.errors.BadInput``)."""

from __future__ import annotations

#: How much of a requested id a message repeats (issue 13 item 9: 404s echoed the whole id).
ECHO_LIMIT = 40


def short_id(value: str) -> str:
    """``value`` quoted for a message, cut to :data:`ECHO_LIMIT` characters."""
    cut = value[:ECHO_LIMIT]
    return repr(cut + "…" if len(value) > ECHO_LIMIT else cut)


class Unauthenticated(Exception):
    """No valid credential (401). The message is generic on purpose: no account oracle."""


class Forbidden(Exception):
    """Authenticated, but not allowed (403)."""


class NotFound(Exception):
    """No such object, or not one the caller may know about (404).

    ``object_type``/``object_id`` name what was asked for: the API audits every 404 of an
    authenticated caller with them (a probe for another agency's object is a denial the
    auditor must see, issue 13 item 4); the message repeats at most a short prefix.
    """

    def __init__(
        self, message: str, *, object_type: str | None = None, object_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.object_type = object_type
        self.object_id = object_id

    @classmethod
    def of(cls, object_type: str, object_id: str) -> NotFound:
        """``no <type> '<id prefix>'`` carrying the requested id for the audit."""
        return cls(
            f"no {object_type.replace('_', ' ')} {short_id(object_id)}",
            object_type=object_type,
            object_id=object_id[:128],
        )
