"""PDF renderings of the vetting centre's documents (fpdf2, built-in core fonts only).

Edit here: what each document prints, section by section.
"""

from __future__ import annotations

import hashlib

from vetline.documents.forms import CancellationNotice, DetainerForm, NotificationForm
from vetline.documents.referral import ReferralPackage


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of a rendered document, as recorded in the audit event of its issue."""
    return hashlib.sha256(data).hexdigest()


def render_detainer(form: DetainerForm) -> bytes:
    """The I-247A as a PDF; the same form gives the same bytes."""
    raise NotImplementedError


def render_notification(form: NotificationForm) -> bytes:
    """The request for notification of release as a PDF."""
    raise NotImplementedError


def render_referral_pdf(pkg: ReferralPackage) -> bytes:
    """The lead referral package as a PDF."""
    raise NotImplementedError


def render_cancellation(notice: CancellationNotice) -> bytes:
    """The detainer-cancellation notice as a PDF (it has no nationality to print)."""
    raise NotImplementedError
