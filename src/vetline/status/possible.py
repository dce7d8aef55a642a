"""Records of persons that MAY be the subject: read only in the safe direction (issue 11).

The resolver keeps records that agree only biographically in separate persons, joined by
a "possible same person" link, and reports close candidates; ``Resolution.possible``
names them. Their records are not this person's records, and not proof that they are
not. The costs are asymmetric (brief principle 2): splitting one person in two costs an
analyst a minute, acting on a stranger's conviction can cost a citizen their liberty. So:

* a sign of U.S. citizenship there (naturalization, certificate of citizenship, a
  derivation through a naturalized parent, a claimed citizen parent, a U.S. birthplace,
  citizenship or passport recorded as US) raises POSSIBLE_US_CITIZEN here, which blocks
  every enforcement action and routes to citizenship review (ICE Directive 16001.2,
  reference §5.7, §6.3);
* a current lawful status or protection there withholds any removability conclusion
  here (the stay may rest on it) — unless, read as this person's, those records leave the
  conclusion and every ground as they are (``would_change``: an LPR's own admission split
  off by name and date of birth takes nothing away); and any other record there that
  would take the conclusion away (a departure ending an overstay) withholds it too;
* a conviction, a charge, a removal order, proceedings, a removal, a warrant or a notice
  there is shown to the analyst as a note and is NEVER a ground, a flag or a status.

When this person's own records establish no status and nothing towards removal, and the
possibly-same persons' records show one lawful status and nothing towards removal (and
their records read together say the same), that status is the answer's status — resting on
records that *may* be this person, which the finding says (``status_from_possible``). It
moves an answer only from "undetermined" towards lawful status, never towards removal.

"Minor LPR, parents not checked" signs are not carried over: they say the records cannot
rule derivation out, which is an absence of evidence, not evidence of citizenship.

Edit here: which signs cross over (``CARRIED_SIGNS``), what takes a conclusion away
(``would_change``, ``ORDERED``), which statuses count as lawful
(``LAWFUL_CODES``), which of them may become the answer's status (``ADOPTABLE_CODES``,
``status_from_possible``), and the wording of the notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from vetline.status.citizenship import CitizenshipSign, screen_citizenship
from vetline.status.derive import derive_status
from vetline.status.facts import Facts
from vetline.status.grants import PROTECTED_CLASSES, current_grants
from vetline.status.history import PersonHistory, RecordRef
from vetline.status.policy import Policy
from vetline.status.removability import Decision
from vetline.status.result import Direction, PossibleNote, StatusFinding
from vetline.vocab import Assessment, StatusCode

#: The principle every note cites.
PRINCIPLE = (
    "issue 11 / brief principle 2: evidence towards citizenship or lawful status counts from "
    "any record that may be this person; evidence towards removal only from records that "
    "are this person"
)

#: Citizenship signs carried over from a possible person, with the fields they read and
#: the law that makes them evidence of citizenship.
CARRIED_SIGNS: dict[str, tuple[tuple[str, ...], str]] = {
    "naturalized": (("status_class", "status_state", "start_date"), "INA 310-337"),
    "certificate": (("status_class", "status_state"), "INA 341"),
    "derivation": (("status_class", "start_date", "parent_a_numbers"), "INA 320 / former 321"),
    "derivation not ruled out": (("status_class", "parent_a_numbers"), "INA 320 / former 321"),
    "parent claimed": (("us_citizen_parent_claimed",), "INA 301/309"),
    "U.S. birthplace": (("birth_country",), "14th Amendment; INA 301(a), 302-307"),
    "U.S. citizenship recorded": (("citizenship",), "INA 301"),
    "U.S. passport": (("passport_country",), "22 U.S.C. 2705"),
}

#: Statuses (derived from the possible person's records) that are lawful presence or a
#: protection against removal.
LAWFUL_CODES: frozenset[StatusCode] = frozenset(
    {
        StatusCode.LPR,
        StatusCode.NONIMMIGRANT_IN_STATUS,
        StatusCode.REFUGEE,
        StatusCode.ASYLEE,
        StatusCode.ASYLUM_PENDING,
        StatusCode.TPS,
        StatusCode.DACA,
        StatusCode.PAROLE,
    }
)

#: Lawful statuses a possibly-same person's records may give the answer when this person's
#: own records establish none. Protections that must be flagged to the officer (TPS,
#: DACA, a pending asylum claim: ``PROTECTED_STATUS``) stay with an analyst.
ADOPTABLE_CODES: frozenset[StatusCode] = LAWFUL_CODES - {
    StatusCode.TPS,
    StatusCode.DACA,
    StatusCode.ASYLUM_PENDING,
}

#: The reading with every possibly-same person's records at once (``would_change``).
ALL_TOGETHER = "(all possibly-same persons together)"
#: Statuses under an order: a reading that reaches one and stays removable has not taken
#: the conclusion away, though the status grounds it names are the order's.
ORDERED: frozenset[StatusCode] = frozenset(
    {StatusCode.FINAL_ORDER, StatusCode.REMOVED_AND_REENTERED}
)

#: What the adopted status's rule says (the IAR shows it beside the records it rests on).
FROM_POSSIBLE = "status from possibly-same persons' records"


@dataclass
class PossibleScreen:
    """What the possible persons' records change here (only ever towards safety)."""

    citizen_signs: list[CitizenshipSign] = field(default_factory=list)
    lawful: list[PossibleNote] = field(default_factory=list)
    #: The same, in a few words each, for the removability reason.
    lawful_short: list[str] = field(default_factory=list)
    notes: list[PossibleNote] = field(default_factory=list)
    to_resolve: list[str] = field(default_factory=list)
    #: Each possible person's derived lawful status (``LAWFUL_CODES``), by person.
    lawful_status: dict[str, StatusFinding] = field(default_factory=dict)
    #: Possible persons whose records point towards removal: a status that is neither
    #: lawful nor unknown (an overstay, an entry without inspection, an order...), or a
    #: conviction, charge, order, proceedings, removal, warrant or notice (the notes).
    removal_side: list[str] = field(default_factory=list)


