"""Pure: a person-core outcome → the band and the contract's result columns (docs/batch-results.md).

Bands (reference §11.3 item 2): STRONG (a person confirmed by a human may become a lead),
REVIEW (a human looks before anything), WEAK (below the review threshold: auto-rejected,
but sampled for audit to estimate misses), NONE (no candidate), REJECTED (unusable row).

``lead_candidate`` is the guard the last attempt got wrong: it needs the STRONG band
*and* an identity that does not rest on biographic agreement alone (brief principle 2,
I-247A basis 3) *and* a removable assessment whose recommendation is an enforcement
action *and* no citizenship sign anywhere in what was read (the matched person, parents,
possibly-same persons: principle 2, evidence towards citizenship counts from any record
that MAY be this person) *and* no analyst review asked. Even then it is only a
candidate: nothing becomes a lead before a person confirms the identity (issue 16 item 4).

Edit here: the band rules (``band_of``), what counts as a citizenship sign
(``citizenship_signs``), the lead-candidate guard (``is_lead_candidate``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any, Final

from vetline.batch.policy import Bands, BatchPolicy
from vetline.person import Assessed
from vetline.priority import PriorityWeights, priority_of
from vetline.status.result import Direction
from vetline.vocab import (
    CITIZEN_STATUSES,
    ENFORCEMENT_ACTIONS,
    Action,
    Assessment,
    Flag,
    IdentityBasis,
    MatchLevel,
)

STRONG: Final = "STRONG"
REVIEW: Final = "REVIEW"
WEAK: Final = "WEAK"
NONE: Final = "NONE"
REJECTED: Final = "REJECTED"
BANDS: Final[tuple[str, ...]] = (STRONG, REVIEW, WEAK, NONE, REJECTED)

#: Result columns of results.parquet, in order (docs/batch-results.md).
RESULT_COLUMNS: Final[tuple[str, ...]] = (
    "row_number", "list_ref", "match_band", "person_id", "probability", "status_code",
    "removable", "removability", "flags", "priority", "priority_reasons", "reasons",
    "identity_basis", "lead_candidate", "needs_review", "citizenship_sign",
)  # fmt: skip
#: Working columns kept in the chunks for the citizenship list and the audit sample.
EXTRA_COLUMNS: Final[tuple[str, ...]] = ("line", "citizenship_reasons", "best_candidate")


def band_of(level: MatchLevel, probability: float, needs_review: bool, bands: Bands) -> str:
    """The band of one resolution (thresholds from ``data/batch.toml`` ``[bands]``)."""
    sure = level in (MatchLevel.POSITIVE, MatchLevel.PROBABLE)
    if sure and probability >= bands.strong_min_probability and not needs_review:
        return STRONG
    if probability >= bands.review_min_probability or (sure and needs_review):
        return REVIEW
    if probability >= bands.weak_min_probability and probability > 0:
        return WEAK
    return NONE


def citizenship_signs(outcome: Assessed) -> list[str]:
    """Every sign of U.S. citizenship in what the person core read, in words."""
    a = outcome.assessment
    signs: list[str] = []
    if outcome.found.rows and a.status.code in CITIZEN_STATUSES:
        signs.append(f"status {a.status.code.value}: {a.status.summary}")
    if Flag.POSSIBLE_US_CITIZEN in a.flags:
        signs.append("flag POSSIBLE_US_CITIZEN")
    if a.recommendation.action is Action.CITIZENSHIP_REVIEW:
        signs.append(f"recommendation CITIZENSHIP_REVIEW: {a.recommendation.reason}")
    signs += [
        f"possible same person {n.person_id}: {n.text}"
        for n in a.possible
        if n.direction is Direction.CITIZENSHIP
    ]
    return signs


def is_lead_candidate(
    band: str, basis: IdentityBasis, removable: bool | None, action: Action,
    citizenship: bool, needs_review: bool,
) -> bool:  # fmt: skip
    """The lead-candidate guard (module docstring): every condition is necessary."""
    return (
        band == STRONG
        and basis in (IdentityBasis.BIOMETRIC, IdentityBasis.IDENTIFIER)
        and removable is True
        and action in ENFORCEMENT_ACTIONS
        and not citizenship
        and not needs_review
    )


def strongest_reasons(explanation: list[dict[str, Any]], n: int = 3) -> str:
    """The ``n`` comparisons that weighed most (either way), as ``field: label (±w)``."""
    steps = [s for s in explanation if s.get("field") != "prior"]
    steps.sort(key=lambda s: -abs(float(s.get("weight") or 0.0)))
    return ";".join(
        f"{s.get('field')}: {s.get('comparison')} ({float(s.get('weight') or 0.0):+.2f})"
        for s in steps[:n]
    )


def result_of(
    row_number: int,
    list_ref: str | None,
    outcome: Assessed,
    as_of: date,
    policy: BatchPolicy,
    categories: Mapping[str, Collection[str]],
    weights: PriorityWeights | None = None,
) -> dict[str, Any]:
    """The result row (contract columns + ``EXTRA_COLUMNS``) of one worked-out row.

    ``weights``: ``policy.weights()`` when the caller already holds them (a job builds
    them once, not once per row)."""
    res, a = outcome.resolution, outcome.assessment
    band = band_of(res.level, res.probability, res.needs_review, policy.bands)
    read = res.level is not MatchLevel.NO_RECORD and bool(outcome.found.rows)
    signs = citizenship_signs(outcome)
    removable = (a.removability.assessment is Assessment.REMOVABLE) if read else None
    needs_review = res.needs_review or band == REVIEW
    priority = (
        priority_of(outcome.found.rows, as_of, categories, weights or policy.weights())
        if read and band in (STRONG, REVIEW)
        else None
    )
    grounds = [g.ina + (" (if convicted)" if g.pending else "") for g in a.removability.grounds]
    return {
        "row_number": row_number,
        "list_ref": list_ref,
        "match_band": band,
        "person_id": res.person_id,
        "probability": float(res.probability),
        "status_code": a.status.code.value if read else None,
        "removable": removable,
        "removability": "; ".join(grounds) if read else None,
        "flags": ";".join(f.value for f in a.flags),
        "priority": priority.score if priority else None,
        "priority_reasons": priority.reasons_text() if priority else "",
        "reasons": strongest_reasons(res.explanation),
        "identity_basis": res.basis.value,
        "lead_candidate": is_lead_candidate(
            band, res.basis, removable, a.recommendation.action, bool(signs), needs_review
        ),
        "needs_review": needs_review,
        "citizenship_sign": bool(signs),
        "citizenship_reasons": " | ".join(signs),
        "best_candidate": res.candidates[0][0] if res.candidates else None,
    }


def rejected_result(row_number: int, list_ref: str | None, line: int, why: str) -> dict[str, Any]:
    """The one result row of a rejected input row (its reasons in the rejects file too)."""
    return {
        "row_number": row_number, "list_ref": list_ref, "match_band": REJECTED,
        "person_id": None, "probability": None, "status_code": None, "removable": None,
        "removability": None, "flags": "", "priority": None, "priority_reasons": "",
        "reasons": why, "identity_basis": IdentityBasis.NONE.value, "lead_candidate": False,
        "needs_review": False, "citizenship_sign": False, "citizenship_reasons": "",
        "best_candidate": None, "line": line,
    }  # fmt: skip
