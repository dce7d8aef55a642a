"""Render an IAR (interfaces.md IAR JSON) as the Nlets plain text a terminal shows.

The text is the requesting agency's view: ``recommendation`` is internal and never
printed, nor are other candidates' person ids. No public sample IAR exists (reference §3.4),
so the layout is ours: a header ``IAR.<dest ORI>.<LESC ORI>[.<control>].TXT``, then
``TAG/value`` lines an operator can scan, upper-case ASCII, at most ``WIDTH`` characters.

What the text must never do (reference §6): read as a detainer, read "no record" as
"removable", or put a removability statement in front of an officer when there is any sign
of U.S. citizenship. So every IAR says it is not a detainer; ``NO_RECORD`` says absence of a
record proves nothing (and an IAR that pairs ``NO_RECORD`` with a removability claim is
refused as inconsistent); and with ``POSSIBLE_US_CITIZEN`` or a citizen status the
removability line is withheld pending citizenship review.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from typing import Any, Final

from pydantic import ValidationError
from unidecode import unidecode

from vetline.desk.iaq import IAQ
from vetline.desk.iar_model import IAR, OTHER_PEOPLE, Match, RecordRef
from vetline.desk.ori import LESC_ORI, ori_problem
from vetline.desk.problems import InvalidQuery, field_errors
from vetline.errors import BadInput
from vetline.vocab import CITIZEN_STATUSES, Assessment, Flag, MatchLevel

WIDTH: Final = 72
#: Fields of the IAR JSON that only ICE staff see.
INTERNAL_FIELDS: Final = ("recommendation",)
_ENFORCEMENT: Final = frozenset({Assessment.REMOVABLE, Assessment.REMOVABLE_IF_CONVICTED})


def agency_view(iar: Mapping[str, Any]) -> dict[str, Any]:
    """The IAR JSON as the requesting agency may see it: internal fields removed, and
    nothing about any person other than the one matched (``OTHER_PEOPLE``: the keys stay,
    so the shape an agency parses is unchanged). ``IAR.agency_view`` does the same on the
    typed IAR."""
    view = {key: value for key, value in iar.items() if key not in INTERNAL_FIELDS}
    match = view.get("match")
    if isinstance(match, Mapping):
        view["match"] = {**match, **{key: [] for key in OTHER_PEOPLE if key in match}}
    return view


def has_citizen_sign(flags: Iterable[str], status_code: str | None) -> bool:
    """Any sign of U.S. citizenship: the one rule the JSON and the text forms both follow.

    With it, no removability ground may reach an agency (principle 1): the JSON carries
    ``UNDETERMINED`` with no grounds and the text says removability is withheld.
    """
    return Flag.POSSIBLE_US_CITIZEN.value in flags or (
        status_code is not None and status_code in {c.value for c in CITIZEN_STATUSES}
    )


def _text(value: object) -> str:
    """Upper-case ASCII on one line: what every Nlets terminal can show.

    ``unidecode`` leaves ASCII as it is, so ASCII text (nearly every value) skips it: it
    was the renderer's largest single cost, run on every value and again on every line.
    """
    text = str(value)
    return " ".join((text if text.isascii() else unidecode(text)).upper().split())


def _refs(refs: Iterable[RecordRef]) -> str:
    return ", ".join(f"{_text(r.source)}:{_text(r.record_id)}" for r in refs) or "NONE CITED"


INDENT: Final = "  "


def _wrap(line: str) -> list[str]:
    if line.isprintable() and line == line.strip() and "  " not in line:
        if len(line) <= WIDTH:
            return [line]  # what ``textwrap`` returns for it, without its regex pass
        return _wrap_single_spaced(line)
    return textwrap.wrap(line, WIDTH, subsequent_indent=INDENT, break_on_hyphens=False) or [""]


def _wrap_single_spaced(line: str) -> list[str]:
    """``textwrap.wrap(line, WIDTH, subsequent_indent=INDENT, break_on_hyphens=False)`` for
    a printable line with single spaces and no space at either end (what ``_text`` makes).

    The same greedy steps as ``textwrap.TextWrapper._wrap_chunks`` (long words broken to
    fill the line, a line's leading and trailing space dropped), on chunks from one
    ``split`` instead of its regular expression: the wrapping of long IAR lines was a
    visible share of the desk's CPU per IAQ (issue 18). ``tests/desk/test_iar_text.py``
    checks it equals ``textwrap`` on generated lines.
    """
    words = line.split(" ")
    chunks = [" "] * (2 * len(words) - 1)
    chunks[::2] = words
    chunks.reverse()
    lines: list[str] = []
    while chunks:
        indent = INDENT if lines else ""
        width = WIDTH - len(indent)
        if lines and chunks[-1] == " ":
            chunks.pop()
        current: list[str] = []
        length = 0
        while chunks and length + len(chunks[-1]) <= width:
            length += len(chunks[-1])
            current.append(chunks.pop())
        if chunks and len(chunks[-1]) > width:  # a word longer than a line: broken
            room = width - length  # may be 0: textwrap then moves on, as here
            current.append(chunks[-1][:room])
            chunks[-1] = chunks[-1][room:]
        if current and current[-1].strip() == "":
            current.pop()
        if current:
            lines.append(indent + "".join(current))
    return lines or [""]


def _subject_lines(iaq: IAQ) -> list[str]:
    s = iaq.subject
    name = ", ".join(
        p for p in (s.last_name, " ".join(filter(None, (s.first_name, s.middle_name)))) if p
    )
    parts = [f"NAM/{name}" if name else ""]
    parts += [
        f"{tag}/{value}"
        for tag, value in (
            ("DOB", s.dob),
            ("SEX", s.sex),
            # ISO, labelled so: read as an NCIC POB code, ISO ES (Spain) would be Estonia.
            ("BIRTH COUNTRY ISO", s.birth_country),
            ("ARN", s.a_number),
            ("FIN", s.fin),
            ("FBI", s.fbi_number),
            ("SID", s.sid),
        )
        if value
    ]
    return ["SUBJECT AS QUERIED: " + ". ".join(p for p in parts if p)]


def _match_lines(match: Match) -> list[str]:
    if match.level is MatchLevel.NO_RECORD:
        return [
            "MATCH/NO RECORD FOUND",
            "NO RECORD WAS FOUND. ABSENCE OF A RECORD IS NOT EVIDENCE OF UNLAWFUL "
            "PRESENCE OR OF REMOVABILITY.",
        ]
    confidence = f" CONFIDENCE/{match.probability * 100:.2f} PCT" if match.probability else ""
    lines = [f"MATCH/{match.level.value}{confidence} PERSON/{_text(match.person_id or 'NONE')}"]
    if match.level is not MatchLevel.POSITIVE:
        lines.append("IDENTITY NOT CONFIRMED: THIS RESPONSE DOES NOT ESTABLISH WHO THE SUBJECT IS.")
    if match.explanation:
        basis = ", ".join(
            _basis_item(c.field, c.comparison)
            + (f" ({c.weight:+.1f})" if c.weight is not None else "")
            for c in match.explanation
        )
        lines.append(f"MATCH BASIS/{basis}")
    lines.append(f"RECORDS/{_refs(match.records)}")
    return lines


#: Explanation entries whose wording on a terminal is not "<FIELD> <COMPARISON>": the
#: model's starting point read "PRIOR PRIOR (TWO RANDOM RECORDS MATCH)".
_BASIS_WORDING = {"prior": "STARTING ODDS (ANY TWO RECORDS ARE ONE PERSON)"}


def _basis_item(field: str, comparison: str) -> str:
    """One entry of the MATCH BASIS line: the field, then how it compared."""
    return _BASIS_WORDING.get(field) or f"{_text(field)} {_text(comparison)}"


def _status_lines(iar: IAR, citizen_sign: bool) -> list[str]:
    lines: list[str] = []
    if iar.status is not None:
        summary = f" - {_text(iar.status.summary)}" if iar.status.summary else ""
        lines.append(f"STATUS/{iar.status.code.value}{summary}")
        lines.append(f"STATUS EVIDENCE/{_refs(iar.status.evidence)}")
    rem = iar.removability
    if rem is None:
        return lines
    if citizen_sign:
        lines.append("REMOVABILITY/WITHHELD PENDING CITIZENSHIP REVIEW")
        return lines
    lines.append(f"REMOVABILITY/{rem.assessment.value} (DECISION SUPPORT, NOT A FINDING)")
    if rem.before_the_court:
        lines.append(f"REMOVABILITY NOTE/{_text(rem.before_the_court)}")
    for ground in rem.grounds:
        reason = f" - {_text(ground.reason)}" if ground.reason else ""
        lines.append(f"GROUND/INA {_text(ground.ina)}{reason} EVIDENCE/{_refs(ground.evidence)}")
    return lines


def render_iar_text(iar: IAR | Mapping[str, Any], *, dest_ori: str, iaq: IAQ | None = None) -> str:
    """The Nlets plain-text IAR for the agency ``dest_ori`` (``recommendation`` never shown).

    ``iar``: the typed IAR (the desk's own, read as is) or its JSON (validated here, the
    missing parts tolerated). ``iaq``, when given, is echoed so the operator sees what was
    asked. Raises ``BadInput`` (field named) for a malformed IAR or one that pairs
    ``NO_RECORD`` with removability.
    """
    if (problem := ori_problem(dest_ori)) is not None:
        raise BadInput("dest_ori", problem)
    try:
        # Nothing printed reads the recommendation or other persons: the agency's view
        # is what the text shows either way, so the typed IAR is not copied for it.
        view = iar if isinstance(iar, IAR) else IAR.model_validate(agency_view(iar))
    except ValidationError as exc:
        raise InvalidQuery(field_errors(exc)) from None
    rem = view.removability
    if view.match.level is MatchLevel.NO_RECORD and rem and rem.assessment in _ENFORCEMENT:
        raise BadInput("removability.assessment", "a NO_RECORD IAR cannot state removability")
    flags = [_text(f) for f in view.flags]
    citizen_sign = has_citizen_sign(flags, view.status.code if view.status else None)
    control = (
        view.iaq_id if view.iaq_id and view.iaq_id.isalnum() and len(view.iaq_id) <= 10 else None
    )
    lines = [f"IAR.{dest_ori}.{LESC_ORI}" + (f".{_text(control)}" if control else "") + ".TXT"]
    lines.append(f"IMMIGRATION ALIEN RESPONSE FROM {LESC_ORI} TO {dest_ori}")
    lines.append(f"IAR/{_text(view.iar_id)} IAQ/{_text(view.iaq_id or 'NONE')}")
    lines.append(
        f"RECEIVED/{_text(view.received_at or '-')} RESPONDED/{_text(view.responded_at or '-')}"
    )
    lines.append("*** NOT A DETAINER. NOT A FINDING OF REMOVABILITY. ***")
    if citizen_sign:
        lines.append(
            "*** POSSIBLE OR CONFIRMED U.S. CITIZEN: DO NOT DETAIN OR REQUEST A DETAINER ON "
            "THE BASIS OF THIS RESPONSE. CITIZENSHIP REVIEW REQUIRED. ***"
        )
    if iaq is not None:
        lines += _subject_lines(iaq)
    lines += _match_lines(view.match)
    lines += _status_lines(view, citizen_sign)
    lines.append(f"FLAGS/{', '.join(flags) or 'NONE'}")
    routing = view.routing
    if routing is not None and routing.aor:
        office = _text(routing.field_office or "")
        lines.append(f"ROUTED TO/ICE ERO {office} FIELD OFFICE ({_text(routing.aor)})")
    else:
        lines.append("ROUTED TO/ICE ERO FIELD OFFICE TO BE ASSIGNED BY THE LESC")
    return "\n".join(wrapped for line in lines for wrapped in _wrap(_text(line)))
