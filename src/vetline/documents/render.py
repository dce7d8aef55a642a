"""PDF renderings of the vetting centre's forms: the I-247A detainer, the request for
notification of release, and the cancellation notice (reference §4.2–4.3).

Each function prints every field of its dataclass with a label, in the order of the paper
form, and the fixed texts the subject and the agency must see (the 48-hour limit, the
service requirement, the LESC hotline for claimed U.S. citizens). Layout lives in
``pdf.py``; the referral package in ``referral_pdf.py``.

Edit here: a form's wording or the order of its sections.
"""

from __future__ import annotations

import hashlib

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
)
from vetline.documents.pdf import Document

#: Box 1 of the I-247A, as the form words each basis (§4.2).
PC_BASIS_TEXT: dict[ProbableCauseBasis, str] = {
    ProbableCauseBasis.FINAL_ORDER: "A final order of removal against the alien.",
    ProbableCauseBasis.PENDING_PROCEEDINGS: (
        "The pendency of ongoing removal proceedings against the alien."
    ),
    ProbableCauseBasis.BIOMETRIC_AND_RECORDS: (
        "Biometric confirmation of the alien's identity and a records check of federal "
        "databases that affirmatively indicate, by themselves or in addition to other reliable "
        "information, that the alien either lacks immigration status or notwithstanding such "
        "status is removable under U.S. immigration law."
    ),
    ProbableCauseBasis.STATEMENTS_OR_OTHER_EVIDENCE: (
        "Statements made by the alien to an immigration officer and/or other reliable "
        "evidence that affirmatively indicate the alien either lacks immigration status or "
        "notwithstanding such status is removable under U.S. immigration law."
    ),
}

#: "IT IS THEREFORE REQUESTED THAT YOU", as the I-247A words each request (§4.2).
REQUEST_TEXT: dict[RequestedAction, str] = {
    RequestedAction.NOTIFY_BEFORE_RELEASE: (
        "Notify DHS as early as practicable (at least 48 hours, if possible) before the alien "
        "is released from your custody. If you cannot reach an official at the number "
        f"provided, contact the Law Enforcement Support Center at {LESC_LEA_PHONE}."
    ),
    RequestedAction.MAINTAIN_CUSTODY_48H: (
        "Maintain custody of the alien for a period NOT TO EXCEED 48 HOURS beyond the time "
        "when he/she would otherwise have been released from your custody to allow DHS to "
        "assume custody."
    ),
    RequestedAction.RELAY_ON_TRANSFER: (
        "Relay this detainer to any other law enforcement agency to which you transfer "
        "custody of the alien."
    ),
    RequestedAction.NOTIFY_DEATH_HOSPITALIZATION_TRANSFER: (
        "Notify this office in the event of the alien's death, hospitalization or transfer "
        "to another institution."
    ),
}

#: What the agency reads for each cancellation reason. None names a country.
CANCELLATION_TEXT: dict[CancellationReason, str] = {
    CancellationReason.USC_CONFIRMED: (
        "United States citizenship confirmed. DHS has no authority to detain this person."
    ),
    CancellationReason.LAWFUL_STATUS: (
        "The subject holds lawful status and is not subject to this detainer."
    ),
    CancellationReason.WRONG_PERSON: (
        "Wrong person: the subject is not the person this detainer was meant for."
    ),
    CancellationReason.RELEASED: "DHS no longer seeks custody of the subject.",
    CancellationReason.OTHER: "Other reason, stated in the note below.",
}

