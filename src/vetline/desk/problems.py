"""Field-level reasons for refusing a query.

A refused query must tell the sender exactly what to fix: the API answers HTTP 422 with
the list, the CLI prints the first item and exits 2, and the audit trail records all of
them. Each item names a field (dotted path, ``subject.dob``, ``charges[0].charge_code``,
or an Nlets tag such as ``DOB``) and the problem in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from pydantic import ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from vetline.errors import BadInput

#: pydantic error types -> plain wording (others keep pydantic's own message).
_WORDING: dict[str, str] = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this message",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "json_invalid": "is not valid JSON",
    "json_type": "is not valid JSON",
}


class FieldError(TypedDict):
    """One reason a query was refused: which field, and what is wrong with it."""

    field: str
    problem: str


class InvalidQuery(BadInput):
    """A query that cannot be accepted; ``errors`` lists every field-level reason."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        if not errors:
            raise ValueError("InvalidQuery needs at least one error")
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first["field"], first["problem"] + more)
        self.errors: list[FieldError] = list(errors)


def rule_error(field: str, problem: str) -> PydanticCustomError:
    """A cross-field rule violation that names the field it belongs to (see ``field_errors``)."""
    return PydanticCustomError(
        "iaq_rule", problem.replace("{", "(").replace("}", ")"), {"field": field}
    )


def field_path(loc: Sequence[int | str]) -> str:
    """``("charges", 0, "charge_code")`` -> ``charges[0].charge_code``; ``()`` -> ``body``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "body"


def _problem(error: ErrorDetails) -> str:
    if error["type"] == "value_error":
        ctx: dict[str, Any] = dict(error.get("ctx") or {})
        return str(ctx.get("error", error["msg"]))
    if error["type"] == "json_invalid":
        ctx = dict(error.get("ctx") or {})
        return f"is not valid JSON ({ctx.get('error', 'parse error')})"
    return _WORDING.get(error["type"], error["msg"])


def field_errors(
    exc: ValidationError, rename: Callable[[str], str] | None = None
) -> list[FieldError]:
    """Turn a pydantic ``ValidationError`` into ``[{"field": ..., "problem": ...}]``.

    ``rename`` maps a dotted model path to the name the sender used (the Nlets parser maps
    ``subject.dob`` to ``DOB``). A rule error raised by a model validator carries the field it
    concerns in its context, so ``BIOMETRIC without a FIN`` is reported against ``subject.fin``.
    """
    out: list[FieldError] = []
    for error in exc.errors(include_url=False):
        ctx = error.get("ctx") or {}
        field = str(ctx["field"]) if "field" in ctx else field_path(error["loc"])
        out.append({"field": rename(field) if rename else field, "problem": _problem(error)})
    return out
