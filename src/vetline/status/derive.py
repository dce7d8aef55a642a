"""Status rules after the citizenship screen, in precedence order (docs/world-semantics.md).

REMOVED_AND_REENTERED > FINAL_ORDER > IN_PROCEEDINGS > current grant > terminated
conditional residence (UNKNOWN with ground 237(a)(1)(D)(i)) > admission-based
(in status, overstay) > entry without inspection > UNKNOWN. Each rule writes its own
finding: the label (``StatusFinding.rule``), the summary and the records it rests on;
the first rule that applies decides. Records that disagree with the deciding rule are
surfaced as conflicts, never dropped.
"""

from __future__ import annotations

from vetline.status.entry import admission_rule, ewi_rule
from vetline.status.facts import Facts
from vetline.status.grants import (
    EXPIRING,
    GRANT_CITATIONS,
    GRANT_CODES,
    PENDING_CLASSES,
    Derivation,
    current_grants,
)
from vetline.status.history import RecordRef
from vetline.status.policy import AdmissionClasses
from vetline.status.removal import court_rule, reentry_rule
from vetline.status.result import Ground, StatusFinding
from vetline.vocab import StatusCode


def _grant(facts: Facts, out: Derivation) -> bool:
    grants = [g for g in current_grants(facts) if g.status_class in GRANT_CODES]
    if not grants:
        return False
    real = [g for g in grants if g.status_class != "ASYLUM_PENDING"]
    chosen = (real or grants)[0]
    code = GRANT_CODES[chosen.status_class]
    what = chosen.status_class.replace("_", " ")
    if chosen.visa_class:
        what += f" ({chosen.visa_class})"
    until = f" until {chosen.end}" if chosen.end and chosen.status_class in EXPIRING else ""
    verb = "pending since" if chosen.status_class == "ASYLUM_PENDING" else "granted"
    out.status = StatusFinding(
        code,
        f"{what} {verb} {chosen.start or '(date not recorded)'}{until}.",
        (chosen.ref,),
        f"current {what.lower()} grant ({GRANT_CITATIONS[chosen.status_class]})",
    )
    if chosen.state is None:
        # The record may be a grant or not: act on neither reading.
        out.blocking = True
        out.to_resolve.append(
            f"{chosen.status_class} record {chosen.ref.record_id} has no status_state: "
            "confirm whether it was granted"
        )
    if chosen.status_class == "CONDITIONAL_LPR" and chosen.end and chosen.end.hi < facts.as_of:
        out.to_resolve.append(
            f"conditional residence ended {chosen.end}: check the I-751 petition (INA 216)"
        )
    return True


def _conditional_terminated(facts: Facts, out: Derivation) -> bool:
    """Conditional residence terminated (INA 216(b), (c)(2)) and nothing granted since.

    There is no status code for it (UNKNOWN), but the termination record itself is the
    ground 237(a)(1)(D)(i). Runs only after no grant is current (``_grant``), and only
    when the termination date is recorded and no entry or exit could follow it: a later
    trip means the records no longer tell where the stay rests, so the admission rules
    decide instead (the safe side).
    """
    ended = [
        s
        for s in facts.status
        if s.status_class == "CONDITIONAL_LPR" and s.state == "TERMINATED" and (s.start or s.end)
    ]
    if not ended:
        return False
    term = ended[-1]
    when = term.start or term.end
    assert when is not None
    if any(e.when is None or not e.when.certainly_before(when) for e in facts.entry_exit):
        return False
    grants = [
        s
        for s in facts.status
        if s.status_class == "CONDITIONAL_LPR" and s.state == "GRANTED" and s is not term
    ]
    refs = (*(g.ref for g in grants[:1]), term.ref)
    since = f" (granted {grants[0].start})" if grants and grants[0].start else ""
    out.status = StatusFinding(
        StatusCode.UNKNOWN,
        f"Conditional permanent residence{since} was terminated {when}; no later grant "
        "of status is recorded.",
        refs,
        "conditional residence terminated (INA 216)",
    )
    out.grounds.append(
        Ground(
            "237(a)(1)(D)(i)",
            "conditional permanent residence terminated",
            f"the CONDITIONAL_LPR record {term.ref.record_id} shows termination on {when} "
            "and no later grant",
            refs,
        )
    )
    out.to_resolve.append(
        "I-751 review: an approved or pending petition to remove conditions, or an "
        "immigration judge's review of the termination (INA 216(c)(3)(D), 8 CFR 216.5(f)), "
        "would end this ground"
    )
    return True


def derive_status(
    facts: Facts, adm: AdmissionClasses, illegal_entry: list[RecordRef]
) -> Derivation:
    """Apply the status rules in precedence order; UNKNOWN when none establishes a status."""
    out = Derivation()
    for rule in (reentry_rule, court_rule, _grant, _conditional_terminated):
        if rule(facts, out):
            return out
    if admission_rule(facts, adm, out) and out.status and out.status.code != StatusCode.UNKNOWN:
        return out
    admission_unknown = out.status
    if ewi_rule(facts, illegal_entry, out):
        return out
    if admission_unknown is not None:
        out.status = admission_unknown
        return out
    pending = [
        s
        for s in facts.status
        if s.status_class in PENDING_CLASSES and s.state in {"PENDING", "GRANTED"}
    ]
    evidence = tuple(r.ref for r in facts.records)
    if pending:
        out.to_resolve.append(
            f"decision on the pending {pending[0].status_class.replace('_', ' ').lower()}"
        )
    summary = (
        "The records do not establish an immigration status"
        + (
            " (only criminal, custody or notice records)"
            if not facts.has_immigration_records
            else ""
        )
        + "; absence of a record is not evidence of unlawful presence."
    )
    out.status = StatusFinding(StatusCode.UNKNOWN, summary, evidence[:10], "no status established")
    out.to_resolve.append(
        "immigration history from the A-file, entry records and benefits "
        "systems; a biometric match to an immigration encounter"
    )
    return out
