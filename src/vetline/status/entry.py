"""Status rules from admissions and entries: in status, overstay, departed, EWI.

Entry without inspection needs positive evidence (a border apprehension, an illegal-entry
conviction); the absence of an entry record never makes anyone EWI (Gonzalez v. ICE).
"""

from __future__ import annotations

from vetline.status.dates import DateSpan, on
from vetline.status.facts import Facts, sort_key
from vetline.status.grants import Derivation
from vetline.status.history import RecordRef, StatusRec
from vetline.status.policy import AdmissionClasses
from vetline.status.result import Ground, StatusFinding
from vetline.vocab import StatusCode


def admission_rule(facts: Facts, adm: AdmissionClasses, out: Derivation) -> bool:
    arrivals = [a for a in facts.arrivals() if a.admission_class]
    if not arrivals:
        return False
    last = arrivals[-1]
    cls = last.admission_class or ""
    left = [
        d
        for d in facts.departures()
        if d.when is not None and last.when is not None and d.when.hi >= last.when.lo
    ]
    if left:
        out.status = StatusFinding(
            StatusCode.UNKNOWN,
            f"Admitted {cls} {on(last.when)}, departed {on(left[0].when)}; "
            "no later record of status.",
            (last.ref, left[0].ref),
            "admitted and departed",
        )
        return True
    ended = [
        s
        for s in facts.status
        if s.status_class in {"LPR", "CONDITIONAL_LPR"} and s.state in {"REVOKED", "TERMINATED"}
    ]
    if cls in adm.immigrant and ended:
        out.status = StatusFinding(
            StatusCode.UNKNOWN,
            f"Admitted as an immigrant ({cls}) {on(last.when)}, but permanent residence was "
            f"{(ended[0].state or '').lower()} {ended[0].start or ''}".rstrip()
            + ".",
            (last.ref, ended[0].ref),
            "permanent residence ended",
        )
        out.to_resolve.append(
            "status after permanent residence ended (rescission or "
            "abandonment is decided by a judge)"
        )
        return True
    if cls in adm.immigrant:
        out.status = StatusFinding(
            StatusCode.LPR,
            f"Admitted as an immigrant ({cls}) {on(last.when)}; no benefits record.",
            (last.ref,),
            "immigrant admission (INA 101(a)(20))",
        )
        out.to_resolve.append(
            "confirm LPR status in the benefits system (a later naturalization would not show here)"
        )
        return True
    if cls in adm.refugee:
        out.status = StatusFinding(
            StatusCode.REFUGEE,
            f"Admitted as a refugee {on(last.when)}.",
            (last.ref,),
            "refugee admission (INA 207)",
        )
        return True
    if cls in adm.parole:
        if last.admit_until is None or last.admit_until.hi >= facts.as_of:
            out.status = StatusFinding(
                StatusCode.PAROLE,
                f"Paroled {on(last.when)}"
                + (f" until {last.admit_until}." if last.admit_until else "."),
                (last.ref,),
                "parole",
            )
        else:
            out.status = StatusFinding(
                StatusCode.UNKNOWN,
                f"Paroled {on(last.when)}; parole ended {last.admit_until}.",
                (last.ref,),
                "parole ended",
            )
            out.to_resolve.append("status after parole ended (parole is not an admission)")
        return True
    if cls not in adm.nonimmigrant:
        out.status = StatusFinding(
            StatusCode.UNKNOWN,
            f"Arrived {on(last.when)} with admission class {cls}, "
            "which the policy does not classify.",
            (last.ref,),
            "unclassified admission",
        )
        out.to_resolve.append(f"classify admission class {cls} in policy.toml")
        return True
    until = last.admit_until
    extension_refs: list[RecordRef] = []
    for s in facts.status_of("NONIMMIGRANT", states=("GRANTED", None)):
        if s.start is not None and last.when is not None and s.start.hi >= last.when.lo:
            if s.end is None:
                until = None
                extension_refs.append(s.ref)
                break
            if until is not None and s.end.hi > until.hi:
                until = s.end
                extension_refs.append(s.ref)
    if until is None or until.hi >= facts.as_of:
        out.status = StatusFinding(
            StatusCode.NONIMMIGRANT_IN_STATUS,
            f"Admitted {cls} {on(last.when)}, authorised to stay "
            + (f"until {until}." if until else "for the duration of status."),
            (last.ref, *extension_refs),
            "nonimmigrant admission in period (INA 214)",
        )
        return True
    later = [
        s
        for s in facts.status
        if s.start is not None
        and last.when is not None
        and s.start.hi >= last.when.lo
        and s.status_class != "NONIMMIGRANT"
        and s.state in {"GRANTED", "PENDING", None}
        and not _pending_after_stay(s, until)
    ]
    if later:
        out.status = StatusFinding(
            StatusCode.UNKNOWN,
            f"Admitted {cls} {on(last.when)} until {until}; a later {later[0].status_class} "
            f"record ({later[0].state}) exists but is not in effect.",
            (last.ref, later[0].ref),
            "lapsed later status",
        )
        out.to_resolve.append("status after the later application or grant lapsed")
        return True
    refs = (last.ref, *extension_refs)
    for app in facts.status:
        if _pending_after_stay(app, until):
            what = app.status_class.replace("_", " ").lower()
            out.to_resolve.append(
                f"the {what} filed {on(app.start)} (record {app.ref.record_id}) is not a "
                "status, but its decision may end the overstay: check it before any action"
            )
    seen_after = _presence_after(facts, until)
    if seen_after is None:
        out.to_resolve.append(
            f"no record places the person in the United States after {until}: departure "
            "records are incomplete, so confirm presence before relying on the overstay"
        )
    else:
        refs = (*refs, seen_after)
    out.status = StatusFinding(
        StatusCode.OVERSTAY,
        f"Admitted {cls} {on(last.when)} until {until}; no departure or later status recorded.",
        refs,
        "overstay of a nonimmigrant admission (INA 237(a)(1)(B), (C)(i))",
    )
    out.grounds.append(
        Ground(
            "237(a)(1)(B)",
            "present in violation of law (overstay)",
            f"admitted as a nonimmigrant ({cls}) {on(last.when)}, authorised stay ended "
            f"{until}, no departure or extension recorded",
            refs,
        )
    )
    out.grounds.append(
        Ground(
            "237(a)(1)(C)(i)",
            "failure to maintain nonimmigrant status",
            f"stayed beyond the {cls} admission period that ended {until}",
            refs,
        )
    )
    return True


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