def _refs(refs: tuple[RecordRef, ...]) -> str:
    return ", ".join(f"{r.source}/{r.record_id}" for r in refs)


def _citizenship(pid: str, facts: Facts, related: Mapping[str, PersonHistory], policy: Policy,
                 out: PossibleScreen) -> None:  # fmt: skip
    screen = screen_citizenship(facts, related, policy.thresholds, policy.admission.immigrant)
    for sign in screen.signs:
        if sign.label not in CARRIED_SIGNS:
            continue
        fields, law = CARRIED_SIGNS[sign.label]
        text = f"{sign.text} on possibly-same person {pid} (records {_refs(sign.evidence)})"
        out.citizen_signs.append(CitizenshipSign(sign.label, text, sign.evidence))
        out.notes.append(
            PossibleNote(
                pid, Direction.CITIZENSHIP,
                f"{text}: blocks enforcement; citizenship review",
                sign.evidence, fields, f"{law}; ICE Directive 16001.2; {PRINCIPLE}",
            )
        )  # fmt: skip


def _lawful(pid: str, facts: Facts, policy: Policy, out: PossibleScreen) -> None:
    # No conviction is passed as an illegal entry: the possible person's convictions
    # never move anything towards removal, not even their own status reading here.
    derived = derive_status(facts, policy.admission, [])
    found = derived.status
    if found is not None and found.code not in LAWFUL_CODES | {StatusCode.UNKNOWN}:
        out.removal_side.append(pid)
    if found is not None and derived.grounds:
        out.removal_side.append(pid)
    if found is not None and found.code in LAWFUL_CODES:
        what, refs, law = found.code.value, found.evidence, found.rule
        if not derived.conflicts and not derived.blocking:
            out.lawful_status[pid] = found
    else:
        grants = current_grants(facts)
        if not grants:
            return
        what, refs, law = grants[0].status_class, (grants[0].ref,), "current grant"
    note = PossibleNote(
        pid, Direction.LAWFUL_STATUS,
        f"lawful status {what} on possibly-same person {pid} (records {_refs(refs)}): "
        "removability withheld until an analyst settles whether they are one person",
        refs, ("status_class", "status_state", "start_date", "end_date"),
        f"{law}; {PRINCIPLE}",
    )  # fmt: skip
    out.lawful.append(note)
    out.lawful_short.append(f"{what} on possibly-same person {pid}, records {_refs(refs)}")
    out.notes.append(note)


