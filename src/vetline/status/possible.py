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
  here (the stay may rest on it);
* a conviction, a charge, a removal order, proceedings, a removal, a warrant or a notice
  there is shown to the analyst as a note and is NEVER a ground, a flag or a status.

"Minor LPR, parents not checked" signs are not carried over: they say the records cannot
rule derivation out, which is an absence of evidence, not evidence of citizenship.

Edit here: which signs cross over (``CARRIED_SIGNS``), which statuses count as lawful
(``LAWFUL_CODES``), and the wording of the notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from vetline.status.citizenship import CitizenshipSign, screen_citizenship
from vetline.status.derive import derive_status
from vetline.status.facts import Facts
from vetline.status.grants import current_grants
from vetline.status.history import PersonHistory, RecordRef
from vetline.status.policy import Policy
from vetline.status.result import Direction, PossibleNote
from vetline.vocab import StatusCode

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


@dataclass
class PossibleScreen:
    """What the possible persons' records change here (only ever towards safety)."""

    citizen_signs: list[CitizenshipSign] = field(default_factory=list)
    lawful: list[PossibleNote] = field(default_factory=list)
    #: The same, in a few words each, for the removability reason.
    lawful_short: list[str] = field(default_factory=list)
    notes: list[PossibleNote] = field(default_factory=list)
    to_resolve: list[str] = field(default_factory=list)


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
    if found is not None and found.code in LAWFUL_CODES:
        what, refs, law = found.code.value, found.evidence, found.rule
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
        _not_grounds(pid, facts, out)
        if len(out.notes) > before:
            out.to_resolve.append(
                f"settle whether possibly-same person {pid} is this person (its records are "
                "read only towards citizenship or lawful status)"
            )
    return out
