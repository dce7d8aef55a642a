"""The vetting centre's audit event types (written with ``UnitOfWork.audit``).

Kept beside the package rather than in ``vetline.audit.events`` so that branches adding
event types do not edit one shared enum; the audit search finds them by their text all
the same (``event_type`` is a string column).
"""

from __future__ import annotations

from enum import StrEnum


class VettingEvent(StrEnum):
    """What happened in the vetting centre."""

    CASE_OPENED = "CASE_OPENED"
    CASE_ATTACHED = "CASE_ATTACHED"
    CASE_VIEWED = "CASE_VIEWED"
    CASES_LISTED = "CASES_LISTED"
    CASE_MOVED = "CASE_MOVED"
    RECORD_MARKED = "RECORD_MARKED"
    CHECKLIST_DECIDED = "CHECKLIST_DECIDED"
    CASE_REVET_FLAGGED = "CASE_REVET_FLAGGED"
    REQUEST_DRAFTED = "REQUEST_DRAFTED"
    REQUEST_MOVED = "REQUEST_MOVED"
    REQUEST_REFUSED = "REQUEST_REFUSED"
    DOCUMENT_ISSUED = "DOCUMENT_ISSUED"
    DOCUMENT_VIEWED = "DOCUMENT_VIEWED"
    REQUESTS_LISTED = "REQUESTS_LISTED"
    CLAIM_OPENED = "CLAIM_OPENED"
    CLAIM_ASSIGNED = "CLAIM_ASSIGNED"
    CLAIM_DETERMINED = "CLAIM_DETERMINED"
    IAR_AMENDED = "IAR_AMENDED"
    AGENCY_NOTIFIED = "AGENCY_NOTIFIED"
    CORRECTION_OPENED = "CORRECTION_OPENED"
    SNAPSHOT_TAKEN = "SNAPSHOT_TAKEN"
    CLAIM_ESCALATED = "CLAIM_ESCALATED"
    DETAINER_LAPSED = "DETAINER_LAPSED"
    NOTICE_POSTED = "NOTICE_POSTED"
    NOTICE_ACKNOWLEDGED = "NOTICE_ACKNOWLEDGED"
    SWEEP_RUN = "SWEEP_RUN"