DETAINEE_NOTICE = (
    "NOTICE TO THE DETAINEE: The Department of Homeland Security (DHS) has placed an "
    "immigration detainer on you. If you believe you are a United States citizen or the victim "
    "of a crime, please advise DHS by calling the ICE Law Enforcement Support Center toll-free "
    f"at {LESC_DETAINEE_HOTLINE}."
)


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of a rendered document, as recorded in the audit event of its issue."""
    return hashlib.sha256(data).hexdigest()


def render_detainer(form: DetainerForm) -> bytes:
    """The I-247A as a PDF; the same form gives the same bytes."""
    doc = Document(
        title="Immigration Detainer – Notice of Action",
        form_line=f"DHS Form {form.form_version} — vetline rendering",
        number=form.document_number,
        created=form.issued_at,
    )
    _header(doc, form.case_id, form.document_number, form.issued_at)
    _to_from(doc, form.facility_name, form.facility_ori, form.field_office, form.aor)
    doc.field("DHS contact phone", form.dhs_contact_phone)
    _subject(doc, form.subject_name, form.date_of_birth, form.sex, form.identifiers)
    doc.field("Citizenship (as recorded)", form.nationality_as_recorded)
    doc.heading("Box 1 — Probable cause")
    doc.paragraph(
        "DHS has determined that probable cause exists that the subject is a removable alien. "
        "This determination is based on:",
        bold=True,
    )
    for basis, text in PC_BASIS_TEXT.items():
        doc.checkbox(basis in form.pc_bases, text)
    doc.field("Probable-cause bases", ", ".join(b.value for b in form.pc_bases))
    doc.field("Basis detail", form.pc_detail)
    doc.heading("Administrative warrant")
    doc.field("Warrant form", f"DHS Form {form.warrant.kind.value}")
    doc.field("Warrant number", form.warrant.number)
    doc.field("Warrant signed on", form.warrant.signed_on)
    doc.heading("It is therefore requested that you")
    for action, text in REQUEST_TEXT.items():
        doc.checkbox(action in form.requested_actions, text)
    doc.field("Requested actions", ", ".join(a.value for a in form.requested_actions))
    doc.paragraph(
        "This detainer arises from DHS authorities and should not impact decisions about the "
        "alien's bail, rehabilitation, parole, release, diversion, custody classification, "
        "work, quarter assignments, or other matters. It takes effect only when served on the "
        "alien: give the alien a copy of this form."
    )
    _signatures(doc, form.officer_name, form.officer_title, form.supervisor_name, form.issued_at)
    doc.heading("Notice to the detainee")
    doc.paragraph(DETAINEE_NOTICE, bold=True)
    return doc.to_bytes()


def render_notification(form: NotificationForm) -> bytes:
    """The request for notification of release as a PDF (it asks for no hold)."""
    doc = Document(
        title="Request for Notification of Release",
        form_line=f"{form.form_version} — vetline rendering",
        number=form.document_number,
        created=form.issued_at,
    )
    _header(doc, form.case_id, form.document_number, form.issued_at)
    _to_from(doc, form.facility_name, form.facility_ori, form.field_office, form.aor)
    doc.field("DHS contact phone", form.dhs_contact_phone)
    _subject(doc, form.subject_name, form.date_of_birth, form.sex, form.identifiers)
    doc.field("Suspected citizenship (as recorded)", form.nationality_as_recorded)
    doc.heading("Section 1 — Why DHS asks")
    doc.paragraph(
        "DHS suspects that the subject is a removable alien and an immigration enforcement "
        "priority because:",
        bold=True,
    )
    for reason in form.priority_reasons:
        doc.checkbox(True, reason)
    doc.field("Basis detail", form.basis_detail)
    doc.heading("It is therefore requested that you")
    doc.checkbox(
        True,
        "Notify DHS as early as practicable (at least 48 hours, if possible) before the "
        f"subject is released from your custody. If you cannot reach an official at the number "
        f"provided, contact the Law Enforcement Support Center at {LESC_LEA_PHONE}.",
    )
    doc.paragraph(
        "This request does not request or authorize that you maintain custody of the subject "
        "beyond the time he or she would otherwise be released.",
        bold=True,
    )
    _signatures(doc, form.officer_name, form.officer_title, form.supervisor_name, form.issued_at)
    return doc.to_bytes()


def render_cancellation(notice: CancellationNotice) -> bytes:
    """The detainer-cancellation notice as a PDF (it has no nationality to print)."""
    doc = Document(
        title="Notice of Cancellation of Immigration Detainer",
        form_line="DHS detainer cancellation notice — vetline rendering",
        number=notice.document_number,
        created=notice.cancelled_at,
    )
    _header(doc, notice.case_id, notice.document_number, notice.cancelled_at)
    doc.heading("TO")
    doc.field("Agency", notice.agency_name)
    doc.field("Agency ORI", notice.agency_ori)
    doc.heading("Detainer cancelled")
    doc.field("Detainer number", notice.detainer_number)
    doc.field("Name of subject", notice.subject_name)
    doc.field("Date of birth", notice.date_of_birth)
    doc.paragraph(
        "The immigration detainer identified above is cancelled. DHS no longer requests that "
        "you maintain custody of the subject, or notify DHS of the subject's release, on the "
        "basis of this detainer.",
        bold=True,
    )
    doc.field("Reason code", notice.reason.value)
    doc.field("Reason", CANCELLATION_TEXT[notice.reason])
    doc.field("Note", notice.note)
    doc.heading("Cancelled by")
    doc.field("Officer", notice.officer_name)
    doc.field("Title", notice.officer_title)
    doc.field("Date and time", notice.cancelled_at)
    return doc.to_bytes()


def _header(doc: Document, case_id: str, number: str, when: object) -> None:
    doc.field("Case", case_id)
    doc.field("Document number", number)
    doc.field("Date", when)


def _to_from(doc: Document, facility: str, ori: str, office: str, aor: str) -> None:
    doc.heading("TO (institution holding the subject)")
    doc.field("Facility / agency", facility)
    doc.field("Agency ORI", ori)
    doc.heading("FROM (DHS office)")
    doc.field("Field office", office)
    doc.field("Area of responsibility", aor)


def _subject(doc: Document, name: str, dob: object, sex: str, ids: Identifiers) -> None:
    doc.heading("Subject")
    doc.field("Name", name)
    doc.field("Date of birth", dob)
    doc.field("Sex", sex)
    doc.field("FIN", ids.fin)
    doc.field("A-number", ids.a_number)
    doc.field("FBI number", ids.fbi_number)
    doc.field("State ID (SID)", ids.sid)


def _signatures(doc: Document, officer: str, title: str, supervisor: str, when: object) -> None:
    doc.heading("Signatures")
    doc.field("Issuing officer", officer)
    doc.field("Officer title", title)
    doc.field("Approving supervisor", supervisor)
    doc.field("Issued at", when)
