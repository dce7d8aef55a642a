"""The vetting centre's request forms as plain data: the I-247A detainer, the request for
notification of release, and the detainer-cancellation notice (reference §4.2–4.4).

Why frozen dataclasses with no behaviour beyond checks: a document is rendered from exactly
what the case decided, and its SHA-256 is recorded at issue; a mutable form could drift
between the approval and the rendering. The checks here refuse a form that could never be a
lawful document (a detainer with no probable-cause box, a naive issue time); the case rules
(two-person approval, citizenship holds, custody) belong to ``vetline.vetting``.

Edit here: a field of a form (add it here, then label it in ``render.py``); the I-247A's
checkboxes in ``ProbableCauseBasis`` and ``RequestedAction``; cancellation reasons in
``CancellationReason``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from vetline.errors import BadInput

#: The LESC line the I-247A names for an LEA that cannot reach the issuing office (§4.2).
LESC_LEA_PHONE = "(802) 872-6020"
#: The LESC hotline printed on the detainee's notice since 2011 for claimed U.S. citizens
#: and victims of crime (§4.2, [S29-bulletin]).
LESC_DETAINEE_HOTLINE = "(855) 448-6903"


class ProbableCauseBasis(StrEnum):
    """Box 1 of the I-247A (02/17): the four grounds DHS may cite for probable cause.

    There is deliberately no "foreign-born, no match in databases" value: ICE Policy
    10074.2 says such no-matches do not suffice (§4.1), and Gonzalez v. ICE shows the harm.
    """

    FINAL_ORDER = "FINAL_ORDER"
    PENDING_PROCEEDINGS = "PENDING_PROCEEDINGS"
    BIOMETRIC_AND_RECORDS = "BIOMETRIC_AND_RECORDS"
    STATEMENTS_OR_OTHER_EVIDENCE = "STATEMENTS_OR_OTHER_EVIDENCE"


class WarrantKind(StrEnum):
    """The administrative warrant a detainer must carry (Policy 10074.2, §4.4)."""

    I_200 = "I-200"  # Warrant for Arrest of Alien
    I_205 = "I-205"  # Warrant of Removal/Deportation (needs a final order, 8 CFR 241.2(a)(1))


class RequestedAction(StrEnum):
    """The "IT IS THEREFORE REQUESTED THAT YOU" checkboxes of the I-247A (§4.2)."""

    NOTIFY_BEFORE_RELEASE = "NOTIFY_BEFORE_RELEASE"
    MAINTAIN_CUSTODY_48H = "MAINTAIN_CUSTODY_48H"
    RELAY_ON_TRANSFER = "RELAY_ON_TRANSFER"
    NOTIFY_DEATH_HOSPITALIZATION_TRANSFER = "NOTIFY_DEATH_HOSPITALIZATION_TRANSFER"


class CancellationReason(StrEnum):
    """Why a detainer was cancelled; USC_CONFIRMED first, as the metrics count it (§6.3)."""

    USC_CONFIRMED = "USC_CONFIRMED"
    LAWFUL_STATUS = "LAWFUL_STATUS"
    WRONG_PERSON = "WRONG_PERSON"
    RELEASED = "RELEASED"
    OTHER = "OTHER"


@dataclass(frozen=True, slots=True, kw_only=True)
class Identifiers:
    """The subject's identifiers as the forms print them; any may be absent."""

    fin: str | None = None
    a_number: str | None = None
    fbi_number: str | None = None
    sid: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Warrant:
    """The administrative warrant record linked to a detainer (I-200 or I-205)."""

    kind: WarrantKind
    number: str
    signed_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class DetainerForm:
    """DHS Form I-247A "Immigration Detainer – Notice of Action" (reference §4.2).

    ``pc_bases`` is a tuple because the form's box 1 reads "and/or": an officer may tick
    more than one; it must tick at least one. ``nationality_as_recorded`` is the form's
    "Citizenship" line, printed as the records show it and labelled so.
    """

    document_number: str
    case_id: str
    form_version: str = "I-247A (02/17)"
    # Subject (header of the form)
    subject_name: str
    date_of_birth: date
    nationality_as_recorded: str
    sex: str
    identifiers: Identifiers
    # TO: the institution holding the subject; FROM: the DHS office
    facility_name: str
    facility_ori: str
    aor: str
    field_office: str
    dhs_contact_phone: str
    # Box 1
    pc_bases: tuple[ProbableCauseBasis, ...]
    pc_detail: str
    warrant: Warrant
    requested_actions: tuple[RequestedAction, ...] = (
        RequestedAction.NOTIFY_BEFORE_RELEASE,
        RequestedAction.MAINTAIN_CUSTODY_48H,
        RequestedAction.RELAY_ON_TRANSFER,
        RequestedAction.NOTIFY_DEATH_HOSPITALIZATION_TRANSFER,
    )
    # Signatures
    officer_name: str
    officer_title: str
    supervisor_name: str
    issued_at: datetime

    def __post_init__(self) -> None:
        _require_aware("issued_at", self.issued_at)
        _require_text(self, (*_ISSUED_FORM_TEXT, "pc_detail"))
        _require_text(self.warrant, ("number",), prefix="warrant.")
        _require_two_people(self.officer_name, self.supervisor_name)
        if not self.pc_bases:
            raise BadInput("pc_bases", "a detainer needs at least one probable-cause basis")
        if len(set(self.pc_bases)) != len(self.pc_bases):
            raise BadInput("pc_bases", "a basis is listed twice")


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationForm:
    """Request for notification of release (the I-247N model, reference §4.3).

    It asks the agency to tell DHS before release and, unlike a detainer, neither requests
    nor authorises holding anyone a minute longer; the rendering says so.
    ``priority_reasons`` are the policy-versioned grounds (section 1 of the I-247N model).
    """

    document_number: str
    case_id: str
    form_version: str = "I-247N model (request for notification)"
    subject_name: str
    date_of_birth: date
    nationality_as_recorded: str
    sex: str
    identifiers: Identifiers
    facility_name: str
    facility_ori: str
    aor: str
    field_office: str
    dhs_contact_phone: str
    priority_reasons: tuple[str, ...]
    basis_detail: str
    officer_name: str
    officer_title: str
    supervisor_name: str
    issued_at: datetime

    def __post_init__(self) -> None:
        _require_aware("issued_at", self.issued_at)
        _require_text(self, (*_ISSUED_FORM_TEXT, "basis_detail"))
        _require_two_people(self.officer_name, self.supervisor_name)
        if not self.priority_reasons:
            raise BadInput("priority_reasons", "a notification request needs a stated reason")


