"""One intake path for every entry point: body in, validated query with its flags out.

``POST /v1/iaq`` and ``vetline query`` must not be two implementations (style.md §5), so
both hand the raw body to ``accept``: it recognises the form (JSON or Nlets text), parses
it into the one ``IAQ`` model, refuses future dates, looks the ORI up in the agency
directory (``UNKNOWN_ORI`` when absent) and decides the routing. Pure: the day and the
directory are inputs, nothing is stored; persisting the raw body and auditing a refusal
are the caller's job, done with the ``InvalidQuery.errors`` this raises. The body's text
comes back on the ``Intake`` (``text``) so the caller can keep the query exactly as it
was received (the analyst reads the Nlets message the terminal sent, not only the model
parsed from it); it is at most ``MAX_BODY_BYTES``, checked before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vetline.desk.iaq import IAQ, check_dates, parse_iaq_json
from vetline.desk.nlets import parse_nlets_iaq
from vetline.desk.ori import Agency, AgencyDirectory
from vetline.desk.problems import InvalidQuery
from vetline.desk.routing import AorTable, RoutingDecision, route_query

#: Largest body accepted; a real IAQ is well under 2 kB.
MAX_BODY_BYTES = 64 * 1024


class Form(StrEnum):
    """The two shapes a query arrives in."""

    JSON = "json"
    NLETS = "nlets"


@dataclass(frozen=True)
class Intake:
    """An accepted query: the model, its form, flags and notes for the IAR, and routing."""

    iaq: IAQ
    form: Form
    flags: tuple[str, ...]
    notes: tuple[str, ...]
    agency: Agency | None
    routing: RoutingDecision
    #: The body exactly as received, decoded (JSON or Nlets text; at most MAX_BODY_BYTES).
    text: str = ""


def detect_form(text: str) -> Form:
    """JSON when the body starts with ``{``, Nlets text otherwise."""
    return Form.JSON if text.lstrip().startswith("{") else Form.NLETS


def _decode(body: str | bytes) -> str:
    size = len(body.encode("utf-8")) if isinstance(body, str) else len(body)
    if size > MAX_BODY_BYTES:
        raise InvalidQuery([{"field": "body", "problem": f"larger than {MAX_BODY_BYTES} bytes"}])
    if isinstance(body, str):
        text = body
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = f"is not UTF-8 text (byte {exc.start})"
            raise InvalidQuery([{"field": "body", "problem": problem}]) from None
    if "\x00" in text:  # no query has one, and PostgreSQL text cannot keep it as received
        where = text.index("\x00")
        problem = f"contains a NUL character (character {where})"
        raise InvalidQuery([{"field": "body", "problem": problem}])
    return text


def accept(
    body: str | bytes,
    *,
    received: date,
    directory: AgencyDirectory,
    form: Form | None = None,
    aor: AorTable | None = None,
) -> Intake:
    """Parse and check one query body received on ``received``; ``InvalidQuery`` if bad.

    ``form`` forces the shape (from a content type); by default it is recognised from the
    body. The flags are the intake flags (``DOB_CENTURY_AMBIGUOUS``) and the ORI flags
    (``UNKNOWN_ORI``), as strings ready for the IAR's ``flags`` list.
    """
    text = _decode(body)
    shape = form or detect_form(text)
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    if shape is Form.JSON:
        iaq = parse_iaq_json(text)
    else:
        parsed = parse_nlets_iaq(text, received=received)
        iaq, flags, notes = parsed.iaq, tuple(str(f) for f in parsed.flags), parsed.notes
    check_dates(iaq, received)
    all_flags = (*flags, *(str(f) for f in directory.flags_for(iaq.ori)))
    return Intake(
        iaq=iaq,
        form=shape,
        flags=all_flags,
        notes=notes,
        agency=directory.get(iaq.ori),
        routing=route_query(iaq, directory, aor),
        text=text,
    )
