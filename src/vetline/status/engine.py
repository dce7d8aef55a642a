"""``assess``: one person's records + a date → status, removability, flags, recommendation.

Pure: no I/O and no clock. The order matters and is the safety design: the citizenship
screen runs first and can only pull towards non-enforcement; the status rules come next;
removability follows from status (admitted or not) and convictions; conflicts and missing
evidence turn the answer into UNDETERMINED rather than a guess.

``possible``: the records of persons that MAY be this one (``Resolution.possible``), read
only in the safe direction by ``possible.screen_possible`` (a citizenship sign there blocks
enforcement, a lawful status there withholds removability, anything towards removal is a
note and never a ground). When this person's own records establish no status and nothing
towards removal, a lawful status there that nothing contradicts becomes the status, saying
it rests on records that may be this person (``possible.status_from_possible``).
``identifier_records``: the records that carry an identifier the query gave and that
agreed, so a final order or proceedings can be tied to the person by identifier (I-247A
bases 1-2, ``recommend.custody_basis``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from itertools import pairwise
from typing import Any

from vetline.status.charges import RemovalCategory
from vetline.status.citizenship import screen_citizenship
from vetline.status.dates import DateSpan
from vetline.status.derive import derive_status
from vetline.status.facts import Facts
from vetline.status.grants import (
    ADMITTED_GRANTS,
    PROTECTED_CLASSES,
    Derivation,
    current_grants,
)
from vetline.status.grounds import ChargeFacts, Context, collect_charges, conviction_grounds
from vetline.status.history import Encounter, PersonHistory, RecordRef
from vetline.status.policy import Policy
from vetline.status.possible import (
    ALL_TOGETHER,
    screen_possible,
    status_from_possible,
    would_change,
)
from vetline.status.recommend import (
    NO_RECORD_REASON,
    ORDER_BASES,
    RecommendationInput,
    recommend,
)
from vetline.status.removability import (
    ADMITTED_STATUSES,
    SHIELDS,
    Decision,
    RemovabilityInput,
    decide,
)
from vetline.status.result import (
    AssessmentResult,
    Conflict,
    PossibleNote,
    Recommendation,
    Removability,
    StatusFinding,
)
from vetline.status.timeline import build_timeline
from vetline.vocab import Action, Assessment, Flag, IdentityBasis, MatchLevel, StatusCode


def _admission_date(facts: Facts, policy: Policy) -> DateSpan | None:
    """The admission the current stay rests on: the 5-year CIMT clock (237(a)(2)(A)(i)).

    Matter of Alyazji, 25 I&N Dec. 397 (BIA 2011): the clock runs from the admission by
    virtue of which the person is here, not from a later adjustment and not from an
    earlier trip that ended in a departure. That is the first lawful arrival of the last
    unbroken run of arrivals (no departure between one and the next). A departure whose
    partial date may fall on either side of an arrival widens the span over both readings,
    so the ground must hold on both. With no lawful arrival on file, the earliest admitted
    grant stands in (adjustment is an admission only when there was none before).
    """
    adm = policy.admission
    lawful = adm.immigrant | adm.nonimmigrant | adm.refugee
    arrivals = [a.when for a in facts.arrivals() if a.admission_class in lawful and a.when]
    if not arrivals:
        grants = [
            s.start
            for s in facts.status
            if s.status_class in ADMITTED_GRANTS and s.state == "GRANTED" and s.start
        ]
        return min(grants, key=lambda d: d.lo) if grants else None
    left = [d.when for d in facts.departures() if d.when is not None]
    clock = arrivals[0]
    for prev, nxt in pairwise(arrivals):
        between = [d for d in left if d.hi >= prev.lo and d.lo <= nxt.hi]
        if any(prev.hi <= d.lo and d.hi <= nxt.lo for d in between):
            clock = nxt  # that stay certainly ended: the clock starts again
        elif between:  # the departure may fall on either side: keep both readings
            clock = DateSpan(clock.lo, nxt.hi, f"{clock.text} or {nxt.text}")
    return clock


def _no_record(as_of: date, reason: str) -> AssessmentResult:
    return AssessmentResult(
        as_of=as_of,
        status=StatusFinding(StatusCode.UNKNOWN, reason, (), "no record"),
        removability=Removability(
            Assessment.UNDETERMINED, (), "No record: never evidence of removability."
        ),
        flags=(),
        recommendation=Recommendation(Action.NO_ACTION, NO_RECORD_REASON, rule="no record"),
        conflicts=(),
        to_resolve=("a biometric search and the A-file; an absent record proves nothing",),
        timeline=(),
    )


def assess(
    history: PersonHistory,
    as_of: date,
    *,
    policy: Policy,
    encounter: Encounter | None = None,
    match_level: MatchLevel = MatchLevel.POSITIVE,
    related: Mapping[str, PersonHistory] | None = None,
    identity_basis: IdentityBasis | None = None,
    possible: Mapping[str, PersonHistory] | None = None,
    identifier_records: Collection[RecordRef] = (),
    same_person: Sequence[PossibleNote] = (),
    timeline: bool = True,
) -> AssessmentResult:
    """Assess one person as of ``as_of`` (decision support: every action needs review).

    ``same_person``: why records of persons once possibly-same are in ``history`` (an
    event or the FIN tied them, ``vetline.person.corroboration``); shown with the notes.
    ``timeline=False`` leaves the result's ``timeline`` empty and changes nothing else:
    the timeline is for a reader (the IAR, the analyst's page), and a batch job's result
    row never shows it (building it was 2.5 % of a batch row's CPU).
    """
    if match_level is MatchLevel.NO_RECORD or history.empty:
        return _no_record(as_of, "No record of this person in the searched systems.")
    facts = Facts.of(history, as_of)
    screen = screen_citizenship(facts, related or {}, policy.thresholds, policy.admission.immigrant)
    maybe = screen_possible(possible or {}, related or {}, as_of, policy)
    screen.signs.extend(maybe.citizen_signs)  # only ever towards citizenship review
    charges = collect_charges(facts.criminal, encounter, policy.charges)
    illegal_entry = [
        c.ref for c in charges.convictions if RemovalCategory.ILLEGAL_ENTRY in c.categories
    ]
    derived = derive_status(facts, policy.admission, illegal_entry)
    conflicts = list(screen.conflicts) + derived.conflicts
    # A citizen status makes the other rules' open questions moot; their conflicts stay.
    to_resolve = list(screen.to_resolve) + ([] if screen.status is not None else derived.to_resolve)
    to_resolve += charges.to_resolve + maybe.to_resolve

    status = screen.status or derived.status
    assert status is not None  # derive_status always decides (UNKNOWN at worst)
    adopted = None
    if screen.status is None and not screen.signs and not conflicts:
        # own records give no status: a lawful status on possibly-same persons may
        adopted = status_from_possible(facts, status, maybe, possible or {}, related or {}, policy)
    if adopted is not None:
        status = adopted
        to_resolve = [t for t in to_resolve if t not in derived.to_resolve]
    if (
        screen.status is not None
        and derived.status is not None
        and derived.status.code
        in {StatusCode.FINAL_ORDER, StatusCode.REMOVED_AND_REENTERED, StatusCode.IN_PROCEEDINGS}
    ):
        conflicts.append(_citizen_conflict(screen.status, derived.status))

    grants = current_grants(facts)
    protected = sorted({g.status_class for g in grants if g.status_class in PROTECTED_CLASSES})
    flags = _flags(facts, encounter, bool(screen.signs), bool(protected))

    inputs = _removability_input(facts, status.code, derived, charges, policy)
    decision = decide(
        _with(
            inputs,
            citizenship_documented=screen.documented,
            possible_citizen=Flag.POSSIBLE_US_CITIZEN in flags,
        )
    )
    removal = decision.assessment in {Assessment.REMOVABLE, Assessment.REMOVABLE_IF_CONVICTED}
    if adopted is None and (removal or decision.before_the_court):
        # the conclusion must not depend on whether the possibly-same persons are this one
        readings = {
            pid: _reading(history, [h], as_of, policy, encounter, related)
            for pid, h in (possible or {}).items()
            if not h.empty
        }
        if len(readings) > 1:
            every = [h for h in (possible or {}).values() if not h.empty]
            readings[ALL_TOGETHER] = _reading(history, every, as_of, policy, encounter, related)
        lawful, other = would_change(decision, readings, maybe)
        if lawful or other:
            decision = decide(_with(inputs, possible_lawful=lawful, possible_other=other))
    to_resolve += decision.to_resolve
    if adopted is not None:
        decision.reason += (
            " The status rests on records of a possibly-same person, which may be this "
            "person (see the status and the possibly-same notes)."
        )
    rec = recommend(
        RecommendationInput(
            match_level=match_level,
            has_records=True,
            status=status.code,
            assessment=decision.assessment,
            grounds=decision.grounds,
            flags=frozenset(flags),
            citizenship_signs=[s.text for s in screen.signs],
            protected=protected,
            convictions=charges.convictions,
            to_resolve=to_resolve,
            assessment_reason=decision.reason,
            identity_basis=identity_basis,
            order_tied=_order_tied(status, identifier_records),
            possible_persons=tuple(sorted(p for p, h in (possible or {}).items() if not h.empty)),
        ),
        policy,
    )
    return AssessmentResult(
        as_of=as_of,
        status=status,
        removability=Removability(
            decision.assessment,
            tuple(decision.grounds),
            decision.reason,
            before_the_court=decision.before_the_court,
        ),
        flags=flags,
        recommendation=rec,
        conflicts=tuple(conflicts),
        to_resolve=tuple(dict.fromkeys(to_resolve)),
        timeline=build_timeline(facts) if timeline else (),
        possible=(*same_person, *maybe.notes),
    )


def _removability_input(
    facts: Facts, status: StatusCode, derived: Derivation, charges: ChargeFacts, policy: Policy
) -> RemovabilityInput:
    """What ``decide`` needs from one reading of the records (nothing from maybe-records)."""
    admission = _admission_date(facts, policy)
    admitted = status in ADMITTED_STATUSES or (
        status not in {*SHIELDS, StatusCode.ENTERED_WITHOUT_INSPECTION} and admission is not None
    )
    ctx = Context(policy.thresholds, admission, facts.as_of)
    conv_grounds, pending_grounds = conviction_grounds(charges, ctx, admitted)
    return RemovabilityInput(
        status=status,
        citizenship_documented=False,
        possible_citizen=False,
        blocking_conflict=derived.blocking,
        status_grounds=derived.grounds,
        conviction_grounds=conv_grounds,
        pending_grounds=pending_grounds,
        open_questions=charges.open_questions,
        removable_if_convicted_statuses=policy.gates.removable_if_convicted_statuses,
    )


def _reading(
    history: PersonHistory,
    others: Sequence[PersonHistory],
    as_of: date,
    policy: Policy,
    encounter: Encounter | None,
    related: Mapping[str, PersonHistory] | None,
) -> tuple[StatusCode, Decision]:
    """The removability conclusion if ``others``' records were this person's too.

    Only ever compared with this person's own conclusion (``possible.would_change``): a
    conclusion it takes away is withheld; nothing it adds is ever used.
    """
    union = PersonHistory.from_records([*history.records, *(r for h in others for r in h.records)])
    facts = Facts.of(union, as_of)
    screen = screen_citizenship(facts, related or {}, policy.thresholds, policy.admission.immigrant)
    charges = collect_charges(facts.criminal, encounter, policy.charges)
    illegal_entry = [
        c.ref for c in charges.convictions if RemovalCategory.ILLEGAL_ENTRY in c.categories
    ]
    derived = derive_status(facts, policy.admission, illegal_entry)
    status = screen.status or derived.status
    assert status is not None  # derive_status always decides (UNKNOWN at worst)
    inputs = _removability_input(facts, status.code, derived, charges, policy)
    citizen = bool(screen.signs) or bool(screen.conflicts)
    reading = _with(inputs, citizenship_documented=screen.documented, possible_citizen=citizen)
    return status.code, decide(reading)


def _with(inputs: RemovabilityInput, **changes: Any) -> RemovabilityInput:
    """``dataclasses.replace(inputs, **changes)``: every field is an ``__init__`` field, so
    its values and the changes make the same new value, without ``replace``'s walk of the
    class's fields (twice per assessment, each as dear as a small assessment step)."""
    return RemovabilityInput(**{**inputs.__dict__, **changes})


def _order_tied(status: StatusFinding, tied: Collection[RecordRef]) -> tuple[RecordRef, ...]:
    """The order/proceedings/removal records behind ``status`` that carry an agreeing
    identifier (the rest of the person's records do not tie the order to the subject)."""
    if status.code not in ORDER_BASES or not tied:
        return ()
    wanted = set(tied)
    return tuple(r for r in status.evidence if r.source in {"court", "encounters"} and r in wanted)


def _citizen_conflict(citizen: StatusFinding, other: StatusFinding) -> Conflict:
    return Conflict(
        f"{citizen.code.value} but also {other.code.value} ({other.summary}) — citizenship "
        "wins; the removal history must be reviewed",
        citizen.evidence + other.evidence,
    )


def _flags(
    facts: Facts, encounter: Encounter | None, citizen_sign: bool, protected: bool
) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    if citizen_sign:
        flags.append(Flag.POSSIBLE_US_CITIZEN)
    if protected:
        flags.append(Flag.PROTECTED_STATUS)
    if any(w.active for w in facts.warrants):
        flags.append(Flag.ACTIVE_WARRANT)
    if any(n.kind == "RED" for n in facts.interpol):
        flags.append(Flag.INTERPOL_RED_NOTICE)
    if encounter is not None and encounter.in_custody is not None:
        in_custody = encounter.in_custody
    else:
        in_custody = any(
            c.release_date is None or c.release_date.lo > facts.as_of for c in facts.custody
        )
    if in_custody:
        flags.append(Flag.IN_CUSTODY)
    return tuple(flags)
