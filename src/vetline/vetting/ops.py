"""The vetting centre's numbers for ``GET /v1/ops/vetting`` (issue 15 item 10; the internal
metrics reference §11.4 lists, whose absence was GAO's central finding).

Cancellations are reported by reason with USC_CONFIRMED first; times are medians and 90th
percentiles in hours, computed here from the stored timestamps (portable SQL: the rows of
one window are few).
"""

from __future__ import annotations

from datetime import timedelta
from statistics import quantiles
from typing import Any

from sqlalchemy import func, select

from vetline.db.base import parse_utc_iso, utc_iso
from vetline.db.uow import Actor
from vetline.documents import CancellationReason
from vetline.vetting.case_list import overdue_cases
from vetline.vetting.models import (
    CaseIAR,
    CitizenshipClaim,
    SourceCorrection,
    VettingCase,
    VettingNotice,
    VettingRequest,
)
from vetline.vetting.service import VettingService


def _hours(pairs: list[tuple[str, str]]) -> dict[str, float | int | None]:
    spans = sorted((parse_utc_iso(b) - parse_utc_iso(a)).total_seconds() / 3600 for a, b in pairs)
    if not spans:
        return {"count": 0, "p50": None, "p90": None}
    if len(spans) == 1:
        return {"count": 1, "p50": round(spans[0], 3), "p90": round(spans[0], 3)}
    cuts = quantiles(spans, n=10, method="inclusive")
    return {"count": len(spans), "p50": round(cuts[4], 3), "p90": round(cuts[8], 3)}


def vetting_stats(svc: VettingService, actor: Actor, days: int = 30) -> dict[str, Any]:
    """Counts and clocks over the last ``days`` days."""
    now = svc.now()
    since, at = utc_iso(now - timedelta(days=days)), utc_iso(now)
    with svc.uow(actor, read_only=True) as uow:
        s = uow.session

        def count(q: Any) -> int:
            return int(s.scalar(q) or 0)

        cancelled = dict(
            s.execute(
                select(VettingRequest.cancel_reason, func.count())
                .where(VettingRequest.state == "CANCELLED", VettingRequest.ended_at >= since)
                .group_by(VettingRequest.cancel_reason)
            ).all()
        )
        decisions = s.execute(
            select(VettingCase.opened_at, VettingCase.decided_at).where(
                VettingCase.decided_at.is_not(None), VettingCase.opened_at >= since
            )
        ).all()
        claim_times = s.execute(
            select(CitizenshipClaim.opened_at, CitizenshipClaim.determined_at).where(
                CitizenshipClaim.determined_at.is_not(None), CitizenshipClaim.opened_at >= since
            )
        ).all()
        return {
            "window_days": days,
            "as_of": at,
            "cases": {
                "opened": count(select(func.count()).where(VettingCase.opened_at >= since)),
                "closed": count(select(func.count()).where(VettingCase.closed_at >= since)),
                "open_now": count(select(func.count()).where(VettingCase.state != "CLOSED")),
                "overdue_now": count(
                    select(func.count())
                    .select_from(VettingCase)
                    .where(VettingCase.state != "CLOSED", overdue_cases(at))
                ),
                "flagged_for_revet": count(
                    select(func.count()).where(
                        VettingCase.revet_reason.is_not(None), VettingCase.state != "CLOSED"
                    )
                ),
            },
            "time_to_decision_hours": _hours([(a, b) for a, b in decisions if b]),
            "detainers": {
                "issued": count(
                    select(func.count()).where(
                        VettingRequest.kind == "DETAINER", VettingRequest.issued_at >= since
                    )
                ),
                "cancelled_by_reason": {
                    r.value: int(cancelled.get(r.value, 0)) for r in CancellationReason
                },
                "lapsed": count(
                    select(func.count()).where(
                        VettingRequest.state == "LAPSED", VettingRequest.ended_at >= since
                    )
                ),
                "custody_deadline_overdue": count(
                    select(func.count()).where(
                        VettingRequest.state.in_(["ISSUED", "SERVED", "ACKNOWLEDGED"]),
                        VettingRequest.deadline_at < at,
                    )
                ),
            },
            "citizenship_claims": {
                "opened": count(select(func.count()).where(CitizenshipClaim.opened_at >= since)),
                "open_now": count(
                    select(func.count()).where(CitizenshipClaim.state != "DETERMINED")
                ),
                "overdue_now": count(
                    select(func.count()).where(
                        CitizenshipClaim.state != "DETERMINED", CitizenshipClaim.due_at < at
                    )
                ),
                "escalated": count(
                    select(func.count()).where(CitizenshipClaim.escalated_at >= since)
                ),
                "confirmed": count(
                    select(func.count()).where(
                        CitizenshipClaim.determination == "USC_CONFIRMED",
                        CitizenshipClaim.determined_at >= since,
                    )
                ),
                "time_to_determination_hours": _hours([(a, b) for a, b in claim_times if b]),
            },
            "notices_open_by_kind": dict(
                s.execute(
                    select(VettingNotice.kind, func.count())
                    .where(VettingNotice.acknowledged_at.is_(None))
                    .group_by(VettingNotice.kind)
                ).all()
            ),
            "iars_amended_after_review": count(
                select(func.count()).where(CaseIAR.amended_at >= since)
            ),
            "corrections_by_source": dict(
                s.execute(
                    select(SourceCorrection.source, func.count())
                    .where(SourceCorrection.opened_at >= since)
                    .group_by(SourceCorrection.source)
                ).all()
            ),
        }
