"""The vetting centre's hard rules: each a labelled object with its citation, pure.

Why labelled objects: a refusal must say which rule refused and on what authority, the way
the status engine's gates do (``vetline.status.recommend``); the state machine's guards
(``states.py``) run these rules in order and the first refusal names itself. The facts a
rule reads are plain data built from the case (``facts.py``), so each rule is tested
without a database (tests/vetting/test_rules.py, and hypothesis over random sequences).

Edit here: a rule (its label, citation and check), or which moves run it
(``APPROVAL_RULES``, ``ISSUE_RULES``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from vetline.documents import CancellationReason, ProbableCauseBasis, WarrantKind
from vetline.vocab import IdentityBasis

DETAINER, NOTIFICATION = "DETAINER", "NOTIFICATION"
LEAD_REFERRAL, CONDITIONAL_REFERRAL, NO_ACTION = (
    "LEAD_REFERRAL",
    "CONDITIONAL_REFERRAL",
    "NO_ACTION",
)
KINDS: Final = (DETAINER, NOTIFICATION, LEAD_REFERRAL, CONDITIONAL_REFERRAL, NO_ACTION)
#: Kinds that put enforcement in motion (vocab.ENFORCEMENT_ACTIONS, by request kind).
ENFORCEMENT: Final = frozenset({DETAINER, NOTIFICATION, LEAD_REFERRAL, CONDITIONAL_REFERRAL})
#: Kinds a supervisor other than the drafter approves before issue (issue 15 item 3).
TWO_PERSON: Final = frozenset({DETAINER, NOTIFICATION})
#: What documents a biographic-only identity beyond the database (reference §11.2 item 5).
ADDITIONAL_BASES: Final = ("INTERVIEW", "A_FILE_REVIEW", "FINAL_ORDER")
#: No-action reason codes.
NO_ACTION_REASONS: Final = (
    "NOT_REMOVABLE",
    "LAWFUL_STATUS",
    "USC_CONFIRMED",
    "WRONG_PERSON",
    "NOT_A_PRIORITY",
    "INSUFFICIENT_EVIDENCE",
    "OTHER",
)
SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Facts:
    """What the rules read about one request (or case) at the moment of a move."""

    kind: str = NO_ACTION
    actor_id: str | None = None
    actor_role: str | None = None
    drafter_id: str | None = None
    person_id: str | None = None
    identity_basis: str = IdentityBasis.NONE.value
    pc_bases: tuple[str, ...] = ()
    pc_detail: str = ""
    additional_basis: str | None = None
    warrant_kind: str | None = None
    warrant_number: str | None = None
    warrant_signed_on: str | None = None
    citizenship_sign: bool = False  # an engine sign not cleared by a reviewer
    citizenship_item_open: bool = False  # the checklist's citizenship screen not confirmed
    open_claim: bool = False
    protected: bool = False
    in_custody: bool = False
    criminal_arrest: bool = False
    held: bool = False
    unmarked_records: int = 0
    same_person_records: int = 0
    pending_items: tuple[str, ...] = ()
    reason_code: str | None = None
    cancel_reason: str | None = None
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """One rule: its label, its authority, the kinds it applies to, and its check."""

    label: str
    citation: str
    check: Callable[[Facts], str | None]
    kinds: frozenset[str] = frozenset(KINDS)

    def refusal(self, facts: Facts) -> str | None:
        """Why ``facts`` break this rule (label and citation included), or ``None``."""
        if facts.kind not in self.kinds:
            return None
        why = self.check(facts)
        return None if why is None else f"{why} [{self.label}; {self.citation}]"


def _citizenship(f: Facts) -> str | None:
    if f.open_claim:
        return "an open citizenship claim stops every enforcement step until it is determined"
    if f.citizenship_sign:
        return "the records carry a sign of U.S. citizenship: citizenship review first"
    if f.citizenship_item_open:
        return "the citizenship screen of the checklist is not confirmed"
    return None


def _pc_bases(f: Facts) -> str | None:
    known = {b.value for b in ProbableCauseBasis}
    for basis in f.pc_bases:
        if basis == "FOREIGN_BORN_NO_MATCH":
            return "a foreign birthplace with no database match is not probable cause"
        if basis not in known:
            return f"unknown probable-cause basis {basis!r}; one of {', '.join(sorted(known))}"
    if not f.pc_bases:
        return "a detainer needs one of the I-247A's four probable-cause bases"
    if not f.pc_detail.strip():
        return "the probable-cause basis needs its written detail"
    return None


def _warrant(f: Facts) -> str | None:
    if f.warrant_kind not in {w.value for w in WarrantKind}:
        return "a detainer needs a linked administrative warrant (I-200 or I-205)"
    if not (f.warrant_number or "").strip() or not f.warrant_signed_on:
        return "the warrant record needs its number and signing date"
    if f.warrant_kind == WarrantKind.I_205 and ProbableCauseBasis.FINAL_ORDER not in f.pc_bases:
        return "an I-205 warrant of removal rests on a final order: tick that basis"
    return None


def _biometric_for_3(f: Facts) -> str | None:
    biometric = f.identity_basis == IdentityBasis.BIOMETRIC
    if ProbableCauseBasis.BIOMETRIC_AND_RECORDS in f.pc_bases and not biometric:
        return "basis 3 needs a biometric confirmation of identity; this identity is not"
    return None


def _additional(f: Facts) -> str | None:
    if f.identity_basis == IdentityBasis.BIOMETRIC:
        return None
    if f.additional_basis not in ADDITIONAL_BASES:
        return (
            "a biographic identity needs a documented additional basis ("
            + ", ".join(ADDITIONAL_BASES)
            + "): database records alone do not suffice"
        )
    return None


def _identity(f: Facts) -> str | None:
    if f.person_id is None:
        return "no person is identified: NO_RECORD never supports enforcement"
    if f.unmarked_records:
        return f"{f.unmarked_records} record(s) not yet marked same person / not this person"
    if f.same_person_records == 0:
        return "no record is marked as the same person"
    return None


def _custody(f: Facts) -> str | None:
    if not f.in_custody:
        return "the subject is not in the agency's custody: only a lead referral is possible"
    if not f.criminal_arrest:
        return "a detainer needs an arrest on a criminal charge, not an investigation alone"
    return None


def _two_person(f: Facts) -> str | None:
    if f.actor_role != SUPERVISOR:
        return "only a supervisor approves a request"
    if f.actor_id is not None and f.actor_id == f.drafter_id:
        return "the drafting officer can never approve their own request"
    return None


def _held(f: Facts) -> str | None:
    return "on hold while a citizenship claim is reviewed" if f.held else None


def _needs_no_approval(f: Facts) -> str | None:
    if f.kind in TWO_PERSON:
        return f"a {f.kind} is approved by a supervisor other than the drafter before issue"
    if f.protected:
        return "protected status (TPS, DACA, pending asylum, U/T, VAWA): a supervisor signs off"
    return None


def _no_action_reason(f: Facts) -> str | None:
    if f.reason_code not in NO_ACTION_REASONS:
        return f"a no-action decision needs a reason code: one of {', '.join(NO_ACTION_REASONS)}"
    return None


def _cancel_reason(f: Facts) -> str | None:
    if f.cancel_reason not in {r.value for r in CancellationReason}:
        reasons = ", ".join(r.value for r in CancellationReason)
        return f"a cancellation needs a reason code: one of {reasons}"
    if f.cancel_reason == CancellationReason.OTHER and not f.note.strip():
        return "a cancellation for OTHER reasons must say the reason"
    return None


def _checklist(f: Facts) -> str | None:
    if (why := _identity(f)) is not None:
        return why
    if f.pending_items:
        return "checklist items not yet confirmed or corrected: " + ", ".join(f.pending_items)
    return None


POLICY = "ICE Policy 10074.2"
CITIZENSHIP: Final = Rule(
    "no enforcement with any citizenship sign",
    "brief principle 1; reference §5.7, §6.3",
    _citizenship,
    ENFORCEMENT,
)
IDENTITY: Final = Rule(
    "identity confirmed record by record", "reference §6.3 (wrong person)", _identity, ENFORCEMENT
)
PC_BASIS: Final = Rule(
    "probable cause from the form's four",
    f"DHS Form I-247A (02/17) box 1; {POLICY}",
    _pc_bases,
    frozenset({DETAINER}),
)
WARRANT: Final = Rule(
    "administrative warrant linked", f"{POLICY}; 8 CFR 241.2(a)(1)", _warrant, frozenset({DETAINER})
)
BIOMETRIC_BASIS_3: Final = Rule(
    "biometric identity for basis 3",
    "DHS Form I-247A (02/17) box 1 item 3",
    _biometric_for_3,
    frozenset({DETAINER}),
)
ADDITIONAL_BASIS: Final = Rule(
    "documented basis beyond databases",
    "Gonzalez v. ICE, 416 F. Supp. 3d 995; reference §11.2",
    _additional,
    frozenset({DETAINER}),
)
CUSTODY: Final = Rule(
    "in custody on a criminal arrest", f"8 CFR 287.7(a); {POLICY}", _custody, frozenset({DETAINER})
)
SUPERVISOR_OTHER: Final = Rule(
    "two-person rule", f"{POLICY}; issue 15 item 3", _two_person, frozenset(KINDS)
)
NOT_ON_HOLD: Final = Rule("citizenship-claim hold", "reference §11.2 item 7", _held)
NEEDS_NO_APPROVAL: Final = Rule(
    "supervisor sign-off", "reference §5.8; issue 15 item 3", _needs_no_approval
)
NO_ACTION_REASON: Final = Rule(
    "no action with a reason", "reference §11.2 item 3", _no_action_reason, frozenset({NO_ACTION})
)
CANCEL_REASON: Final = Rule(
    "cancellation reason code", "reference §6.3, §11.2 item 6", _cancel_reason
)
CHECKLIST_DONE: Final = Rule("blocking review", "issue 15 item 2", _checklist)

#: Run, in order, when a supervisor approves (DRAFT → APPROVED).
APPROVAL_RULES: Final = (
    SUPERVISOR_OTHER,
    NOT_ON_HOLD,
    CITIZENSHIP,
    IDENTITY,
    PC_BASIS,
    WARRANT,
    BIOMETRIC_BASIS_3,
    ADDITIONAL_BASIS,
    CUSTODY,
    NO_ACTION_REASON,
)
#: Run again at issue: a claim or a sign may have arrived since the approval.
ISSUE_RULES: Final = (
    NOT_ON_HOLD,
    CITIZENSHIP,
    IDENTITY,
    PC_BASIS,
    WARRANT,
    BIOMETRIC_BASIS_3,
    ADDITIONAL_BASIS,
    CUSTODY,
    NO_ACTION_REASON,
)


def first_refusal(rules: Sequence[Rule], facts: Facts) -> str | None:
    """The first rule ``facts`` break, as its refusal text; ``None`` when all pass."""
    for rule in rules:
        if (why := rule.refusal(facts)) is not None:
            return why
    return None


def request_guard(rules: Sequence[Rule]) -> Callable[[Mapping[str, Any]], str | None]:
    """A state-machine guard running ``rules`` over ``context["facts"]``."""

    def guard(context: Mapping[str, Any]) -> str | None:
        facts = context.get("facts")
        if not isinstance(facts, Facts):
            return "the move was asked without the request's facts"
        return first_refusal(rules, facts)

    return guard


def case_guard(rule: Rule) -> Callable[[Mapping[str, Any]], str | None]:
    """A state-machine guard running one rule over the case's facts."""
    return request_guard((rule,))
