"""Flags an officer must see, the priority tier, and the recommended action.

The gates are one readable decision list (:data:`GATES`, each gate a labelled rule with
its citation) so that the safety properties can be checked by eye: no enforcement action
without a removable assessment, none for a possible citizen, none on a NO_RECORD, a
detainer only for a POSITIVE identity in custody, and a protected status or an
unestablished (UNKNOWN) status always goes to a supervisor instead of
an automatic action.

Identity follows the form's law (DHS Form I-247A (02/17) box 1, reference §4.2, §11.2;
issue 11 item 3). A detainer, and a request for notification (I-247A replaced I-247N on
2 April 2017, so it rests on the same probable-cause box), needs basis 3, biometric
confirmation of identity, or bases 1-2, a final order / pending proceedings tied to the
person: an identifier agreement counts for 1-2 only when the order or proceedings record
itself carries the identifier that agreed (``RecommendationInput.order_tied``); else the
answer is BIOMETRIC_CONFIRMATION. A biographic-only identity (name, date of birth,
birthplace) never carries any enforcement action, a lead or a conditional referral:
"foreign-born no-matches in databases do not suffice for probable cause" (ICE Policy
10074.2) and name-based matches are what Gonzalez v. ICE found unreliable (§6.1).

Edit here: a new recommendation is one :class:`Gate` in :data:`GATES`, placed below every
safety gate it must not bypass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from vetline.status.grounds import Charge
from vetline.status.history import RecordRef
from vetline.status.policy import Policy, match_at_least
from vetline.status.result import Ground, Recommendation
from vetline.vocab import Action, Assessment, Flag, IdentityBasis, MatchLevel, StatusCode


@dataclass(frozen=True)
class RecommendationInput:
    match_level: MatchLevel
    has_records: bool
    status: StatusCode
    assessment: Assessment
    grounds: Sequence[Ground]
    flags: frozenset[Flag]
    citizenship_signs: Sequence[str]
    protected: Sequence[str]
    convictions: Sequence[Charge]
    to_resolve: Sequence[str]
    assessment_reason: str
    #: What ties the subject to this person; None when the caller does not say (the match
    #: level alone then gates, as before). BIOGRAPHIC or NONE never supports enforcement.
    identity_basis: IdentityBasis | None = None
    #: The final-order / proceedings / removal records behind the status that carry an
    #: identifier the query gave and that agreed (I-247A bases 1-2 with an IDENTIFIER
    #: identity). Empty: no such record, or the caller cannot tell.
    order_tied: tuple[RecordRef, ...] = ()
    #: Persons that may be the subject (``Resolution.possible``) whose records were read:
    #: the identity is ambiguous, so only fingerprints may settle it before enforcement.
    possible_persons: tuple[str, ...] = ()


#: Statuses that are themselves I-247A box-1 bases 1 (final order) and 2 (proceedings).
ORDER_BASES: dict[StatusCode, str] = {
    StatusCode.FINAL_ORDER: "basis 1 (a final order of removal)",
    StatusCode.REMOVED_AND_REENTERED: "basis 1 (a final order of removal, reinstated under "
    "INA 241(a)(5))",
    StatusCode.IN_PROCEEDINGS: "basis 2 (pending removal proceedings)",
}
BIOMETRIC_BASIS = (
    "I-247A basis 3 (biometric confirmation of identity and a records check of federal databases)"
)
WEAK_IDENTITY = (IdentityBasis.BIOGRAPHIC, IdentityBasis.NONE)


def custody_basis(inp: RecommendationInput) -> str | None:
    """The I-247A box-1 basis a detainer or notification request would rest on, or None.

    ``identity_basis`` None: the caller did not say what ties the identity (evaluation
    over ground-truth identities); the match level alone gates, as before.
    """
    if inp.identity_basis is None:
        return "identity given by the caller"
    if inp.identity_basis is IdentityBasis.BIOMETRIC:
        return BIOMETRIC_BASIS
    if inp.identity_basis is IdentityBasis.IDENTIFIER and inp.order_tied:
        refs = ", ".join(f"{r.source}/{r.record_id}" for r in inp.order_tied)
        return (
            f"I-247A {ORDER_BASES[inp.status]}, the order record ({refs}) carrying the "
            "identifier that agreed"
        )
    return None


def priority_tier(inp: RecommendationInput, policy: Policy) -> str:
    """The first policy tier whose criteria the person meets (conduct, warrants, notices)."""
    ground_refs = {
        r for g in inp.grounds if not g.pending and g.from_conviction for r in g.evidence
    }
    facts: set[str] = set()
    for c in inp.convictions:
        if c.ref in ground_refs:
            facts.update(f"conviction:{cat.value}" for cat in c.categories)
        if c.level == "FELONY":
            facts.add("felony_conviction")
    if Flag.ACTIVE_WARRANT in inp.flags:
        facts.add("warrant:ACTIVE_WARRANT")
    if Flag.INTERPOL_RED_NOTICE in inp.flags:
        facts.add("notice:INTERPOL_RED_NOTICE")
    if inp.status in {StatusCode.FINAL_ORDER, StatusCode.REMOVED_AND_REENTERED}:
        facts.add(f"history:{inp.status.value}")
    for tier in policy.tiers:
        if facts.intersection(tier.when_any):
            return tier.tier
    return policy.default_tier


NO_RECORD_REASON = (
    "No record found. NO_RECORD is not a finding that the person is removable or unlawfully "
    "present; take no immigration action on this response."
)


def _ambiguous(inp: RecommendationInput) -> str | None:
    """Why a non-biometric identity with possibly-same persons carries no enforcement.

    A "possible same person" link or a close candidate means the records may be another
    person's (the look-alike citizen only in criminal systems of issue 11 has no
    citizenship record to find): fingerprints settle who the subject is; with them
    (basis 3) the other person is a different person and the gate is passed.
    """
    if not inp.possible_persons or inp.identity_basis is IdentityBasis.BIOMETRIC:
        return None
    return (
        f"possibly-same person {', '.join(inp.possible_persons)} is on file and the identity "
        "is not biometric: a fingerprint comparison must settle who the subject is before "
        "any enforcement action, lead or referral (I-247A basis 3; issue 11)."
    )


def _identity_words(inp: RecommendationInput) -> str:
    if inp.identity_basis is None:
        return f"{inp.match_level.value} match"
    return f"{inp.match_level.value} match on a {inp.identity_basis.value.lower()} basis"


def _grounds_text(grounds: Sequence[Ground]) -> str:
    return ", ".join(f"INA {g.ina} ({g.label})" for g in grounds)


@dataclass(frozen=True, slots=True)
class Situation:
    """What every gate reads: the input, the policy and the words shared by several gates."""

    inp: RecommendationInput
    policy: Policy

    @property
    def grounds(self) -> str:
        return _grounds_text(self.inp.grounds)

    @property
    def tier(self) -> str:
        return priority_tier(self.inp, self.policy)

    def at_least(self, gate_level: MatchLevel) -> bool:
        return match_at_least(self.inp.match_level, gate_level)


@dataclass(frozen=True, slots=True)
class Gate:
    """One line of the decision list: its label, the law or policy it rests on, and the
    decision (a recommendation, or None to pass to the next gate)."""

    label: str
    citation: str
    decide: Callable[[Situation], Recommendation | None]


def recommend(inp: RecommendationInput, policy: Policy) -> Recommendation:
    """The action an officer should consider, with the reason in plain words.

    The first gate of :data:`GATES` that decides gives the recommendation, labelled with
    that gate (``Recommendation.rule``).
    """
    situation = Situation(inp, policy)
    for gate in GATES:
        decided = gate.decide(situation)
        if decided is not None:
            return replace(decided, rule=gate.label)
    raise AssertionError("the last gate always decides")  # pragma: no cover


def _no_record(s: Situation) -> Recommendation | None:
    if s.inp.match_level is MatchLevel.NO_RECORD or not s.inp.has_records:
        return Recommendation(Action.NO_ACTION, NO_RECORD_REASON)
    return None


def _possible_citizen(s: Situation) -> Recommendation | None:
    if Flag.POSSIBLE_US_CITIZEN not in s.inp.flags:
        return None
    return Recommendation(
        Action.CITIZENSHIP_REVIEW,
        "Possible U.S. citizen (" + "; ".join(s.inp.citizenship_signs) + "). No immigration "
        "enforcement action: route to citizenship review (ICE Directive 16001.2) and "
        "consult counsel before any contact about status.",
    )


def _removable(s: Situation) -> bool:
    return s.inp.assessment is Assessment.REMOVABLE


def _if_convicted(s: Situation) -> bool:
    return s.inp.assessment is Assessment.REMOVABLE_IF_CONVICTED


def _removable_protected(s: Situation) -> Recommendation | None:
    if not _removable(s) or Flag.PROTECTED_STATUS not in s.inp.flags:
        return None
    return Recommendation(
        Action.NO_ACTION,
        f"Appears removable on {s.grounds}, but holds a protected status "
        f"({', '.join(s.inp.protected)}): no automatic action; a supervisor must review "
        "the protection (INA 244, 8 U.S.C. 1367) before any enforcement.",
        s.tier,
        supervisory_review=True,
    )


def _removable_unknown_status(s: Situation) -> Recommendation | None:
    # Only a status-ending record (terminated conditional residence) makes an UNKNOWN
    # removable; that termination is reviewed de novo by an immigration judge in
    # proceedings USCIS starts, so the officer confirms, never acts alone.
    if not _removable(s) or s.inp.status is not StatusCode.UNKNOWN:
        return None
    return Recommendation(
        Action.NO_ACTION,
        f"Appears removable on {s.grounds}, but no current status is established: no "
        "automatic action. Confirm from the A-file that no I-751 petition, waiver or "
        "immigration-judge review of the termination is pending (INA 216(c)(3)(D), "
        "8 CFR 216.5(f)) before any referral.",
        s.tier,
        supervisory_review=True,
    )


def _removable_biographic(s: Situation) -> Recommendation | None:
    # Principle 2: name, date of birth and birthplace agreeing never make an identity
    # strong enough for enforcement; fingerprints must tie it first.
    if not _removable(s) or s.inp.identity_basis not in WEAK_IDENTITY:
        return None
    return Recommendation(
        Action.BIOMETRIC_CONFIRMATION,
        f"Appears removable on {s.grounds}, but the identity rests on biographic "
        "agreement only (name, date of birth, birthplace): confirm it by a "
        "fingerprint comparison (I-247A basis 3) before any enforcement action, "
        "a lead or a referral; the candidate persons are listed with the match "
        "(ICE Policy 10074.2: database no-matches do not suffice; Gonzalez v. ICE).",
        s.tier,
    )


def _removable_ambiguous(s: Situation) -> Recommendation | None:
    ambiguous = _ambiguous(s.inp)
    if not _removable(s) or ambiguous is None:
        return None
    return Recommendation(
        Action.BIOMETRIC_CONFIRMATION, f"Appears removable on {s.grounds}, but {ambiguous}", s.tier
    )


def _custody_without_basis(s: Situation) -> Recommendation | None:
    inp = s.inp
    if not _removable(s) or Flag.IN_CUSTODY not in inp.flags or custody_basis(inp) is not None:
        return None
    order = (
        "the order or proceedings record does not carry the identifier that agreed"
        if inp.status in ORDER_BASES
        else "there is no final order or pending proceedings (bases 1-2)"
    )
    return Recommendation(
        Action.BIOMETRIC_CONFIRMATION,
        f"In custody and appears removable on {s.grounds}; the identity rests on an "
        f"identifier agreement and {order}. A detainer or request for notification "
        "(Form I-247A, box 1) needs biometric confirmation of identity (basis 3): "
        "compare the booking fingerprints first.",
        s.tier,
    )


def _detainer(s: Situation) -> Recommendation | None:
    inp = s.inp
    if not (
        _removable(s)
        and Flag.IN_CUSTODY in inp.flags
        and s.at_least(s.policy.gates.detainer_min_match)
    ):
        return None
    return Recommendation(
        Action.DETAINER,
        f"POSITIVE identity, in custody, appears removable on {s.grounds}; probable "
        f"cause on {custody_basis(inp)}. An officer must confirm identity and the grounds "
        "from the A-file (not from database checks alone) and sign an I-200 or I-205 "
        "before issuing an I-247A (ICE Policy 10074.2).",
        s.tier,
    )


def _notification(s: Situation) -> Recommendation | None:
    inp = s.inp
    if not (
        _removable(s)
        and Flag.IN_CUSTODY in inp.flags
        and s.at_least(s.policy.gates.notification_min_match)
    ):
        return None
    return Recommendation(
        Action.NOTIFICATION_REQUEST,
        f"In custody and appears removable on {s.grounds}, but identity is "
        f"{inp.match_level.value}, not POSITIVE: request notification of release "
        f"({custody_basis(inp)}) and confirm identity biometrically.",
        s.tier,
    )


def _lead(s: Situation) -> Recommendation | None:
    inp = s.inp
    if not (
        _removable(s)
        and Flag.IN_CUSTODY not in inp.flags
        and s.at_least(s.policy.gates.lead_min_match)
    ):
        return None
    return Recommendation(
        Action.LEAD_REFERRAL,
        f"Not in custody; appears removable on {s.grounds}: refer as a lead for "
        f"field review (identity: {_identity_words(inp)}; the field office confirms "
        "it by fingerprints before any arrest, reference §11.3).",
        s.tier,
    )


def _removable_weak_match(s: Situation) -> Recommendation | None:
    if not _removable(s):
        return None
    return Recommendation(
        Action.NO_ACTION,
        f"Appears removable on {s.grounds}, but identity is only "
        f"{s.inp.match_level.value}: confirm identity (biometrics) before any action.",
    )


def _conditional_protected(s: Situation) -> Recommendation | None:
    if not _if_convicted(s) or Flag.PROTECTED_STATUS not in s.inp.flags:
        return None
    return Recommendation(
        Action.NO_ACTION,
        f"Pending charges would be {s.grounds} if convicted, but a protected status "
        f"({', '.join(s.inp.protected)}) requires supervisory review.",
        supervisory_review=True,
    )


def _conditional_biographic(s: Situation) -> Recommendation | None:
    if not _if_convicted(s) or s.inp.identity_basis not in WEAK_IDENTITY:
        return None
    return Recommendation(
        Action.BIOMETRIC_CONFIRMATION,
        f"Pending charges would be {s.grounds} if convicted (INA 101(a)(48)), but the "
        "identity rests on biographic agreement only: confirm it by a fingerprint "
        "comparison before any referral (reference §5.6, §11.2; I-247A basis 3).",
    )


def _conditional_ambiguous(s: Situation) -> Recommendation | None:
    ambiguous = _ambiguous(s.inp)
    if not _if_convicted(s) or ambiguous is None:
        return None
    return Recommendation(
        Action.BIOMETRIC_CONFIRMATION,
        f"Pending charges would be {s.grounds} if convicted, but {ambiguous}",
    )


def _conditional_weak_match(s: Situation) -> Recommendation | None:
    if not _if_convicted(s) or s.at_least(s.policy.gates.notification_min_match):
        return None
    return Recommendation(
        Action.NO_ACTION,
        f"Pending charges would be {s.grounds} if convicted; identity is only "
        f"{s.inp.match_level.value}: confirm identity first.",
    )


def _conditional_referral(s: Situation) -> Recommendation | None:
    if not _if_convicted(s):
        return None
    return Recommendation(
        Action.CONDITIONAL_REFERRAL,
        f"Not removable today. Pending charges would be {s.grounds} if they end in a "
        "conviction (INA 101(a)(48)): follow the disposition; this referral is not a "
        "removability finding.",
        s.tier,
    )


def _not_removable(s: Situation) -> Recommendation | None:
    inp = s.inp
    extra = f" To resolve: {'; '.join(inp.to_resolve)}." if inp.to_resolve else ""
    supervisory = Flag.PROTECTED_STATUS in inp.flags
    if supervisory:
        extra += f" Protected status ({', '.join(inp.protected)}): supervisory review."
    return Recommendation(
        Action.NO_ACTION, f"{inp.assessment_reason}{extra}", supervisory_review=supervisory
    )


#: The decision list, in order: the first gate that decides gives the recommendation.
#: Safety gates come first (no record, citizenship, protection, weak or ambiguous
#: identity) so no enforcement gate below them can be reached past one of them.
GATES: tuple[Gate, ...] = (
    Gate("no record", "NO_RECORD is not a finding (reference §6.3)", _no_record),
    Gate("possible U.S. citizen", "ICE Directive 16001.2", _possible_citizen),
    Gate("removable, protected status", "INA 244; 8 U.S.C. 1367", _removable_protected),
    Gate("removable, no status established", "INA 216(c)(3)(D); 8 CFR 216.5(f)",
         _removable_unknown_status),
    Gate("removable, biographic identity", "I-247A basis 3; ICE Policy 10074.2",
         _removable_biographic),
    Gate("removable, possibly-same person", "I-247A basis 3", _removable_ambiguous),
    Gate("in custody, no probable-cause basis", "I-247A box 1", _custody_without_basis),
    Gate("detainer", "INA 287(d); 8 CFR 287.7; ICE Policy 10074.2", _detainer),
    Gate("request for notification", "8 CFR 287.7; I-247A box 1", _notification),
    Gate("lead referral", "reference §11.3", _lead),
    Gate("removable, identity too weak", "principle 1 (precision before recall)",
         _removable_weak_match),
    Gate("removable if convicted, protected status", "INA 244; 8 U.S.C. 1367",
         _conditional_protected),
    Gate("removable if convicted, biographic identity", "I-247A basis 3",
         _conditional_biographic),
    Gate("removable if convicted, possibly-same person", "I-247A basis 3",
         _conditional_ambiguous),
    Gate("removable if convicted, identity too weak", "principle 1",
         _conditional_weak_match),
    Gate("conditional referral", "INA 101(a)(48); reference §5.6", _conditional_referral),
    Gate("not removable", "the removability finding", _not_removable),
)  # fmt: skip
