"""A few open cases for ``vetline demo`` (one with a citizenship claim), so a newcomer sees
the workflow: fingerprint hits of booked persons, drawn from the data folder's own biometric
records (never the synthetic world's answers), sent through the desk like any IAQ; the
desk's finalised IARs open the cases through the same intake as in production.
"""

from __future__ import annotations

import json
from typing import Any

from vetline.auth.roles import RowScope, ScopeKind
from vetline.db.uow import Actor
from vetline.vetting import claims
from vetline.vetting.intake import sweep
from vetline.vetting.service import VettingService

DEMO_ORI = "CA0194200"
CHARGE = {"charge_code": "1313", "charge_text": "ASSAULT", "offense_level": "MISDEMEANOR"}


def hits(records: Any, limit: int = 400) -> list[str]:
    """BIOMETRIC IAQs for the first fingerprint records (in custody on a criminal charge)."""
    table = records.tables.get("biometric")
    if table is None:
        return []
    out = []
    for n, row in enumerate(table.slice(0, limit).to_pylist()):
        if not (row.get("fin") and row.get("last_name") and row.get("dob")):
            continue
        subject = {
            k: str(row[k]) for k in ("last_name", "first_name", "dob", "sex", "fin") if row.get(k)
        }
        out.append(
            json.dumps(
                {
                    "iaq_id": f"DEMO-VET-{n}",
                    "query_type": "BIOMETRIC",
                    "ori": DEMO_ORI,
                    "subject": subject,
                    "encounter": {"state": "CA", "county_fips": "06037"},
                    "custody": {"in_custody": True, "facility_ori": DEMO_ORI},
                    "charges": [CHARGE],
                }
            )
        )
    return out


def seed_cases(svc: VettingService, records: Any, want: int = 3) -> list[str]:
    """Send fingerprint hits until ``want`` cases are open; file a claim on the first."""
    from vetline.vetting.models import VettingCase

    actor = Actor.system("demo")
    for body in hits(records):
        with svc.uow(actor, read_only=True) as uow:
            if len(uow.session.query(VettingCase.id).limit(want).all()) >= want:
                break
        svc.desk.submit(body, actor, RowScope(ScopeKind.ALL))
    sweep(svc, actor)
    with svc.uow(actor, read_only=True) as uow:
        ids = [c for (c,) in uow.session.query(VettingCase.id).order_by(VettingCase.opened_at)]
    if ids:
        claims.file_claim(
            svc,
            ids[0],
            Actor.system("demo-hotline"),
            "SUBJECT",
            None,
            "Hotline call: the subject says he was born in Los Angeles, CA",
        )
    return ids
