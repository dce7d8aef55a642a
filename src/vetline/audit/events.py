"""Audit event types, one vocabulary for every package (CJIS AU-2 plus domain events).

Later packages add their types here (``IAQ_RECEIVED``, ``IAR_SENT``, ``RECORD_VIEWED``,
``VETTING_DECISION``...) so auditors can search one list.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """What happened."""

    LOGIN_SUCCEEDED = "LOGIN_SUCCEEDED"
    LOGIN_FAILED = "LOGIN_FAILED"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    LOGOUT = "LOGOUT"
    SESSION_EXPIRED = "SESSION_EXPIRED"
    AUTH_FAILED = "AUTH_FAILED"
    API_CALL = "API_CALL"
    ACCESS_DENIED = "ACCESS_DENIED"
    USER_CREATED = "USER_CREATED"
    USER_DISABLED = "USER_DISABLED"
    USER_ENABLED = "USER_ENABLED"
    USER_UNLOCKED = "USER_UNLOCKED"
    USER_ROLE_CHANGED = "USER_ROLE_CHANGED"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"
    TOKEN_ISSUED = "TOKEN_ISSUED"
    TOKEN_REVOKED = "TOKEN_REVOKED"
    USERS_LISTED = "USERS_LISTED"
    AUDIT_SEARCHED = "AUDIT_SEARCHED"
    AUDIT_EXPORTED = "AUDIT_EXPORTED"
    AUDIT_VERIFIED = "AUDIT_VERIFIED"
    WORK_CLAIMED = "WORK_CLAIMED"
    WORK_RELEASED = "WORK_RELEASED"
    WORK_COMPLETED = "WORK_COMPLETED"
    # The query desk (vetline.desk.service):
    IAQ_RECEIVED = "IAQ_RECEIVED"
    IAQ_REFUSED = "IAQ_REFUSED"
    IAQ_QUEUED = "IAQ_QUEUED"
    IAR_SENT = "IAR_SENT"
    IAR_VIEWED = "IAR_VIEWED"
    # Batch vetting (vetline.batch):
    BATCH_JOB_SUBMITTED = "BATCH_JOB_SUBMITTED"
    BATCH_JOB_STARTED = "BATCH_JOB_STARTED"
    BATCH_JOB_FINISHED = "BATCH_JOB_FINISHED"
    BATCH_RESULTS_READ = "BATCH_RESULTS_READ"


class Outcome(StrEnum):
    """How it ended (AU-3 "outcome")."""

    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"
