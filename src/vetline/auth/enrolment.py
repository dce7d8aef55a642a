"""One-time enrolment secrets: how a new user sets a password nobody else ever knew.

Why: an administrator who chooses a user's password can log in as that user (issue 13
item 1; CJIS IA-5 and AC-5). The approving administrator receives a random secret once and
hands it over; the user redeems it (``POST /v1/auth/enrol``) with a password of their
choosing, which is checked like any new password. The secret is stored as a keyed digest,
works once, and expires after :data:`ENROLMENT_LIFETIME`.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from vetline.audit.events import EventType, Outcome
from vetline.auth.accounts import find_user
from vetline.auth.models import Enrolment, User
from vetline.auth.policy import AuthPolicy
from vetline.auth.secrets import digest, hash_password, new_secret, password_problem
from vetline.db.base import parse_utc_iso, utc_iso
from vetline.db.uow import UnitOfWork
from vetline.errors import BadInput

ENROLMENT_LIFETIME = timedelta(hours=72)
ENROLMENT_PREFIX = "vle_"
GENERIC_FAILURE = "unknown account, or enrolment secret wrong, used or expired"


def issue_enrolment(uow: UnitOfWork, policy: AuthPolicy, user: User) -> str:
    """A new enrolment secret for ``user`` (replacing any unredeemed one); shown once."""
    clear = ENROLMENT_PREFIX + new_secret()
    now = uow.now()
    existing = uow.session.get(Enrolment, user.id)
    if existing is not None:
        uow.session.delete(existing)
        uow.session.flush()
    uow.session.add(
        Enrolment(
            user_id=user.id,
            secret_hash=digest(policy.pepper, clear),
            created_at=utc_iso(now),
            expires_at=utc_iso(now + ENROLMENT_LIFETIME),
        )
    )
    uow.audit(
        EventType.ENROLMENT_ISSUED,
        object_type="user",
        object_id=user.id,
        details={"username": user.username, "expires_in_hours": 72},
    )
    return clear


def redeem_enrolment(
    uow: UnitOfWork, policy: AuthPolicy, username: str, secret: str, password: str
) -> str | None:
    """Set the password of ``username`` if ``secret`` is its live enrolment secret.

    Returns why it was refused (the caller commits either way: a failure is audited as an
    unsuccessful authentication), or ``None``. A weak password is ``BadInput`` and leaves
    the secret usable.
    """
    user = find_user(uow, username) if username else None
    enrolment = None
    if user is not None:
        enrolment = uow.session.scalar(
            select(Enrolment).where(
                Enrolment.user_id == user.id,
                Enrolment.secret_hash == digest(policy.pepper, secret),
            )
        )
    now = uow.now()
    why = None
    if user is None or enrolment is None:
        why = "no such account or wrong secret"
    elif enrolment.redeemed_at is not None:
        why = "secret already used"
    elif now >= parse_utc_iso(enrolment.expires_at):
        why = "secret expired"
    elif user.disabled_at is not None:
        why = "account disabled"
    if why is not None or user is None or enrolment is None:
        uow.audit(
            EventType.ENROLMENT_FAILED,
            outcome=Outcome.FAILURE,
            object_type="user",
            object_id=user.id if user else None,
            reason=why,
            details={"username_attempted": username[:64]},
        )
        return GENERIC_FAILURE
    problem = password_problem(password, user.username)
    if problem:
        raise BadInput("password", problem)
    enrolment.redeemed_at = utc_iso(now)
    user.password_hash, user.password_changed_at = hash_password(password), utc_iso(now)
    uow.audit(EventType.ENROLMENT_REDEEMED, object_type="user", object_id=user.id)
    return None
