"""The case's view of the person core: the IAQ behind a case → ``work_out`` → checklist facts.

Every path into a case (automatic on a finalised IAR, an officer's, the sweep) and every
re-vetting runs ``vetline.person.work_out`` again on the stored IAQ, so the identity and
citizenship checks are the same ones on every path (the case-system bug class of a path
that skips them, issue 15 item 1). A correction re-runs the status engine on the records
the officer marked as this person (``corrected``): records marked "not this person" still
count towards citizenship or lawful status, as a possibly-same person's do (brief
principle 2), never towards removal.

Edit here: what a checklist line shows from the outcome (``checklist_found``), what counts
as a citizenship or protected-status sign (``citizenship_sign``, ``protected_sign``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any, Final

from vetline.desk.iaq import IAQ
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.question import question_of
from vetline.person import Outcome, Question, assess_found, work_out
from vetline.person.lookup import Found
from vetline.status import AssessmentResult, PersonHistory
from vetline.vocab import CITIZEN_STATUSES, Action, Flag, MatchLevel, StatusCode

ITEMS: Final = (
    "IDENTITY",
    "STATUS",
    "CRIMINAL",
    "CUSTODY",
    "REMOVABILITY",
    "CITIZENSHIP",
    "PROTECTED",
)
PROTECTED_STATUSES: Final = frozenset({StatusCode.TPS, StatusCode.DACA, StatusCode.ASYLUM_PENDING})
#: Person-id under which records an officer ruled out are still read (safe direction only).
RULED_OUT = "ruled-out-by-officer"


def iaq_of(query: DeskQuery) -> IAQ:
    return IAQ.model_validate_json(query.iaq_json)


def received_day(query: DeskQuery) -> date:
    return date.fromisoformat(query.received_at[:10])


def outcome_for(svc: Any, query: DeskQuery) -> Outcome:
    """The person core's working-out of the stored IAQ (reads only)."""
    return work_out(
        question_of(iaq_of(query)), svc.lookup(), received=received_day(query), policy=svc.policy
    )


def corrected(
    svc: Any, question: Question, found: Found, excluded: Iterable[tuple[str, str]], on: date
) -> AssessmentResult:
    """The status engine over the records not ruled out; ruled-out ones read as possible."""
    out = set(excluded)
    kept = [r for r in found.rows if (str(r["source"]), str(r["record_id"])) not in out]
    gone = [r for r in found.rows if (str(r["source"]), str(r["record_id"])) in out]
    possible = dict(found.possible)
    if gone:
        possible[RULED_OUT] = PersonHistory.from_rows(gone)
    again = replace(found, rows=kept, history=PersonHistory.from_rows(kept), possible=possible)
    return assess_found(again, question, on, svc.policy)


def citizenship_sign(assessment: AssessmentResult) -> bool:
    """Any sign of U.S. citizenship in the assessment (brief principle 1)."""
    return (
        Flag.POSSIBLE_US_CITIZEN in assessment.flags
        or assessment.status.code in CITIZEN_STATUSES
        or assessment.recommendation.action is Action.CITIZENSHIP_REVIEW
        or any(n.direction.value == "CITIZENSHIP" for n in assessment.possible)
    )


def protected_sign(assessment: AssessmentResult) -> bool:
    return Flag.PROTECTED_STATUS in assessment.flags or assessment.status.code in PROTECTED_STATUSES


def record_keys(found: Found) -> list[tuple[str, str]]:
    if found.resolution.level is MatchLevel.NO_RECORD:
        return []
    return [(str(r["source"]), str(r["record_id"])) for r in found.rows]


def _row(row: Mapping[str, object], names: Iterable[str]) -> dict[str, Any]:
    out = {"source": row["source"], "record_id": row["record_id"]}
    out.update({n: row.get(n) for n in names if row.get(n) not in (None, "")})
    return json.loads(json.dumps(out, default=str))  # type: ignore[no-any-return]


def checklist_found(outcome: Outcome, iaq: IAQ) -> dict[str, dict[str, Any]]:
    """What the engine found, per checklist line, as JSON."""
    res, a = outcome.found.resolution, outcome.assessment
    full = a.to_dict()
    crim = (
        "charge_code",
        "charge_text",
        "offense_level",
        "arrest_date",
        "disposition",
        "disposition_date",
        "sentence_days",
    )
    rows = outcome.found.rows
    custody = iaq.custody
    return {
        "IDENTITY": {
            "level": res.level.value,
            "basis": str(res.basis),
            "person_id": res.person_id,
            "probability": res.probability,
            "explanation": res.explanation,
            "records": [{"source": s, "record_id": r} for s, r in record_keys(outcome.found)],
        },
        "STATUS": full["status"],  # type: ignore[dict-item]
        "CRIMINAL": {"records": [_row(r, crim) for r in rows if r["source"] == "criminal"]},
        "CUSTODY": {
            "in_custody": bool(custody and custody.in_custody),
            "facility_ori": (custody.facility_ori if custody else None) or iaq.ori,
            "release_date": custody.release_date.isoformat()
            if custody and custody.release_date
            else None,
            "charges": [c.model_dump(mode="json") for c in iaq.charges],
            "records": [
                _row(r, ("facility_ori", "facility_name", "booking_date", "release_date"))
                for r in rows
                if r["source"] == "custody"
            ],
        },
        "REMOVABILITY": full["removability"],  # type: ignore[dict-item]
        "CITIZENSHIP": {
            "sign": citizenship_sign(a),
            "status": a.status.code.value,
            "flags": [f.value for f in a.flags],
            "possible": [n.to_dict() for n in a.possible if n.direction.value == "CITIZENSHIP"],
        },
        "PROTECTED": {"sign": protected_sign(a), "status": a.status.code.value},
    }


def engine_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What changed between two ``to_iar_dict`` outputs, part by part."""
    return [
        {"part": part, "before": before.get(part), "after": after.get(part)}
        for part in ("status", "removability", "flags", "recommendation")
        if before.get(part) != after.get(part)
    ]