def _not_grounds(pid: str, facts: Facts, out: PossibleScreen) -> None:
    """Removal-direction records: each one a note, never a ground."""
    seen: list[tuple[RecordRef, str, tuple[str, ...]]] = []
    for c in facts.criminal:
        if c.disposition in {"CONVICTED", "PENDING"}:
            what = "conviction" if c.disposition == "CONVICTED" else "pending charge"
            desc = " ".join(filter(None, (c.charge_code, c.charge_text)))
            when = c.disposition_date or c.arrest_date
            seen.append((c.ref, f"{what} {desc} {when or ''}".strip(),
                         ("charge_code", "disposition", "disposition_date")))  # fmt: skip
    for k in facts.court:
        if k.decision in {"REMOVAL_ORDER", "REMOVAL_ORDER_IN_ABSENTIA", "PENDING", None}:
            what = "removal proceedings" if k.decision in {"PENDING", None} else "removal order"
            seen.append((k.ref, f"{what} {k.decision_date or k.proceeding_date or ''}".strip(),
                         ("decision", "decision_date")))  # fmt: skip
    for e in facts.encounters:
        if e.outcome == "REMOVED":
            seen.append((e.ref, f"removal {e.outcome_date or e.when or ''}".strip(),
                         ("outcome", "outcome_date")))  # fmt: skip
    for w in facts.warrants:
        if w.active:
            seen.append((w.ref, f"active {w.kind or ''} warrant".replace("  ", " "),
                         ("warrant_type", "warrant_state")))  # fmt: skip
    for n in facts.interpol:
        seen.append((n.ref, f"INTERPOL {n.kind or ''} notice", ("notice_type",)))
    if seen:
        out.removal_side.append(pid)
    for ref, what, fields in seen:
        out.notes.append(
            PossibleNote(
                pid, Direction.NOT_A_GROUND,
                f"{what} seen on a possibly-same person {pid}, record {ref.source}/"
                f"{ref.record_id}: not a ground",
                (ref,), fields, PRINCIPLE,
            )
        )  # fmt: skip


def screen_possible(
    possible: Mapping[str, PersonHistory],
    related: Mapping[str, PersonHistory],
    as_of: date,
    policy: Policy,
) -> PossibleScreen:
    """Read every possible person's records, in the safe direction only."""
    out = PossibleScreen()
    for pid, history in sorted(possible.items()):
        if history.empty:
            continue
        facts = Facts.of(history, as_of)
        before = len(out.notes)
        _citizenship(pid, facts, related, policy, out)
        if len(out.notes) == before:  # a citizen there: the lawful status says no more
            _lawful(pid, facts, policy, out)
        else:
            out.removal_side.append(pid)  # a citizen sign: nothing is adopted from it
        _not_grounds(pid, facts, out)
        if len(out.notes) > before:
            out.to_resolve.append(
                f"settle whether possibly-same person {pid} is this person (its records are "
                "read only towards citizenship or lawful status)"
            )
    return out


def removal_records(facts: Facts) -> bool:
    """Whether ``facts`` hold anything that bears on removal: a criminal or court record,
    an encounter, an ICE warrant, an INTERPOL notice (this person's own records)."""
    return bool(facts.criminal or facts.court or facts.encounters or facts.interpol) or any(
        w.active for w in facts.warrants
    )


