"""Assemble the IAR JSON (``shared/spec/interfaces.md``) and its Nlets text. Pure.

Three kinds of IAR leave the desk: the automatic answer (the engine's status,
removability, flags and recommendation), the interim answer of a queued query (identity
and status withheld: "pending analyst review", so an unconfirmed match never reaches an
officer as a status), and the analyst's answer. Added to the v1 shape (by adding):
``state`` (ANSWERED | QUEUED), ``answer`` (the query type's answer), ``notes`` (intake
notes) and ``match.confirmed_by``.

The IAR leaves here typed (``vetline.desk.iar_model.IAR``, in ``Assembled``) together
with its JSON: the parts are put together as the spec's JSON from the resolver's
``Resolution``, the person core's ``Candidate`` list and ``Answer`` and the engine's
``AssessmentResult.to_iar_dict``, validated once into the model (so a part of the wrong
shape fails here, not at a reader), and the Nlets text is rendered from the model.
Readers get the model; the JSON goes only to the edges (the stored IAR column, the API's
body, ``vetline query``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vetline.desk import iar_model as m
from vetline.desk.iaq import IAQ
from vetline.desk.nlets_iar import has_citizen_sign, render_iar_text
from vetline.person.answers import Answer
from vetline.person.candidates import PROBABILITY_DIGITS, Candidate, candidates_of
from vetline.status import Flag, MatchLevel
from vetline.vocab import Action, Assessment, StatusCode

if TYPE_CHECKING:
    from vetline.resolve import Resolution


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
    """The IAR ``match`` part, as JSON, from a ``vetline.resolve.Resolution``
    (``assemble`` validates it into the typed ``Match`` with the rest of the IAR).

    Added keys (issue 11): ``basis`` (what ties the subject to the person), and the
    persons that MAY be the subject (``Resolution.possible``) shown among the candidates
    (the person core's ``candidates_of``): a candidate entry carries
    ``possible_same_person: true`` (and ``link``: the build's probability and reason for
    keeping the two apart); a linked person that was not scored against the query is
    added with ``probability: null``; and ``possible_same_person`` lists each with the
    records read for it (``possible``).
    """
    level = MatchLevel(str(resolution.level))
    no_record = level is MatchLevel.NO_RECORD
    maybe = list(dict.fromkeys(resolution.possible))
    read = possible or {}
    out: dict[str, Any] = {
        "level": level.value,
        "person_id": None if no_record else resolution.person_id,
        "probability": round(float(resolution.probability), PROBABILITY_DIGITS),
        "explanation": [] if no_record else list(resolution.explanation),
        "records": [] if no_record else _keys(resolution.records),
        "candidates": [candidate_json(c) for c in candidates_of(resolution)],
        "possible_same_person": [
            {"person_id": p, "records": _keys(read.get(p, ()))}
            for p in maybe
            if p != resolution.person_id
        ],
        "basis": str(resolution.basis),
    }
    if confirmed_by:
        out["confirmed_by"] = confirmed_by
    return out


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    """The person core's ``Candidate`` as the IAR's candidate entry (``possible_same_person``
    and ``link`` present only when they apply)."""
    entry: dict[str, Any] = {
        "person_id": candidate.person_id,
        "probability": candidate.probability,
    }
    if candidate.possible_same_person:
        entry["possible_same_person"] = True
    if (link := candidate.link) is not None:
        entry["link"] = {"probability": link.probability, "reason": link.reason}
    return entry


def _keys(keys: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"source": s, "record_id": r} for s, r in keys]


def _flags(engine_flags: Sequence[str], header: Header) -> list[str]:
    return list(dict.fromkeys([*engine_flags, *header.intake_flags]))


@dataclass(frozen=True)
class Assembled:
    """One IAR both ways: ``iar`` (typed: what the renderer, the ``on_answered`` port and
    the API read) and ``document``, its JSON key for key (the stored IAR column, reused
    as the API's body: ``iar.to_json() == document``, tested)."""

    iar: m.IAR
    document: dict[str, Any]


def assemble(
    header: Header,
    match: Mapping[str, Any],
    assessed: Mapping[str, Any],
    answer: Answer,
    *,
    state: str,
    iaq: IAQ,
) -> Assembled:
    """One IAR from its parts' JSON: ``match`` is ``match_part(...)``, ``assessed`` is
    ``AssessmentResult.to_iar_dict()`` (or ``interim``); validated once into the typed
    ``IAR``, from which the Nlets text is rendered.

    Why the JSON first and one validation, rather than the typed parts built one by one:
    an IAR is a tree of some fifty small objects; their constructors called from Python
    added ~40 µs per IAQ to the desk's CPU, one validation of the tree in pydantic's core
    costs about what the renderer's own validation of a dict cost before, and the
    renderer now reads the typed IAR instead (bench/README.md, typed IAR).
    """
    document: dict[str, Any] = {
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
    if has_citizen_sign(document["flags"], (document["status"] or {}).get("code")):
        document["removability"] = withheld_removability()
    iar = m.IAR.model_validate(document)
    text = render_iar_text(iar, dest_ori=iaq.ori, iaq=iaq) + _answer_text(answer)
    document["nlets_text"] = text
    return Assembled(iar.model_copy(update={"nlets_text": text}), document)


#: Why removability is withheld: the words both forms of the IAR carry.
WITHHELD_FOR_CITIZENSHIP = "withheld pending citizenship review"


def withheld_removability() -> dict[str, Any]:
    """Removability of a person with a sign of U.S. citizenship: no ground leaves the desk.

    The engine's grounds stay in the analyst's draft (``draft_json``); what goes to the
    agency and the field office is ``UNDETERMINED`` with the reason, so the JSON and the
    Nlets text (rendered from this same part) say the same thing.
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
            "code": StatusCode.UNKNOWN.value,
            "summary": f"Pending analyst review ({why}); a response follows.",
            "evidence": [],
        },
        "removability": {"assessment": Assessment.UNDETERMINED.value, "grounds": []},
        "flags": flags,
        "recommendation": {
            "action": (Action.CITIZENSHIP_REVIEW if citizen else Action.NO_ACTION).value,
            "requires_review": True,
            "reason": f"queued for an analyst: {why}",
        },
    }
