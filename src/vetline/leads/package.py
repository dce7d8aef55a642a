"""The referral package of a lead (``vetline.documents.ReferralPackage``) and its route.

Built when a confirmed lead is assigned, from the snapshot stored at confirmation (the
evidence the analyst confirmed, not whatever the records say later) and the AOR chosen.
The package's JSON is stored with the lead and its SHA-256 goes into the audit event, so
what the field office received can be shown byte for byte later; the PDF is rendered from
that JSON on demand (deterministic: the same JSON always gives the same PDF).

Routing (issue 16 §6, reference §8): the desk's county → AOR table
(``vetline.desk.routing``), by the custody facility when the person is held, else the most
recent address with a county. Nothing else feeds the route: no name, no nationality.

Edit here: what goes into a lead's package, or which place routes it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta

from vetline.desk.routing import Route, route
from vetline.documents import ReferralPackage, ScreenResult, referral_json
from vetline.errors import BadInput
from vetline.leads.models import Lead
from vetline.leads.ports import PersonSnapshot
from vetline.vocab import Action


def route_snapshot(snapshot: PersonSnapshot) -> tuple[Route | None, str]:
    """The field office for a person's last known place, and why (``None``: by hand).

    Places are tried custody first, then newest first; a place the table cannot decide (a
    split state without a county) falls through to the next.
    """
    tried: list[str] = []
    custody = [p for p in snapshot.places if p.basis.startswith("custody")]
    others = sorted(
        (p for p in snapshot.places if not p.basis.startswith("custody")),
        key=lambda p: p.as_of or date.min,
        reverse=True,
    )
    for place in (*custody, *others):
        try:
            found = route(place.state, place.county_fips)
        except BadInput:
            found = None
        if found is not None:
            return found, f"{place.basis} ({place.state} {place.county_fips or ''})".strip()
        tried.append(place.basis)
    if not tried:
        return None, "no address or custody place in the records: assign the AOR by hand"
    return None, "undetermined from " + ", ".join(tried) + ": assign the AOR by hand"


def build_package(
    lead: Lead,
    snapshot: PersonSnapshot,
    *,
    aor: str,
    field_office: str,
    prepared_by: str,
    prepared_at: datetime,
    expires_on: date,
) -> tuple[dict[str, object], str]:
    """The referral package's JSON and the SHA-256 of its canonical text."""
    screen_time = prepared_at
    citizenship = ScreenResult(
        result="NO SIGN OF U.S. CITIZENSHIP (records re-checked at confirmation)",
        reviewer=lead.confirmed_by or prepared_by,
        reviewed_at=screen_time,
        note=f"re-checked as of {snapshot.as_of.isoformat()}",
    )
    protected = ScreenResult(
        result=snapshot.protected_status or "NONE FOUND",
        reviewer=lead.confirmed_by or prepared_by,
        reviewed_at=screen_time,
    )
    reasons = tuple(r for r in lead.priority_reasons.split(";") if r)
    package = ReferralPackage(
        document_number=f"LR-{lead.id[:8].upper()}",
        kind=Action.LEAD_REFERRAL,
        lead_id=lead.id,
        subject_name=snapshot.subject_name,
        date_of_birth=snapshot.date_of_birth,
        sex=snapshot.sex,
        identifiers=snapshot.identifiers,
        addresses=snapshot.addresses,
        status=f"{snapshot.status_code}: {snapshot.status_summary}".strip(": "),
        status_evidence=snapshot.status_evidence,
        removal_grounds=snapshot.removal_grounds,
        immigration_history=snapshot.immigration_history,
        criminal_history=snapshot.criminal_history,
        custody=snapshot.custody,
        citizenship_screen=citizenship,
        protected_status_screen=protected,
        recommended_aor=aor,
        field_office=field_office,
        priority_score=float(lead.priority or 0),
        priority_reasons=reasons,
        expires_on=expires_on,
        prepared_by=prepared_by,
        prepared_at=prepared_at,
    )
    body = referral_json(package)
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return body, hashlib.sha256(text.encode("utf-8")).hexdigest()


def expiry(confirmed_on: date, days: int) -> date:
    """The date after which a lead must be re-vetted."""
    return confirmed_on + timedelta(days=days)
