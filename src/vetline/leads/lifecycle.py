"""The lead lifecycle as a transition table on ``vetline.statemachine`` (an illegal move raises).

NEW (imported from a batch result) → IDENTITY_CONFIRMED (a named lead analyst confirmed
identity, after a fresh re-check of the person's records) → ASSIGNED (packaged and routed
to a field office) → one outcome from the field. A lead can also leave the pipeline:
REJECTED (the analyst found it is not this person, or the person is no longer removable),
DIVERTED (a sign of U.S. citizenship turned up: citizenship review, never enforcement) or
EXPIRED (not acted on before its expiry date: it must be re-vetted, reference §11.3) or
TO_VETTING (the re-check found the person in a jail's custody: the vetting centre's
detainer path, reference §11.2, not an at-large arrest).

Why guards and not ``if`` statements in the service: the rules that keep a wrong lead from
reaching the street (a confirmer, no citizenship sign, a measured precision, a package and
an office before assignment, a note with every outcome) live beside the table they guard,
and ``IllegalTransition`` names the rule that refused.

Edit here: a state, a move or a guard.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final

from vetline.statemachine import Guard, IllegalTransition, StateMachine

__all__ = [
    "CLOSED",
    "LIFECYCLE",
    "OPEN",
    "OUTCOMES",
    "IllegalTransition",
    "LeadState",
]


class LeadState(StrEnum):
    """Where a lead is in its life."""

    NEW = "NEW"
    IDENTITY_CONFIRMED = "IDENTITY_CONFIRMED"
    ASSIGNED = "ASSIGNED"
    # Outcomes from the field (issue 16 §6): each needs a note.
    ARRESTED = "ARRESTED"
    NOT_LOCATED = "NOT_LOCATED"
    US_CITIZEN = "US_CITIZEN"
    LAWFUL_STATUS = "LAWFUL_STATUS"
    WRONG_PERSON = "WRONG_PERSON"
    CLOSED_OTHER = "CLOSED_OTHER"
    # Ways out before the field.
    REJECTED = "REJECTED"
    DIVERTED = "DIVERTED"
    EXPIRED = "EXPIRED"
    TO_VETTING = "TO_VETTING"  # in custody now: a vetting-centre case, not an at-large lead


OUTCOMES: Final = frozenset(
    {
        LeadState.ARRESTED,
        LeadState.NOT_LOCATED,
        LeadState.US_CITIZEN,
        LeadState.LAWFUL_STATUS,
        LeadState.WRONG_PERSON,
        LeadState.CLOSED_OTHER,
    }
)
OPEN: Final = frozenset({LeadState.NEW, LeadState.IDENTITY_CONFIRMED, LeadState.ASSIGNED})
CLOSED: Final = frozenset(LeadState) - OPEN
#: What the field has been told about: a field officer sees these states only.
IN_THE_FIELD: Final = frozenset({LeadState.ASSIGNED, *OUTCOMES})

_EXITS: Final = frozenset(
    {LeadState.REJECTED, LeadState.DIVERTED, LeadState.EXPIRED, LeadState.TO_VETTING}
)

TRANSITIONS: Final[dict[LeadState, frozenset[LeadState]]] = {
    LeadState.NEW: frozenset({LeadState.IDENTITY_CONFIRMED, *_EXITS}),
    LeadState.IDENTITY_CONFIRMED: frozenset({LeadState.ASSIGNED, *_EXITS}),
    LeadState.ASSIGNED: frozenset({*OUTCOMES, LeadState.EXPIRED}),
    **{state: frozenset() for state in CLOSED},
}


def _named(key: str, what: str) -> Guard:
    def guard(context: Mapping[str, Any]) -> str | None:
        value = context.get(key)
        return None if isinstance(value, str) and value.strip() else f"{what} is required"

    return guard


def _recheck_clear(context: Mapping[str, Any]) -> str | None:
    """Confirmation rests on a fresh re-check: the person found, removable, no citizenship
    sign (a sign diverts instead, reference §5.7 and §6.3)."""
    snapshot = context.get("snapshot")
    if snapshot is None:
        return "a fresh re-check of the person's records is required"
    if not snapshot.found:
        return "the person is not in the records any more (identity drift): re-vet"
    if snapshot.citizenship_sign:
        return f"a sign of U.S. citizenship: {snapshot.citizenship_sign}"
    if not snapshot.identity_holds:
        return snapshot.identity_note or "the identity does not hold on re-resolution"
    if not snapshot.removable:
        return f"not removable as of {snapshot.as_of}: {snapshot.status_code}"
    return None


def _sample_passed(context: Mapping[str, Any]) -> str | None:
    """Leads of a job go out only once humans measured the job's strong-band precision."""
    why = context.get("precision_gate")
    return why if isinstance(why, str) else None


def _ready_to_assign(context: Mapping[str, Any]) -> str | None:
    if not context.get("aor"):
        return "no field office: the route is undetermined, name the AOR"
    if not context.get("package_sha256"):
        return "the referral package is not built"
    if context.get("expired"):
        return "the lead has expired: it must be re-vetted"
    return None


def _not_a_citizen(context: Mapping[str, Any]) -> str | None:
    snapshot = context.get("snapshot")
    if snapshot is not None and snapshot.citizenship_sign:
        return f"a sign of U.S. citizenship ({snapshot.citizenship_sign}): divert it"
    return None


_OUTCOME_GUARDS: dict[tuple[LeadState, LeadState], tuple[Guard, ...]] = {
    (LeadState.ASSIGNED, outcome): (_named("note", "a note on the outcome"),)
    for outcome in OUTCOMES
}

#: The lead lifecycle on the project's one state-machine mechanism.
LIFECYCLE: Final[StateMachine[LeadState]] = StateMachine(
    "lead",
    LeadState,
    TRANSITIONS,
    guards={
        (LeadState.NEW, LeadState.IDENTITY_CONFIRMED): (
            _named("by", "a named lead analyst"),
            _recheck_clear,
        ),
        (LeadState.NEW, LeadState.REJECTED): (_named("note", "a reason"),),
        (LeadState.IDENTITY_CONFIRMED, LeadState.REJECTED): (_named("note", "a reason"),),
        (LeadState.IDENTITY_CONFIRMED, LeadState.ASSIGNED): (
            _named("by", "a named lead analyst"),
            _not_a_citizen,
            _sample_passed,
            _ready_to_assign,
        ),
        **_OUTCOME_GUARDS,
    },
)
