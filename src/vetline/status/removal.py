"""Status rules from removal history: re-entry after removal, final orders, proceedings.

These come first in the precedence after citizenship (docs/world-semantics.md). A
re-entry needs a record *certainly* dated after the removal; a partial date that may
fall on either side proves nothing, because the finding moves a person towards removal.
"""

from __future__ import annotations

from vetline.status.dates import DateSpan, on
from vetline.status.facts import Facts
from vetline.status.grants import Derivation, after, current_grants
from vetline.status.history import RecordRef
from vetline.status.result import Conflict, Ground, StatusFinding
from vetline.vocab import StatusCode


def reentry_rule(facts: Facts, out: Derivation) -> bool:
    removals = facts.removals()
    if not removals:
        return False
    removal = removals[-1]
    when = removal.outcome_date or removal.when
    if when is None:
        out.to_resolve.append("a removal is recorded without a date: when did it happen?")
    seen: list[tuple[DateSpan | None, str, RecordRef]] = [
        *(
            (e.when or e.outcome_date, "encounter", e.ref)
            for e in facts.encounters
            if e is not removal
        ),
        *((c.arrest_date, "arrest", c.ref) for c in facts.criminal),
        *((k.booking_date, "custody booking", k.ref) for k in facts.custody),
        *((j.proceeding_date, "court proceeding", j.ref) for j in facts.court),
        *((a.when, "arrival", a.ref) for a in facts.arrivals() if not a.admission_class),
    ]
    presence = [(d, label, ref) for d, label, ref in seen if d is not None and after(d, when)]
    lawful = [a for a in facts.arrivals() if a.admission_class and after(a.when, when)]
    later_grants = [s for s in current_grants(facts) if after(s.start, when)]
    if lawful or later_grants:
        refs = (removal.ref, *(a.ref for a in lawful), *(s.ref for s in later_grants))
        out.conflicts.append(
            Conflict(
                f"removed {on(when)}, later admitted or granted status: check consent to reapply "
                "(I-212) or a waiver before relying on the removal",
                refs,
            )
        )
        out.blocking = True
        return False
    if not presence:
        out.status = StatusFinding(
            StatusCode.UNKNOWN,
            f"Removed from the United States {on(when)}; no later record places the person "
            "in the United States.",
            (removal.ref,),
            "removed, no later presence",
        )
        out.to_resolve.append("confirm whether and how the person returned after removal")
        return True
    presence.sort(key=lambda p: p[0].lo)
    first = presence[0]
    orders = [
        c.ref for c in facts.court if c.decision in {"REMOVAL_ORDER", "REMOVAL_ORDER_IN_ABSENTIA"}
    ]
    refs = (removal.ref, *orders, first[2])
    out.status = StatusFinding(
        StatusCode.REMOVED_AND_REENTERED,
        f"Removed {on(when)}, then recorded in the United States ({first[1]} {first[0]}).",
        refs,
        "re-entry after removal (INA 212(a)(9)(A), 241(a)(5))",
    )
    out.grounds.append(
        Ground(
            "212(a)(9)(A)",
            "previously removed",
            f"removed {on(when)} and found in the United States again ({first[1]} {first[0]}) "
            "without a record of consent to reapply; the prior order may be reinstated "
            "(INA 241(a)(5))",
            refs,
        )
    )
    return True


def court_rule(facts: Facts, out: Derivation) -> bool:
    court = facts.court_sorted()
    if not court:
        return False
    last = court[-1]
    when = last.decision_date or last.proceeding_date
    if when is None:
        out.to_resolve.append("the court record has no date")
    if last.decision in {"REMOVAL_ORDER", "REMOVAL_ORDER_IN_ABSENTIA"}:
        kind = "in absentia " if last.decision == "REMOVAL_ORDER_IN_ABSENTIA" else ""
        if last.appeal_pending:
            out.status = StatusFinding(
                StatusCode.IN_PROCEEDINGS,
                f"Removal order {kind}{on(when)} under appeal: not final.",
                (last.ref,),
                "removal order under appeal (8 CFR 1241.1)",
            )
            out.to_resolve.append("the Board of Immigration Appeals' decision")
            return True
        for s in current_grants(facts):
            if after(s.start, when):
                out.conflicts.append(
                    Conflict(
                        f"{s.status_class} granted {on(s.start)} after the removal order of "
                        f"{on(when)}: "
                        "the order may have been reopened or cannot be executed",
                        (last.ref, s.ref),
                    )
                )
                out.blocking = True
        out.status = StatusFinding(
            StatusCode.FINAL_ORDER,
            f"Final order of removal {kind}{on(when)}, not appealed, not executed.",
            (last.ref,),
            "final order of removal (INA 241(a))",
        )
        out.grounds.append(
            Ground(
                "241(a)",
                "final order of removal",
                f"an immigration judge ordered removal {kind}{on(when)}; no appeal or later relief "
                "is recorded",
                (last.ref,),
            )
        )
        return True
    if last.decision == "PENDING" or last.decision is None:
        out.status = StatusFinding(
            StatusCode.IN_PROCEEDINGS,
            f"In removal proceedings before the immigration court since "
            f"{last.proceeding_date or when or '(date not recorded)'}; no decision yet.",
            (last.ref,),
            "pending removal proceedings (INA 240)",
        )
        out.to_resolve.append("the immigration court's decision (removability is for the court)")
        return True
    if last.decision == "VOLUNTARY_DEPARTURE":
        out.to_resolve.append(f"voluntary departure granted {on(when)}: confirm the departure")
    elif last.decision == "RELIEF_GRANTED" and not current_grants(facts):
        out.to_resolve.append(
            f"relief granted by the court {on(when)}, but no status record shows it"
        )
    return False
