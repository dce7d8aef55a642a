"""The lead referral package as a PDF (reference §4.5): every fact with its source.

Why each line names system, record and date: a field officer acting on a referral must be
able to judge each fact's weight and age, and the §6 failures came from facts nobody could
trace (one database's birthplace, the wrong father's file). The package never prints a
nationality (it has none to print) and states that it is decision support.

Edit here: the order and wording of the referral's sections.
"""

from __future__ import annotations

from vetline.documents.pdf import Document, format_value
from vetline.documents.referral import ReferralPackage, Source
from vetline.vocab import Action

TITLES = {
    Action.LEAD_REFERRAL: "Lead Referral Package (at large)",
    Action.CONDITIONAL_REFERRAL: "Conditional Referral Package (removable if convicted)",
}


def source_text(src: Source) -> str:
    """``system record <id>, as of <date>``: the provenance line printed after each fact."""
    return f"{src.system} record {src.record_id}, as of {src.as_of.isoformat()}"


def render_referral_pdf(pkg: ReferralPackage) -> bytes:
    """The referral package as a PDF; the same package gives the same bytes."""
    doc = Document(
        title=TITLES[pkg.kind],
        form_line="vetline referral package (vetline.referral/1) — vetline rendering",
        number=pkg.document_number,
        created=pkg.prepared_at,
    )
    doc.paragraph(
        "Decision support, not a finding. Every fact below names the system, record and date "
        "it rests on; confirm identity before any action. This package expires on "
        f"{pkg.expires_on.isoformat()} and must not be used after that date.",
        bold=True,
    )
    doc.heading("Referral")
    doc.field("Referral type", pkg.kind.value)
    doc.field("Lead id", pkg.lead_id)
    doc.field("Case id", pkg.case_id)
    doc.field("Recommended AOR", pkg.recommended_aor)
    doc.field("Field office", pkg.field_office)
    doc.field("Priority score", f"{pkg.priority_score:g}")
    for i, reason in enumerate(pkg.priority_reasons, 1):
        doc.field(f"Priority reason {i}", reason)
    doc.field("Expires on", pkg.expires_on)
    doc.field("Prepared by", pkg.prepared_by)
    doc.field("Prepared at", pkg.prepared_at)

    doc.heading("Identity")
    doc.field("Name", pkg.subject_name)
    doc.field("Date of birth", pkg.date_of_birth)
    doc.field("Sex", pkg.sex)
    for ident in pkg.identifiers:
        doc.field(
            f"Identifier {ident.kind}",
            f"{ident.value} — {source_text(ident.source)}; match basis: {ident.match_basis}",
        )

    doc.heading("Last known addresses")
    if not pkg.addresses:
        doc.paragraph("None on record.")
    for i, addr in enumerate(pkg.addresses, 1):
        where = f"{addr.street}, {addr.city}, {addr.state} {addr.postal_code}"
        doc.field(f"Address {i}", f"{where} — {source_text(addr.source)}")

    doc.heading("Immigration status")
    doc.field("Status", pkg.status)
    for i, src in enumerate(pkg.status_evidence, 1):
        doc.field(f"Status evidence {i}", source_text(src))
    for ground in pkg.removal_grounds:
        doc.field(
            f"Ground {ground.citation}", f"{ground.description}; reviewed by {ground.reviewer}"
        )

    doc.heading("Immigration history")
    if not pkg.immigration_history:
        doc.paragraph("None on record.")
    for event in pkg.immigration_history:
        doc.field(
            f"{format_value(event.on)} {event.kind}",
            f"{event.detail} — {source_text(event.source)}",
        )

    doc.heading("Criminal history (with dispositions)")
    if not pkg.criminal_history:
        doc.paragraph("None on record.")
    for entry in pkg.criminal_history:
        code = f" (NCIC {entry.ncic_code})" if entry.ncic_code else ""
        doc.field(
            f"{format_value(entry.arrested_on)} arrest",
            f"{entry.charge}{code}; disposition: {entry.disposition} "
            f"({format_value(entry.disposition_on)}); sentence: {format_value(entry.sentence)} "
            f"— {source_text(entry.source)}",
        )

    doc.heading("Custody")
    custody = pkg.custody
    doc.field("In custody", custody.in_custody)
    doc.field("Facility", custody.facility_name)
    doc.field("Facility ORI", custody.facility_ori)
    doc.field("Expected release", custody.expected_release)
    doc.field("Custody source", source_text(custody.source) if custody.source else None)

    for title, screen in (
        ("Citizenship screen", pkg.citizenship_screen),
        ("Protected-status screen", pkg.protected_status_screen),
    ):
        doc.heading(title)
        doc.field("Result", screen.result)
        doc.field("Reviewer", screen.reviewer)
        doc.field("Reviewed at", screen.reviewed_at)
        doc.field("Note", screen.note)
    return doc.to_bytes()
