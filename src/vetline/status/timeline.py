"""The person's history as an ordered list of events the analyst UI can show."""

from __future__ import annotations

from datetime import date

from vetline.status.facts import Facts
from vetline.status.history import (
    CourtRec,
    CriminalRec,
    CustodyRec,
    EncounterRec,
    EntryExitRec,
    NoticeRec,
    Record,
    StatusRec,
    key_date,
)
from vetline.status.result import TimelineEvent


def _describe(r: Record) -> tuple[str, str]:
    if isinstance(r, StatusRec):
        extra = f" {r.visa_class}" if r.visa_class else ""
        end = f" until {r.end}" if r.end else ""
        return "status", f"{r.status_class}{extra} {r.state or ''}{end}".strip()
    if isinstance(r, EntryExitRec):
        cls = f" as {r.admission_class}" if r.admission_class else ""
        until = f" until {r.admit_until}" if r.admit_until else ""
        return "entry_exit", f"{r.event}{cls}{until}"
    if isinstance(r, EncounterRec):
        return "encounter", f"{r.encounter_type or 'ENCOUNTER'} → {r.outcome or 'no outcome'}"
    if isinstance(r, CourtRec):
        appeal = " (appeal pending)" if r.appeal_pending else ""
        return "court", f"{r.decision or 'PROCEEDING'}{appeal}"
    if isinstance(r, CriminalRec):
        parts = [f"charge {r.charge_code or '?'}", r.charge_text, r.level]
        outcome = r.disposition or "no disposition"
        if r.sentence_days is not None:
            outcome += f", {r.sentence_days} days"
        return "criminal", " ".join(p for p in parts if p) + f" → {outcome}"
    if isinstance(r, CustodyRec):
        out = f"released {r.release_date}" if r.release_date else "still in custody"
        return "custody", f"booked at {r.facility_name or 'a facility'}, {out}"
    if isinstance(r, NoticeRec):
        state = "ACTIVE" if r.active else "CLEARED"
        return r.ref.source, f"{r.kind or ''} {state if r.ref.source == 'warrants' else ''}".strip()
    return r.ref.source, "record"


def build_timeline(facts: Facts) -> tuple[TimelineEvent, ...]:
    """Dated records oldest first, then undated ones; each with its record key."""
    dated = []
    for r in facts.records:
        d = key_date(r)
        kind, text = _describe(r)
        dated.append(
            (d.lo if d else date.max, TimelineEvent(d.text if d else "undated", kind, text, r.ref))
        )
    dated.sort(key=lambda x: (x[0], x[1].record.source, x[1].record.record_id))
    return tuple(e for _, e in dated)
