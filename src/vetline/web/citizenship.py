"""The signs of U.S. citizenship that put the citizenship panel first and lock every
enforcement control until an analyst acknowledges them (brief, principle 1).

Pure: the query's draft (the engine's assessment) in, the signs in plain words out. A
sign counts from any record that MAY be this person (principle 2): the matched person's
flags and status, and every possibly-same person's citizenship finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vetline.vocab import CITIZEN_STATUSES, Action, Flag


@dataclass(frozen=True)
class Sign:
    """One reason to think the subject may be a U.S. citizen, with its evidence."""

    text: str
    evidence: tuple[str, ...] = ()
    citation: str | None = None


def _refs(items: Any) -> tuple[str, ...]:
    return tuple(f"{r.get('source')}|{r.get('record_id')}" for r in items or () if r)


def signs_of(draft: Mapping[str, Any] | None) -> list[Sign]:
    """Every citizenship sign in the engine's working (empty: none found)."""
    assessment = (draft or {}).get("assessment") or {}
    status = assessment.get("status") or {}
    out: list[Sign] = []
    if status.get("code") in {s.value for s in CITIZEN_STATUSES}:
        out.append(Sign(f"status {status['code']}: {status.get('summary', '')}",
                        _refs(status.get("evidence"))))  # fmt: skip
    if Flag.POSSIBLE_US_CITIZEN.value in (assessment.get("flags") or []):
        out.append(Sign("flag POSSIBLE_US_CITIZEN raised by the status engine",
                        _refs(status.get("evidence"))))  # fmt: skip
    recommendation = assessment.get("recommendation") or {}
    if recommendation.get("action") == Action.CITIZENSHIP_REVIEW.value:
        out.append(Sign(f"recommendation CITIZENSHIP_REVIEW: {recommendation.get('reason', '')}"))
    for note in assessment.get("possible_same_person") or []:
        if note.get("direction") == "CITIZENSHIP":
            out.append(Sign(f"possibly-same person {note.get('person_id')}: {note.get('text')}",
                            _refs(note.get("evidence")), note.get("citation")))  # fmt: skip
    return out