@dataclass(frozen=True, slots=True, kw_only=True)
class CancellationNotice:
    """Notice to an agency that a detainer is cancelled.

    There is no nationality field, by design: Cato's Travis County review found cancellation
    notices for likely citizens that still listed a foreign nationality (reference §6.2).
    A notice cannot repeat what it cannot hold.
    """

    document_number: str
    case_id: str
    detainer_number: str
    agency_name: str
    agency_ori: str
    subject_name: str
    date_of_birth: date
    reason: CancellationReason
    note: str = ""
    officer_name: str
    officer_title: str
    cancelled_at: datetime

    def __post_init__(self) -> None:
        _require_aware("cancelled_at", self.cancelled_at)
        _require_text(
            self,
            (
                "document_number",
                "case_id",
                "detainer_number",
                "agency_name",
                "subject_name",
                "officer_name",
            ),
        )
        if self.reason is CancellationReason.OTHER and not self.note.strip():
            raise BadInput("note", "a cancellation for OTHER reasons must say the reason")


def _require_aware(name: str, value: datetime) -> None:
    """Refuse a naive datetime: a custody clock or a document time must name its zone."""
    if not isinstance(value, datetime):
        raise BadInput(name, "must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise BadInput(name, "must be timezone-aware (UTC), got a naive datetime")


#: Text fields a detainer or notification cannot be issued without.
_ISSUED_FORM_TEXT = (
    "document_number",
    "case_id",
    "subject_name",
    "facility_name",
    "field_office",
    "officer_name",
    "officer_title",
    "supervisor_name",
)


def _require_text(obj: object, names: tuple[str, ...], prefix: str = "") -> None:
    """Refuse a blank required field: a form with an empty name line must not be issued."""
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, str) or not value.strip():
            raise BadInput(f"{prefix}{name}", "must not be blank")


def _require_two_people(officer: str, supervisor: str) -> None:
    """A last line of defence under the vetting package's two-person rule (issue 15 item 3):
    a form whose approving supervisor is its issuing officer is never rendered. Names are a
    weak key; the real guard compares account ids in ``vetline.vetting``."""
    if " ".join(officer.split()).casefold() == " ".join(supervisor.split()).casefold():
        raise BadInput("supervisor_name", "the approving supervisor must not be the issuer")
