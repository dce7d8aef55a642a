"""Assemble the IAR JSON (``shared/spec/interfaces.md``) and its Nlets text. Pure.

Three kinds of IAR leave the desk: the automatic answer (the engine's status,
removability, flags and recommendation), the interim answer of a queued query (identity
and status withheld: "pending analyst review", so an unconfirmed match never reaches an
officer as a status), and the analyst's answer. Added to the v1 shape (by adding):
``state`` (ANSWERED | QUEUED), ``answer`` (the query type's answer), ``notes`` (intake
notes) and ``match.confirmed_by``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vetline.desk.iaq import IAQ
from vetline.desk.nlets_iar import has_citizen_sign, render_iar_text
from vetline.person.answers import Answer
from vetline.person.working import possible_records_json
from vetline.status import Flag, MatchLevel
from vetline.vocab import Action

if TYPE_CHECKING:
    from vetline.resolve import Resolution

PROBABILITY_DIGITS = 6


@dataclass(frozen=True)
class Header:
    """The parts every IAR of a query shares."""

    iar_id: str
    iaq_id: str
    received_at: str
    responded_at: str
    routing: Mapping[str, str | None]
    intake_flags: tuple[str, ...]
    notes: tuple[str, ...]


def match_part(
    resolution: Resolution,
    *,
    confirmed_by: str | None = None,
    possible: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> dict[str, Any]:
    """The IAR ``match`` part from a ``vetline.resolve.Resolution``.

    Added keys (issue 11): ``basis`` (what ties the subject to the person), and the
    persons that MAY be the subject (``Resolution.possible``) shown among the candidates:
    a candidate entry carries ``possible_same_person: true`` (and ``link``: the build's
    probability and reason for keeping the two apart); a linked person that was
    not scored against the query is added with ``probability: null``; and
    ``possible_same_person`` lists each with the records read for it (``possible``).
    """
    level = MatchLevel(str(resolution.level))
    no_record = level is MatchLevel.NO_RECORD
    maybe = list(dict.fromkeys(resolution.possible))
    # The build's "possible same person" links say why the two persons were kept apart;
    # the analyst sees it beside the candidate (issue 11: the link shown in the IAR).
    linked = {k.other_person_id: k for k in resolution.links}
    candidates: list[dict[str, Any]] = []
    for p, q in resolution.candidates:
        entry: dict[str, Any] = {"person_id": p, "probability": round(float(q), PROBABILITY_DIGITS)}
        if p in maybe:
            entry["possible_same_person"] = True
        if (link := linked.get(p)) is not None:
            entry["link"] = {
                "probability": round(link.match_probability, PROBABILITY_DIGITS),
                "reason": link.reason,
            }
        candidates.append(entry)
    scored = {c["person_id"] for c in candidates}
    candidates += [
        {"person_id": p, "probability": None, "possible_same_person": True}
        for p in maybe
        if p not in scored and p != resolution.person_id
    ]
    read = possible_records_json(possible or {})
    out: dict[str, Any] = {
        "level": level.value,
        "person_id": None if no_record else resolution.person_id,
        "probability": round(float(resolution.probability), PROBABILITY_DIGITS),
        "explanation": [] if no_record else list(resolution.explanation),
        "records": []
        if no_record
        else [{"source": s, "record_id": r} for s, r in resolution.records],
        "candidates": candidates,
        "possible_same_person": [
            {"person_id": p, "records": read.get(p, [])} for p in maybe if p != resolution.person_id
        ],
    }
    out["basis"] = str(resolution.basis)
    if confirmed_by:
        out["confirmed_by"] = confirmed_by
    return out


def _flags(engine_flags: Sequence[str], header: Header) -> list[str]:
    return list(dict.fromkeys([*engine_flags, *header.intake_flags]))


def assemble(
    header: Header,
    match: Mapping[str, Any],
    assessed: Mapping[str, Any],
    answer: Answer,
    *,
    state: str,
    iaq: IAQ,
) -> dict[str, Any]:
    """One IAR: ``assessed`` is ``AssessmentResult.to_iar_dict()`` (or an interim one)."""
    iar: dict[str, Any] = {
        "iar_id": header.iar_id,
        "iaq_id": header.iaq_id,
        "received_at": header.received_at,
        "responded_at": header.responded_at,
        "state": state,
        "match": dict(match),
        "status": assessed["status"],
        "removability": assessed["removability"],
        "flags": _flags(assessed["flags"], header),
        "recommendation": assessed["recommendation"],
        "answer": answer.to_dict(),
        "routing": dict(header.routing),
        "notes": list(header.notes),
    }
    if has_citizen_sign(iar["flags"], (iar["status"] or {}).get("code")):
        iar["removability"] = withheld_removability()
    iar["nlets_text"] = render_iar_text(iar, dest_ori=iaq.ori, iaq=iaq) + _answer_text(answer)
    return iar


#: Why removability is withheld: the words both forms of the IAR carry.
WITHHELD_FOR_CITIZENSHIP = "withheld pending citizenship review"


def withheld_removability() -> dict[str, Any]:
    """Removability of a person with a sign of U.S. citizenship: no ground leaves the desk.

    The engine's grounds stay in the analyst's draft (``draft_json``); what goes to the
    agency and the field office is ``UNDETERMINED`` with the reason, so the JSON and the
    Nlets text (rendered from this same dict) say the same thing.
    """
    return {"assessment": "UNDETERMINED", "grounds": [], "withheld": WITHHELD_FOR_CITIZENSHIP}


def _answer_text(answer: Answer) -> str:
    cite = f" ({answer.citation})" if answer.citation else ""
    text = f"\nANSWER/{answer.query_type} {answer.result}{cite}"
    return text.upper()[:200]


def interim(engine: Mapping[str, Any], reasons: Sequence[str]) -> dict[str, Any]:
    """The status part of a queued query's IAR: nothing an officer could act on.

    Flags stay (a possible citizen is told as early as possible); status and removability
    are withheld until an analyst confirms them.
    """
    flags = list(engine.get("flags", []))
    citizen = Flag.POSSIBLE_US_CITIZEN.value in flags
    why = "; ".join(reasons)
    return {
        "status": {
            "code": "UNKNOWN",
            "summary": f"Pending analyst review ({why}); a response follows.",
            "evidence": [],
        },
        "removability": {"assessment": "UNDETERMINED", "grounds": []},
        "flags": flags,
        "recommendation": {
            "action": (Action.CITIZENSHIP_REVIEW if citizen else Action.NO_ACTION).value,
            "requires_review": True,
            "reason": f"queued for an analyst: {why}",
        },
    }
