"""The vetting centre's and the leads' documents, and the custody-deadline rule.

Pure code: typed frozen dataclasses in, PDF bytes or JSON-safe dicts out; no database, no
HTTP, no clock. ``vetline.vetting`` and ``vetline.leads`` import this package; it imports
only ``vetline.errors`` and ``vetline.vocab`` (a leaf, checked by tests/test_layering.py).

Public surface:

* Forms (``forms.py``, reference §4.2–4.4): ``DetainerForm`` (I-247A), ``NotificationForm``
  (request for notification of release), ``CancellationNotice`` (no nationality field, by
  design), with ``Identifiers``, ``Warrant``, ``WarrantKind``, ``ProbableCauseBasis``,
  ``RequestedAction``, ``CancellationReason``.
* Referral (``referral.py``, reference §4.5): ``ReferralPackage`` with ``Source``,
  ``IdentifierEntry``, ``Address``, ``ImmigrationEvent``, ``CriminalEntry``, ``CustodyInfo``,
  ``ScreenResult``, ``RemovalGround``; ``referral_json(pkg)`` and ``referral_from_json(d)``.
* Rendering (``render.py``, ``referral_pdf.py``): ``render_detainer``, ``render_notification``,
  ``render_cancellation``, ``render_referral_pdf`` -> PDF bytes, deterministic (same input,
  same bytes); ``sha256_hex(data)`` for the audit event of an issue.
* Deadline (``deadline.py``): ``DeadlineRule(hours=48, exclude_weekends_holidays=False)``,
  ``custody_deadline(release_at, rule) -> Deadline(at, rule_name, explanation)``;
  ``federal_holidays(year)`` (``holidays.py``, computed from 5 U.S.C. 6103).

Edit here: see README.md beside this file for which module holds what.
"""

from vetline.documents.deadline import Deadline, DeadlineRule, custody_deadline, excluded_day
from vetline.documents.forms import (
    LESC_DETAINEE_HOTLINE,
    LESC_LEA_PHONE,
    CancellationNotice,
    CancellationReason,
    DetainerForm,
    Identifiers,
    NotificationForm,
    ProbableCauseBasis,
    RequestedAction,
    Warrant,
    WarrantKind,
)
from vetline.documents.holidays import federal_holidays, holiday_name
from vetline.documents.referral import (
    REFERRAL_SCHEMA,
    Address,
    CriminalEntry,
    CustodyInfo,
    IdentifierEntry,
    ImmigrationEvent,
    ReferralPackage,
    RemovalGround,
    ScreenResult,
    Source,
    referral_from_json,
    referral_json,
)
from vetline.documents.referral_pdf import render_referral_pdf
from vetline.documents.render import (
    render_cancellation,
    render_detainer,
    render_notification,
    sha256_hex,
)

__all__ = [
    "LESC_DETAINEE_HOTLINE",
    "LESC_LEA_PHONE",
    "REFERRAL_SCHEMA",
    "Address",
    "CancellationNotice",
    "CancellationReason",
    "CriminalEntry",
    "CustodyInfo",
    "Deadline",
    "DeadlineRule",
    "DetainerForm",
    "IdentifierEntry",
    "Identifiers",
    "ImmigrationEvent",
    "NotificationForm",
    "ProbableCauseBasis",
    "ReferralPackage",
    "RemovalGround",
    "RequestedAction",
    "ScreenResult",
    "Source",
    "Warrant",
    "WarrantKind",
    "custody_deadline",
    "excluded_day",
    "federal_holidays",
    "holiday_name",
    "referral_from_json",
    "referral_json",
    "render_cancellation",
    "render_detainer",
    "render_notification",
    "render_referral_pdf",
    "sha256_hex",
]
