"""The centre's clocks, acted on: one sweep escalates overdue citizenship claims, lapses
detainers whose hold period ended without ICE taking custody (issue 15 items 4 and 7), and
flags cases whose issued referral passed its expiry date for re-vetting.

Why the system and not only an officer: a claim nobody looks at stays unseen, and a
detainer nobody lapses keeps showing as a hold request the agency may no longer honour
(8 C.F.R. 287.7(d): custody "not to exceed 48 hours"; Policy 10074.2: ICE must promptly
assume custody or cancel). Each step is its own unit of work and a compare-and-set, so a
second sweep — another worker process, the CLI while ``serve`` runs — finds nothing left
to do: ``sweep`` is idempotent. Every act carries its rule's citation in its audit event
and posts a durable notice (``notices.py``) for the people who must know.

Entry points: ``vetline cases sweep`` (CLI), ``Sweeper`` (a daemon thread ``vetline
serve`` starts through ``install_vetting(..., sweep_every=...)``).

Edit here: who is told (``CLAIM_AUDIENCE``, ``LAPSE_AUDIENCE``), which requests lapse
(``LAPSING_KINDS``), the citations.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from vetline.db.base import parse_utc_iso, utc_iso
from vetline.db.uow import Actor
from vetline.errors import BadInput
from vetline.statemachine import IllegalTransition
from vetline.vetting import notices, rules
from vetline.vetting.case_list import OPEN_CLAIMS
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import CitizenshipClaim, VettingCase, VettingNotice, VettingRequest
from vetline.vetting.moves import load_case
from vetline.vetting.moving import step
from vetline.vetting.service import VettingService
from vetline.vetting.states import CaseState, RequestState
from vetline.vetting.views import CLOCKED

log = logging.getLogger("vetline.vetting.sweep")

SWEEPER: Final = "vetting-sweep"
CLAIM_AUDIENCE: Final = (notices.SUPERVISOR, notices.REVIEWER)
LAPSE_AUDIENCE: Final = (notices.SUPERVISOR, notices.OFFICER)
#: Only a detainer asks an agency to hold a person; a notification request asks for a
#: phone call before release and ends with it.
LAPSING_KINDS: Final = (rules.DETAINER,)
REFERRAL_KINDS: Final = (rules.LEAD_REFERRAL, rules.CONDITIONAL_REFERRAL)
REFERRAL_CITATION: Final = (
    "reference §4.5: a referral package carries an expiry/staleness date "
    "(VettingSettings.referral_days after issue)"
)
CLAIM_CITATION: Final = (
    "issue 15 item 7 / reference §11.2 item 7: a citizenship claim opens a review task "
    "with a clock and escalates to a supervisor when overdue (VettingSettings.claim_hours)"
)
LAPSE_CITATION: Final = (
    "8 C.F.R. 287.7(d) (custody not to exceed 48 hours, excluding Saturdays, Sundays and "
    "holidays); DHS Form I-247A (02/17) (48 hours beyond the time of release); ICE Policy "
    "10074.2 (ICE assumes custody or the detainer ends)"
)


def sweep(svc: VettingService, actor: Actor | None = None) -> dict[str, Any]:
    """Escalate overdue claims, lapse detainers past their custody deadline; what was done."""
    actor = actor or Actor.system(SWEEPER)
    at = utc_iso(svc.now())
    escalated = escalate_claims(svc, actor, at)
    lapsed = lapse_detainers(svc, actor, at)
    expired = expire_referrals(svc, actor, at)
    done = {
        "at": at,
        "claims_escalated": escalated,
        "detainers_lapsed": lapsed,
        "referrals_expired": expired,
    }
    if escalated or lapsed or expired:
        with svc.uow(actor) as uow:
            uow.audit(VettingEvent.SWEEP_RUN, object_type="sweep", details=done)
            uow.commit()
    return done


def escalate_claims(svc: VettingService, actor: Actor, at: str) -> list[str]:
    """Each open claim past its due time, not yet escalated: mark it, notify, audit."""
    with svc.uow(actor, read_only=True) as uow:
        due = list(
            uow.session.execute(
                select(CitizenshipClaim.id).where(
                    CitizenshipClaim.state.in_(OPEN_CLAIMS),
                    CitizenshipClaim.due_at < at,
                    CitizenshipClaim.escalated_at.is_(None),
                )
            ).scalars()
        )
    return [cid for cid in due if _escalate(svc, actor, cid, at)]


def _escalate(svc: VettingService, actor: Actor, claim_id: str, at: str) -> bool:
    try:
        with svc.uow(actor) as uow:
            won = uow.session.execute(
                update(CitizenshipClaim)
                .where(
                    CitizenshipClaim.id == claim_id,
                    CitizenshipClaim.escalated_at.is_(None),
                    CitizenshipClaim.state.in_(OPEN_CLAIMS),
                )
                .values(escalated_at=at)
            )
            if getattr(won, "rowcount", 0) != 1:
                return False  # escalated or determined meanwhile
            claim = uow.session.get(CitizenshipClaim, claim_id)
            assert claim is not None
            case = uow.session.get(VettingCase, claim.case_id)
            assert case is not None
            late = parse_utc_iso(at) - parse_utc_iso(claim.due_at)
            text = (
                f"Citizenship claim on case {case.number} ({claim.claimant}) was due "
                f"{claim.due_at} and has no determination ({late.total_seconds() / 3600:.1f} h "
                f"overdue); every live request of the case stays on hold until a reviewer "
                f"determines it."
            )
            for audience in CLAIM_AUDIENCE:
                notices.post(
                    uow,
                    kind=notices.CLAIM_OVERDUE,
                    audience=audience,
                    case_id=case.id,
                    subject_type="claim",
                    subject_id=claim.id,
                    text=text,
                    citation=CLAIM_CITATION,
                )
            uow.audit(
                VettingEvent.CLAIM_ESCALATED,
                object_type="claim",
                object_id=claim.id,
                requesting_ori=case.ori,
                reason="citizenship claim overdue",
                details={
                    "case_id": case.id,
                    "due_at": claim.due_at,
                    "escalated_at": at,
                    "to": list(CLAIM_AUDIENCE),
                    "citation": CLAIM_CITATION,
                },
            )
            uow.commit()
            return True
    except IntegrityError:  # another process posted the same notices first
        return False


def lapse_detainers(svc: VettingService, actor: Actor, at: str) -> list[str]:
    """Each running detainer whose custody deadline passed: LAPSED, the case following."""
    with svc.uow(actor, read_only=True) as uow:
        due = list(
            uow.session.execute(
                select(VettingRequest.id).where(
                    VettingRequest.state.in_([s.value for s in CLOCKED]),
                    VettingRequest.deadline_at < at,
                    VettingRequest.kind.in_(LAPSING_KINDS),
                )
            ).scalars()
        )
    return [rid for rid in due if _lapse(svc, actor, rid, at)]


def _lapse(svc: VettingService, actor: Actor, request_id: str, at: str) -> bool:
    try:
        with svc.uow(actor) as uow:
            req = uow.session.get(VettingRequest, request_id)
            if req is None or req.deadline_at is None or req.deadline_at >= at:
                return False
            if RequestState(req.state) not in CLOCKED:
                return False  # custody assumed, cancelled or lapsed meanwhile
            case = load_case(uow, req.case_id)
            before, deadline = req.state, req.deadline_at
            reason = (
                f"custody deadline {deadline} passed without ICE assuming custody "
                f"({req.deadline_rule}); lapsed by the system"
            )
            step(svc, uow, case, req, RequestState.LAPSED, actor, reason, {"ended_at": at})
            why = {
                "case_id": case.id,
                "from": before,
                "release_at": req.release_at,
                "deadline_at": deadline,
                "deadline_rule": req.deadline_rule,
                "deadline_explanation": req.deadline_explanation,
                "citation": LAPSE_CITATION,
                "case_state": case.state,
            }
            uow.audit(
                VettingEvent.DETAINER_LAPSED,
                object_type="request",
                object_id=req.id,
                requesting_ori=req.agency_ori,
                reason=reason,
                details=why,
            )
            uow.audit(
                VettingEvent.AGENCY_NOTIFIED,
                object_type="request",
                object_id=req.id,
                requesting_ori=req.agency_ori,
                details={
                    "what": "detainer lapsed: it no longer asks the agency to maintain custody",
                    "deadline_at": deadline,
                },
            )
            text = (
                f"Detainer {req.number} (case {case.number}) lapsed: the custody deadline "
                f"{deadline} passed without custody assumed; the case is {case.state}."
            )
            for audience in LAPSE_AUDIENCE:
                notices.post(
                    uow,
                    kind=notices.DETAINER_LAPSED,
                    audience=audience,
                    case_id=case.id,
                    subject_type="request",
                    subject_id=req.id,
                    text=text,
                    citation=LAPSE_CITATION,
                )
            uow.commit()
            return True
    except (IllegalTransition, BadInput, IntegrityError):  # moved by someone else meanwhile
        return False


def expire_referrals(svc: VettingService, actor: Actor, at: str) -> list[str]:
    """Each issued lead / conditional referral past its expiry date (``referral_days`` after
    issue, the date printed in its package): a notice, and its case flagged for re-vetting,
    so the field does not act on a stale package (reference §4.5 expiry/staleness date)."""
    cutoff = utc_iso(parse_utc_iso(at) - timedelta(days=svc.settings.referral_days))
    noticed = exists().where(
        VettingNotice.subject_id == VettingRequest.id,
        VettingNotice.kind == notices.REFERRAL_EXPIRED,
    )
    with svc.uow(actor, read_only=True) as uow:
        due = list(
            uow.session.execute(
                select(VettingRequest.id).where(
                    VettingRequest.kind.in_(REFERRAL_KINDS),
                    VettingRequest.state == RequestState.ISSUED.value,
                    VettingRequest.issued_at < cutoff,
                    ~noticed,
                )
            ).scalars()
        )
    return [rid for rid in due if _expire(svc, actor, rid, at)]


def _expire(svc: VettingService, actor: Actor, request_id: str, at: str) -> bool:
    try:
        with svc.uow(actor) as uow:
            req = uow.session.get(VettingRequest, request_id)
            if req is None or req.issued_at is None:
                return False
            case = load_case(uow, req.case_id)
            expired_on = (
                parse_utc_iso(req.issued_at) + timedelta(days=svc.settings.referral_days)
            ).date()
            why = f"{req.kind} {req.number} expired on {expired_on}: re-vet before acting on it"
            if case.state != CaseState.CLOSED:
                case.revet_reason = why[:300]
            for audience in LAPSE_AUDIENCE:
                notices.post(
                    uow,
                    kind=notices.REFERRAL_EXPIRED,
                    audience=audience,
                    case_id=case.id,
                    subject_type="request",
                    subject_id=req.id,
                    text=f"Case {case.number}: {why}.",
                    citation=REFERRAL_CITATION,
                )
            uow.audit(
                VettingEvent.CASE_REVET_FLAGGED,
                object_type="case",
                object_id=case.id,
                reason=why,
                details={"request_id": req.id, "citation": REFERRAL_CITATION, "at": at},
            )
            uow.commit()
            return True
    except IntegrityError:  # another process noticed it first
        return False


class Sweeper:
    """``sweep`` every ``every_s`` seconds in a daemon thread of the serve process.

    A failed sweep is recorded in the audit trail (outcome ``failure``), not only logged,
    and the next one runs as planned.
    """

    def __init__(self, svc: VettingService, every_s: float = 60.0) -> None:
        self.svc, self.every_s = svc, every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name=SWEEPER, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_once(self) -> dict[str, Any] | None:
        try:
            return sweep(self.svc)
        except Exception as exc:  # recorded, then the loop goes on
            log.exception("vetting sweep failed")
            try:
                with self.svc.uow(Actor.system(SWEEPER)) as uow:
                    uow.audit(
                        VettingEvent.SWEEP_RUN,
                        outcome="failure",
                        object_type="sweep",
                        reason=f"{type(exc).__name__}: {exc}"[:500],
                    )
                    uow.commit()
            except Exception:
                log.exception("vetting sweep: the failure could not be audited")
            return None

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self.run_once()
