"""Status rules from admissions and entries: in status, overstay, departed, EWI.

Entry without inspection needs positive evidence (a border apprehension, an illegal-entry
conviction); the absence of an entry record never makes anyone EWI (Gonzalez v. ICE).

Edit here: an admission outcome is one :class:`AdmissionRule` (label, citation, decide) in
:data:`ADMISSION_RULES`; order matters (the first rule that applies decides).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vetline.status.dates import DateSpan, on
from vetline.status.facts import Facts, sort_key
from vetline.status.grants import Derivation
from vetline.status.history import EntryExitRec, RecordRef, StatusRec
from vetline.status.policy import AdmissionClasses
from vetline.status.result import Ground, StatusFinding
from vetline.vocab import StatusCode


@dataclass(frozen=True, slots=True)
class Admitted:
    """The last admission with a class: what every admission rule reads."""

    facts: Facts
    classes: AdmissionClasses
    last: EntryExitRec
    cls: str

    @property
    def when(self) -> str:
        return on(self.last.when)


@dataclass(frozen=True, slots=True)
class AdmissionRule:
    """One way the last admission decides the status, with its label and citation.

    ``decide`` writes the finding (labelled with this rule) and returns True when the rule
    applies; the rules are tried in :data:`ADMISSION_RULES` order, so the first that
    applies is the one whose explanation the IAR shows.
    """

    label: str
    citation: str
    decide: Callable[[AdmissionRule, Admitted, Derivation], bool]

    def finding(self, code: StatusCode, summary: str, refs: tuple[RecordRef, ...]) -> StatusFinding:
        return StatusFinding(code, summary, refs, self.label)


def admission_rule(facts: Facts, adm: AdmissionClasses, out: Derivation) -> bool:
    """Decide the status from the last admission, if there is one (first rule that applies)."""
    arrivals = [a for a in facts.arrivals() if a.admission_class]
    if not arrivals:
        return False
    ctx = Admitted(facts, adm, arrivals[-1], arrivals[-1].admission_class or "")
    return any(rule.decide(rule, ctx, out) for rule in ADMISSION_RULES)


def _departed(rule: AdmissionRule, a: Admitted, out: Derivation) -> bool:
    last = a.last
    left = [
        d
        for d in a.facts.departures()
        if d.when is not None and last.when is not None and d.when.hi >= last.when.lo
    ]
    if not left:
        return False
    out.status = rule.finding(
        StatusCode.UNKNOWN,
        f"Admitted {a.cls} {a.when}, departed {on(left[0].when)}; no later record of status.",
        (last.ref, left[0].ref),
    )
    return True


def _residence_ended(rule: AdmissionRule, a: Admitted, out: Derivation) -> bool:
    ended = [
        s
        for s in a.facts.status
        if s.status_class in {"LPR", "CONDITIONAL_LPR"} and s.state in {"REVOKED", "TERMINATED"}
    ]
    if a.cls not in a.classes.immigrant or not ended:
        return False
    out.status = rule.finding(
        StatusCode.UNKNOWN,
        f"Admitted as an immigrant ({a.cls}) {a.when}, but permanent residence was "
        f"{(ended[0].state or '').lower()} {ended[0].start or ''}".rstrip()
        + ".",
        (a.last.ref, ended[0].ref),
    )
    out.to_resolve.append(
        "status after permanent residence ended (rescission or abandonment is decided by a judge)"
    )
    return True


def _immigrant(rule: AdmissionRule, a: Admitted, out: Derivation) -> bool:
    if a.cls not in a.classes.immigrant:
        return False
    out.status = rule.finding(
        StatusCode.LPR,
        f"Admitted as an immigrant ({a.cls}) {a.when}; no benefits record.",
        (a.last.ref,),
    )
    out.to_resolve.append(
        "confirm LPR status in the benefits system (a later naturalization would not show here)"
    )
    return True


def _refugee(rule: AdmissionRule, a: Admitted, out: Derivation) -> bool:
    if a.cls not in a.classes.refugee:
        return False
    out.status = rule.finding(StatusCode.REFUGEE, f"Admitted as a refugee {a.when}.", (a.last.ref,))
    return True


def _parole_in_effect(rule: AdmissionRule, a: Admitted, out: Derivation) -> bool:
    until = a.last.admit_until
    if a.cls not in a.classes.parole or not (until is None or until.hi >= a.facts.as_of):
        return False
    out.status = rule.finding(
        StatusCode.PAROLE,
        f"Paroled {a.when}" + (f" until {until}." if until else "."),
        (a.last.ref,),
    )
    return True


def _parole_ended(rule: AdmissionRule, a: Admitted, out: Derivation) -> bool:
    if a.cls not in a.classes.parole:
        return False
    out.status = rule.finding(
        StatusCode.UNKNOWN,
        f"Paroled {a.when}; parole ended {a.last.admit_until}.",
        (a.last.ref,),
    )
    out.to_resolve.append("status after parole ended (parole is not an admission)")
    return True


def _unclassified(rule: AdmissionRule, a: Admitted, out: Derivation) -> bool:
    if a.cls in a.classes.nonimmigrant:
        return False
    out.status = rule.finding(
        StatusCode.UNKNOWN,
        f"Arrived {a.when} with admission class {a.cls}, which the policy does not classify.",
        (a.last.ref,),
    )
    out.to_resolve.append(f"classify admission class {a.cls} in policy.toml")
    return True


def _authorised_until(a: Admitted) -> tuple[DateSpan | None, tuple[RecordRef, ...]]:
    """The end of the authorised stay after extensions (None: duration of status)."""
    until = a.last.admit_until
    extension_refs: list[RecordRef] = []
    for s in a.facts.status_of("NONIMMIGRANT", states=("GRANTED", None)):
        if s.start is not None and a.last.when is not None and s.start.hi >= a.last.when.lo:
            if s.end is None:
                return None, (*extension_refs, s.ref)
            if until is not None and s.end.hi > until.hi:
                until = s.end
                extension_refs.append(s.ref)
    return until, tuple(extension_refs)


def _in_period(rule: AdmissionRule, a: Admitted, out: Derivation) -> bool:
    until, extensions = _authorised_until(a)
    if until is not None and until.hi < a.facts.as_of:
        return False
    out.status = rule.finding(
        StatusCode.NONIMMIGRANT_IN_STATUS,
        f"Admitted {a.cls} {a.when}, authorised to stay "
        + (f"until {until}." if until else "for the duration of status."),
        (a.last.ref, *extensions),
    )
    return True


def _lapsed_later(rule: AdmissionRule, a: Admitted, out: Derivation) -> bool:
    until, _ = _authorised_until(a)
    later = [
        s
        for s in a.facts.status
        if s.start is not None
        and a.last.when is not None
        and s.start.hi >= a.last.when.lo
        and s.status_class != "NONIMMIGRANT"
        and s.state in {"GRANTED", "PENDING", None}
        and not _pending_after_stay(s, until)
    ]
    if not later:
        return False
    out.status = rule.finding(
        StatusCode.UNKNOWN,
        f"Admitted {a.cls} {a.when} until {until}; a later {later[0].status_class} "
        f"record ({later[0].state}) exists but is not in effect.",
        (a.last.ref, later[0].ref),
    )
    out.to_resolve.append("status after the later application or grant lapsed")
    return True


def _overstay(rule: AdmissionRule, a: Admitted, out: Derivation) -> bool:
    until, extensions = _authorised_until(a)
    if until is None:  # an open-ended stay is in period (taken by _in_period)
        return False
    refs = (a.last.ref, *extensions)
    for app in a.facts.status:
        if _pending_after_stay(app, until):
            what = app.status_class.replace("_", " ").lower()
            out.to_resolve.append(
                f"the {what} filed {on(app.start)} (record {app.ref.record_id}) is not a "
                "status, but its decision may end the overstay: check it before any action"
            )
    seen_after = _presence_after(a.facts, until)
    if seen_after is None:
        out.to_resolve.append(
            f"no record places the person in the United States after {until}: departure "
            "records are incomplete, so confirm presence before relying on the overstay"
        )
    else:
        refs = (*refs, seen_after)
    out.status = rule.finding(
        StatusCode.OVERSTAY,
        f"Admitted {a.cls} {a.when} until {until}; no departure or later status recorded.",
        refs,
    )
    out.grounds.append(
        Ground(
            "237(a)(1)(B)",
            "present in violation of law (overstay)",
            f"admitted as a nonimmigrant ({a.cls}) {a.when}, authorised stay ended "
            f"{until}, no departure or extension recorded",
            refs,
        )
    )
    out.grounds.append(
        Ground(
            "237(a)(1)(C)(i)",
            "failure to maintain nonimmigrant status",
            f"stayed beyond the {a.cls} admission period that ended {until}",
            refs,
        )
    )
    return True


#: The admission rules in the order they are tried (the first that applies decides).
ADMISSION_RULES: tuple[AdmissionRule, ...] = (
    AdmissionRule("admitted and departed", "8 CFR 215.8 (departure records)", _departed),
    AdmissionRule(
        "permanent residence ended", "INA 246 rescission; abandonment (INA 101(a)(20))",
        _residence_ended,
    ),
    AdmissionRule("immigrant admission (INA 101(a)(20))", "INA 101(a)(20)", _immigrant),
    AdmissionRule("refugee admission (INA 207)", "INA 207", _refugee),
    AdmissionRule("parole", "INA 212(d)(5)(A)", _parole_in_effect),
    AdmissionRule("parole ended", "INA 101(a)(13)(B); INA 212(d)(5)(A)", _parole_ended),
    AdmissionRule("unclassified admission", "policy.toml [admission_classes]", _unclassified),
    AdmissionRule("nonimmigrant admission in period (INA 214)", "INA 214", _in_period),
    AdmissionRule("lapsed later status", "INA 245; INA 208 (applications)", _lapsed_later),
    AdmissionRule(
        "overstay of a nonimmigrant admission (INA 237(a)(1)(B), (C)(i))",
        "INA 237(a)(1)(B), (C)(i)",
        _overstay,
    ),
)  # fmt: skip


#: Applications whose filing is not a status (INA 204(a)(1)(A)(iii) self-petition, INA 245
#: adjustment, INA 208 asylum): they protect or pause, but do not end an overstay.
_APPLICATIONS = frozenset({"VAWA_PENDING", "ADJUSTMENT_PENDING", "ASYLUM_PENDING"})


def _pending_after_stay(s: StatusRec, until: DateSpan | None) -> bool:
    """A pending application that cannot have made the stay lawful: leave the overstay be.

    A pending VAWA self-petition is never a status (only an approval brings deferred
    action), so it never erases the overstay; its protection is the PROTECTED_STATUS flag
    and supervisory review. An adjustment or asylum application filed *while in status*
    may authorise the stay (INA 245, 8 CFR 214.1(c)(4)), so only one filed certainly after
    the authorised stay ended leaves the overstay standing (the safe side of a partial date).
    """
    if s.status_class not in _APPLICATIONS or s.state != "PENDING":
        return False
    if s.status_class == "VAWA_PENDING":
        return True
    return until is not None and s.start is not None and until.certainly_before(s.start)


def _presence_after(facts: Facts, until: DateSpan) -> RecordRef | None:
    """A record that certainly places the person in the U.S. after ``until``, if any."""
    dated: list[tuple[DateSpan | None, RecordRef]] = [
        *((c.arrest_date, c.ref) for c in facts.criminal),
        *((k.booking_date, k.ref) for k in facts.custody),
        *((e.when, e.ref) for e in facts.encounters),
    ]
    for d, ref in dated:
        if d is not None and until.hi < d.lo:
            return ref
    return None


def ewi_rule(facts: Facts, illegal_entry: list[RecordRef], out: Derivation) -> bool:
    apprehensions = [
        e
        for e in facts.encounters
        if e.encounter_type == "BORDER_APPREHENSION" and e.outcome in {"RELEASED", "NTA_ISSUED"}
    ]
    if not apprehensions and not illegal_entry:
        return False
    apprehensions.sort(key=lambda e: sort_key(e.when or e.outcome_date))
    if apprehensions:
        last = apprehensions[-1]
        when = last.when or last.outcome_date
        left = [d.when for d in facts.departures()]
        left += [
            e.when or e.outcome_date
            for e in facts.encounters
            if e is not last and e.outcome in {"VOLUNTARY_RETURN", "REMOVED"}
        ]
        left += [a.when for a in facts.arrivals() if a.admission_class]  # admitted later
        later_exit = [d for d in left if when is not None and sort_key(d) >= when.lo]
        if later_exit:
            out.to_resolve.append(
                f"apprehended {on(when)}, later left or was returned: "
                "current presence and manner of entry unknown"
            )
            return False
        refs = (last.ref, *illegal_entry)
        outcome = "released" if last.outcome == "RELEASED" else "given a notice to appear"
        what = f"apprehended between ports of entry {on(when)} and {outcome}"
    else:
        refs = tuple(illegal_entry)
        what = "convicted of illegal entry (8 U.S.C. 1325)"
    out.status = StatusFinding(
        StatusCode.ENTERED_WITHOUT_INSPECTION,
        f"Entered without inspection: {what}; no lawful admission recorded since.",
        refs,
        "positive evidence of entry without inspection (INA 212(a)(6)(A)(i))",
    )
    out.grounds.append(
        Ground(
            "212(a)(6)(A)(i)",
            "present without admission or parole",
            f"{what}; the finding rests on that positive evidence, not on a missing entry record",
            refs,
        )
    )
    return True
