"""What a confirmed citizenship determination sets off (reference §11.2 item 7, §6.3):
every live request of the case cancelled with USC_CONFIRMED (an issued one with its notice),
each IAR of the case amended (a new version: no enforcement, citizenship confirmed) and the
agency told, a source-correction item opened for every record the non-citizen conclusion
rested on, and the case closed — all in the reviewer's transaction.

Edit here: what a confirmed determination changes.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from vetline.db.base import utc_iso
from vetline.db.uow import Actor, UnitOfWork
from vetline.desk.nlets_iar import render_iar_text
from vetline.desk.service import store as desk_store
from vetline.desk.service.models import DeskQuery
from vetline.vetting.corrections import add_correction
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import CaseIAR, CitizenshipClaim, VettingCase, VettingRequest
from vetline.vetting.service import VettingService
from vetline.vetting.states import CaseState, RequestState


def confirmed(
    svc: VettingService, uow: UnitOfWork, case: VettingCase, claim: CitizenshipClaim, actor: Actor
) -> None:
    from vetline.vetting.moves import move_case
    from vetline.vetting.moving import cancel_in

    for req in list(
        uow.session.scalars(
            select(VettingRequest).where(
                VettingRequest.case_id == case.id,
                VettingRequest.state.notin_(
                    [
                        RequestState.CANCELLED.value,
                        RequestState.LAPSED.value,
                        RequestState.CUSTODY_ASSUMED.value,
                    ]
                ),
            )
        )
    ):
        if RequestState(req.state) in {
            RequestState.DRAFT,
            RequestState.APPROVED,
            RequestState.ISSUED,
            RequestState.SERVED,
            RequestState.ACKNOWLEDGED,
            RequestState.DECLINED,
            RequestState.RETURNED,
        }:
            cancel_in(
                svc,
                uow,
                case,
                req,
                actor,
                "USC_CONFIRMED",
                f"citizenship confirmed (claim {claim.id})",
            )
    amend_iars(uow, case, claim, actor)
    open_corrections(uow, case, claim, actor)
    case.citizenship_sign = True
    uow.session.refresh(case)
    if case.state != CaseState.CLOSED:
        move_case(
            uow,
            case,
            CaseState.CLOSED,
            actor,
            reason="U.S. citizenship confirmed",
            closed_at=utc_iso(uow.now()),
            open_key=None,
            close_reason="USC_CONFIRMED",
        )


def amend_iars(uow: UnitOfWork, case: VettingCase, claim: CitizenshipClaim, actor: Actor) -> None:
    """A new IAR version for every query of the case: no enforcement, citizenship confirmed."""
    for link in uow.session.scalars(select(CaseIAR).where(CaseIAR.case_id == case.id)):
        query = uow.session.get(DeskQuery, link.query_id)
        if query is None or query.iar_json is None:
            continue
        iar = json.loads(query.iar_json)
        iar["removability"] = {"assessment": "NOT_REMOVABLE", "grounds": []}
        iar["recommendation"] = {
            "action": "NO_ACTION",
            "requires_review": True,
            "reason": "U.S. citizenship confirmed by a citizenship reviewer",
        }
        iar["flags"] = sorted({*iar.get("flags", []), "POSSIBLE_US_CITIZEN"})
        iar["amended"] = {
            "at": claim.determined_at,
            "by": actor.username,
            "claim_id": claim.id,
            "determination": "USC_CONFIRMED",
            "case": case.number,
        }
        # The terminal's text must say what the JSON now says (principle 1): rendered
        # again from the amended IAR, never left showing the old removability.
        iar["nlets_text"] = render_iar_text(iar, dest_ori=query.ori)
        query.iar_json = desk_store.canonical_json(iar)
        desk_store.add_response(uow, query.id, iar, "amended", actor.user_id)
        link.amended_at = claim.determined_at
        uow.audit(
            VettingEvent.IAR_AMENDED,
            object_type="iar",
            object_id=query.iar_id,
            requesting_ori=query.ori,
            details={"case_id": case.id, "query_id": query.id, "claim_id": claim.id},
        )
        uow.audit(
            VettingEvent.AGENCY_NOTIFIED,
            object_type="iar",
            object_id=query.iar_id,
            requesting_ori=query.ori,
            details={"what": "IAR amended: U.S. citizenship confirmed", "case_id": case.id},
        )


def open_corrections(
    uow: UnitOfWork, case: VettingCase, claim: CitizenshipClaim, actor: Actor
) -> None:
    """One source-correction item per record the non-citizen conclusion rested on."""
    working = json.loads(case.working_json).get("assessment", {})
    misled: dict[tuple[str, str], str] = {}
    for ev in working.get("status", {}).get("evidence", []):
        misled.setdefault((ev["source"], ev["record_id"]), "status")
    for ground in working.get("removability", {}).get("grounds", []):
        for ev in ground.get("evidence", []):
            misled.setdefault(
                (ev["source"], ev["record_id"]), f"removability ground {ground.get('ina')}"
            )
    for (source, record_id), why in sorted(misled.items()):
        add_correction(
            uow,
            case,
            source,
            record_id,
            "citizenship",
            f"U.S. citizen (claim {claim.id}); record supported {why}",
            "CITIZENSHIP_CLAIM",
            actor,
        )