def status_from_possible(
    own: Facts,
    own_status: StatusFinding,
    maybe: PossibleScreen,
    possible: Mapping[str, PersonHistory],
    related: Mapping[str, PersonHistory],
    policy: Policy,
) -> StatusFinding | None:
    """The lawful status the possibly-same persons' records give, when this person's own
    records give none (issue 11 principle 2: evidence towards lawful status counts from
    any record that may be this person). ``None`` unless all of these hold:

    * this person's own records establish no status (UNKNOWN) and hold nothing that bears
      on removal (``removal_records``): the answer then cannot combine a maybe-record's
      admission with this person's conviction into a ground;
    * no possible person carries a citizenship sign (that goes to citizenship review) or
      anything towards removal (``PossibleScreen.removal_side``: an analyst weighs it);
    * the possible persons with a lawful status agree on one ``ADOPTABLE_CODES`` status,
      and all the records (this person's and every possible person's) read together give
      that same status with no conflict and raise no citizenship sign (e.g. a minor LPR
      whose parents cannot be checked) and no protection that must be flagged (a U or T
      visa): the answer holds whether or not they are one.

    The finding names the possible persons and their records, and says they may be this
    person; its rule is ``FROM_POSSIBLE``.
    """
    if own_status.code is not StatusCode.UNKNOWN or removal_records(own):
        return None
    if maybe.citizen_signs or maybe.removal_side or not maybe.lawful_status:
        return None
    codes = {f.code for f in maybe.lawful_status.values()}
    if len(codes) != 1 or not codes <= ADOPTABLE_CODES:
        return None
    union = PersonHistory.from_records(
        [*own.history.records, *(r for h in possible.values() for r in h.records)]
    )
    joined = Facts.of(union, own.as_of)
    # Read as one person, the records must raise no citizenship question either (a minor
    # LPR whose parents cannot be checked, a conflict): that goes to citizenship review.
    screen = screen_citizenship(joined, related, policy.thresholds, policy.admission.immigrant)
    if screen.signs or screen.status is not None or screen.conflicts:
        return None
    # A protection the officer must see (a U or T visa, TPS...) is flagged on this
    # person's own records and queues there; read from maybe-records it must queue too.
    if any(g.status_class in PROTECTED_CLASSES for g in current_grants(joined)):
        return None
    together = derive_status(joined, policy.admission, [])
    if (
        together.status is None
        or together.status.code not in codes
        or together.grounds
        or together.conflicts
        or together.blocking
    ):
        return None
    pids = sorted(maybe.lawful_status)
    refs = tuple(r for pid in pids for r in maybe.lawful_status[pid].evidence)
    return StatusFinding(
        together.status.code,
        f"{together.status.summary} On records of possibly-same person "
        f"{', '.join(pids)} ({_refs(refs)}), which MAY be this person (biographic agreement "
        "only); this person's own records establish no status and nothing towards removal.",
        refs,
        f"{together.status.rule}; {FROM_POSSIBLE} ({PRINCIPLE})",
    )


def would_change(
    own: Decision,
    readings: Mapping[str, tuple[StatusCode, Decision]],
    maybe: PossibleScreen,
) -> tuple[list[str], list[str]]:
    """Possibly-same persons whose records, read as this person's, take the conclusion away.

    A removal conclusion (its grounds) or "before the court" holds here only if it holds
    whether or not the possibly-same persons are this person (principle 2: evidence
    towards lawful status counts from any record that may be this person). ``readings``
    are the engine's status and conclusion with each person's records (and ``ALL_TOGETHER``) read
    as this person's: one that keeps the assessment and every ground of ``own`` changes
    nothing, whatever it adds (an added ground is never used); one that drops a ground or
    changes the assessment withholds it. A lawful status that the person's own records
    already give (an LPR's own arrival, split off by name and date of birth only) then no
    longer withholds; a departure that ends an overstay does.

    Returns (lawful-status descriptions, other descriptions) for ``RemovabilityInput``.
    """
    kept = {g.ina for g in own.grounds}
    removable = own.assessment is Assessment.REMOVABLE
    lawful_of = {n.person_id: t for n, t in zip(maybe.lawful, maybe.lawful_short, strict=True)}
    lawful: list[str] = []
    other: list[str] = []
    for pid, (status, reading) in readings.items():
        same = reading.assessment is own.assessment and reading.before_the_court == (
            own.before_the_court
        )
        if same and kept <= {g.ina for g in reading.grounds}:
            continue
        if same and removable and status in ORDERED:
            continue  # an order there replaces this person's grounds; it takes none away
        if pid == ALL_TOGETHER and (lawful or other):
            continue  # a person alone already takes it away
        if pid in lawful_of:
            lawful.append(lawful_of[pid])
            continue
        grounds = ", ".join(g.ina for g in reading.grounds) or "no ground"
        who = (
            "the possibly-same persons together"
            if pid == ALL_TOGETHER
            else (f"possibly-same person {pid}")
        )
        other.append(f"read with the records of {who}: {reading.assessment.value}, {grounds}")
    return lawful, other
