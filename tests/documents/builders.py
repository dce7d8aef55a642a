"""Sample documents for the tests: synthetic people only, every field filled.

Each builder takes keyword overrides so a test changes only what it is about.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from pypdf import PdfReader

from vetline.documents import (
    Address,
    CancellationNotice,
    CancellationReason,
    CriminalEntry,
    CustodyInfo,
    DetainerForm,
    IdentifierEntry,
    Identifiers,
    ImmigrationEvent,
    NotificationForm,
    ProbableCauseBasis,
    ReferralPackage,
    RemovalGround,
    ScreenResult,
    Source,
    Warrant,
    WarrantKind,
)
from vetline.vocab import Action

ISSUED = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)

IDS = Identifiers(
    fin="1234567890", a_number="A098765432", fbi_number="FB12345AB6", sid="TX99887766"
)


def detainer(**changes: Any) -> DetainerForm:
    form = DetainerForm(
        document_number="DET-2026-000123",
        case_id="CASE-000042",
        subject_name="Renée Ibáñez Müller",
        date_of_birth=date(1987, 5, 14),
        nationality_as_recorded="FRANCE",
        sex="F",
        identifiers=IDS,
        facility_name="Harris County Jail",
        facility_ori="TX1010000",
        aor="HOU",
        field_office="Houston Field Office",
        dhs_contact_phone="(281) 555-0142",
        pc_bases=(ProbableCauseBasis.FINAL_ORDER, ProbableCauseBasis.BIOMETRIC_AND_RECORDS),
        pc_detail="Final order of removal by IJ Houston 2019-08-02; FIN match to ENC-77",
        warrant=Warrant(kind=WarrantKind.I_205, number="W205-000777", signed_on=date(2026, 3, 3)),
        officer_name="Officer Dana Quill",
        officer_title="Deportation Officer",
        supervisor_name="Supervisor Lee Marsh",
        issued_at=ISSUED,
    )
    return replace(form, **changes)


def notification(**changes: Any) -> NotificationForm:
    form = NotificationForm(
        document_number="NOT-2026-000456",
        case_id="CASE-000043",
        subject_name="Tomás Peña",
        date_of_birth=date(1990, 11, 2),
        nationality_as_recorded="SPAIN",
        sex="M",
        identifiers=Identifiers(fin="5550001111", a_number="A012345678"),
        facility_name="Maricopa County Jail",
        facility_ori="AZ0070000",
        aor="PHO",
        field_office="Phoenix Field Office",
        dhs_contact_phone="(602) 555-0199",
        priority_reasons=("Aggravated felony conviction, 8 U.S.C. 1101(a)(43)(B)",),
        basis_detail="Conviction 2021-04-09, Maricopa Superior Court, CR2021-001",
        officer_name="Officer Sam Reyes",
        officer_title="Immigration Enforcement Agent",
        supervisor_name="Supervisor Kim Ode",
        issued_at=ISSUED,
    )
    return replace(form, **changes)


def cancellation(**changes: Any) -> CancellationNotice:
    notice = CancellationNotice(
        document_number="CAN-2026-000009",
        case_id="CASE-000042",
        detainer_number="DET-2026-000123",
        agency_name="Harris County Jail",
        agency_ori="TX1010000",
        subject_name="Renée Ibáñez Müller",
        date_of_birth=date(1987, 5, 14),
        reason=CancellationReason.USC_CONFIRMED,
        note="Derived citizenship under INA 320 confirmed by reviewer",
        officer_name="Supervisor Lee Marsh",
        officer_title="Supervisory Detention and Deportation Officer",
        cancelled_at=datetime(2026, 3, 5, 9, 0, tzinfo=UTC),
    )
    return replace(notice, **changes)


def _src(system: str, record: str, day: date) -> Source:
    return Source(system=system, record_id=record, as_of=day)


def referral(**changes: Any) -> ReferralPackage:
    pkg = ReferralPackage(
        document_number="REF-2026-000031",
        kind=Action.LEAD_REFERRAL,
        lead_id="LEAD-000031",
        case_id=None,
        subject_name="Joaquín Núñez",
        date_of_birth=date(1979, 2, 28),
        sex="M",
        identifiers=(
            IdentifierEntry(
                kind="FIN",
                value="7778889990",
                source=_src("IDENT", "ID-55", date(2025, 12, 1)),
                match_basis="biometric FIN match",
            ),
            IdentifierEntry(
                kind="A_NUMBER",
                value="A077788899",
                source=_src("CIS", "CIS-9", date(2024, 6, 30)),
                match_basis="officer confirmed same person",
            ),
        ),
        addresses=(
            Address(
                street="12 Elm St",
                city="Springfield",
                state="IL",
                postal_code="62701",
                source=_src("EID", "EID-4411", date(2025, 9, 15)),
            ),
        ),
        status="FINAL_ORDER",
        status_evidence=(_src("EOIR", "EOIR-31", date(2023, 1, 20)),),
        removal_grounds=(
            RemovalGround(
                citation="INA 237(a)(2)(A)(iii)",
                description="Aggravated felony conviction",
                reviewer="Analyst Pat Green",
            ),
        ),
        immigration_history=(
            ImmigrationEvent(
                on=date(2010, 7, 1),
                kind="ADMISSION",
                detail="B-2 visitor admitted at Chicago",
                source=_src("ADIS", "ADIS-100", date(2010, 7, 1)),
            ),
            ImmigrationEvent(
                on=date(2023, 1, 20),
                kind="FINAL_ORDER",
                detail="Ordered removed by IJ Chicago",
                source=_src("EOIR", "EOIR-31", date(2023, 1, 20)),
            ),
        ),
        criminal_history=(
            CriminalEntry(
                charge="Burglary",
                ncic_code="2299",
                arrested_on=date(2021, 3, 3),
                disposition="Convicted",
                disposition_on=date(2021, 10, 10),
                sentence="3 years",
                source=_src("III", "III-77", date(2022, 1, 1)),
            ),
        ),
        custody=CustodyInfo(in_custody=False),
        citizenship_screen=ScreenResult(
            result="NO_SIGN",
            reviewer="Reviewer Ana Costa",
            reviewed_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
            note="No parent naturalisation found",
        ),
        protected_status_screen=ScreenResult(
            result="NONE_FOUND",
            reviewer="Reviewer Ana Costa",
            reviewed_at=datetime(2026, 3, 1, 10, 5, tzinfo=UTC),
        ),
        recommended_aor="CHI",
        field_office="Chicago Field Office",
        priority_score=0.82,
        priority_reasons=("final order", "aggravated felony"),
        expires_on=date(2026, 6, 1),
        prepared_by="Analyst Pat Green",
        prepared_at=ISSUED,
    )
    return replace(pkg, **changes)


def pdf_text(data: bytes) -> str:
    """Every page's text, whitespace collapsed (a long value may wrap onto two lines)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)
