"""The vetting pages' forms read into the service's own inputs, and the case page's
records grid. Pure: posted fields in, ``requests.Draft`` / checklist fields out, or a
``BadInput`` naming the form field; the case and its records in, a side-by-side grid out.

Why a module of its own: the same parsing serves every vetting form, and keeping it out
of the handlers keeps them to "read, call the service, redirect" (routes/vetting*.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from vetline.auth.roles import check_ori
from vetline.documents import ProbableCauseBasis
from vetline.errors import BadInput
from vetline.vetting import rules
from vetline.web import compare
from vetline.web.forms import FormData

PC_BASES: Final = tuple(b.value for b in ProbableCauseBasis)
PC_LABELS: Final = {
    "FINAL_ORDER": "1. a final order of removal against the subject",
    "PENDING_PROCEEDINGS": "2. removal proceedings pending against the subject",
    "BIOMETRIC_AND_RECORDS": "3. biometric confirmation of identity plus records that "
    "affirmatively show removability",
    "STATEMENTS_OR_OTHER_EVIDENCE": "4. statements to an immigration officer or other "
    "reliable evidence that affirmatively show removability",
}
WARRANTS: Final = ("I-200", "I-205")
CANCEL_REASONS: Final = ("USC_CONFIRMED", "LAWFUL_STATUS", "WRONG_PERSON", "RELEASED", "OTHER")


def draft_of(form: FormData) -> Any:
    """The draft form as the service's ``Draft``; a bad value names its field."""
    from vetline.vetting.requests import Draft

    kind = form.required("kind", "choose what to request")
    if kind not in rules.KINDS:
        raise BadInput("kind", f"one of {', '.join(rules.KINDS)}")
    ori = form.get("agency_ori")
    warrant = form.get("warrant_kind") or None
    if warrant is not None and warrant not in WARRANTS:
        raise BadInput("warrant_kind", "I-200 or I-205")
    signed = form.get("warrant_signed_on")
    try:
        signed_on = date.fromisoformat(signed) if signed else None
    except ValueError:
        raise BadInput("warrant_signed_on", "a date as YYYY-MM-DD") from None
    basis = form.get("additional_basis") or None
    if basis is not None and basis not in rules.ADDITIONAL_BASES:
        raise BadInput("additional_basis", f"one of {', '.join(rules.ADDITIONAL_BASES)}")
    code = form.get("reason_code") or None
    if code is not None and code not in rules.NO_ACTION_REASONS:
        raise BadInput("reason_code", f"one of {', '.join(rules.NO_ACTION_REASONS)}")
    enforcement = kind == rules.DETAINER
    return Draft(
        kind=kind,
        agency_ori=check_ori(ori, "agency_ori") if ori else None,
        pc_bases=tuple(b for b in PC_BASES if form.flag(f"pc_{b}")) if enforcement else (),
        pc_detail=_bounded(form, "pc_detail", 2000) if enforcement else "",
        additional_basis=basis if enforcement else None,
        databases_relied_on=_bounded(form, "databases_relied_on", 1000),
        warrant_kind=warrant if enforcement else None,
        warrant_number=_bounded(form, "warrant_number", 32) or None if enforcement else None,
        warrant_signed_on=signed_on if enforcement else None,
        reason_code=code if kind == rules.NO_ACTION else None,
        reason=_bounded(form, "reason", 2000),
    )


def _bounded(form: FormData, name: str, most: int) -> str:
    value = form.get(name)
    if len(value) > most:
        raise BadInput(name, f"at most {most} characters")
    return value


def custody_fields(form: FormData) -> dict[str, Any]:
    """The custody line's correctable fields that the officer changed (``keep``: not)."""
    out: dict[str, Any] = {}
    for name in ("in_custody", "criminal_arrest"):
        value = form.get(name, "keep")
        if value in ("yes", "no"):
            out[name] = value == "yes"
        elif value not in ("", "keep"):
            raise BadInput(name, "yes, no or keep")
    release = form.get("expected_release")
    if release:
        out["expected_release"] = release if "T" in release else f"{release}T00:00:00+00:00"
    return out


@dataclass(frozen=True)
class Marked:
    """One record of the case: its officer's mark and, if readable now, its grid column."""

    source: str
    record_id: str
    mark: str | None
    note: str | None
    marked_by: str | None
    column: compare.Column | None


def records_grid(
    case: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], today: date
) -> tuple[list[str], list[Marked]]:
    """The case's records in the order of its marks, unmarked first, each with its live
    contents beside the subject as asked (``column`` None: no longer in the person)."""
    fields, columns = compare.grid(case.get("subject") or {}, rows, today)
    by_key = {(c.source, c.record_id): c for c in columns}
    marked = [
        Marked(
            m["source"],
            m["record_id"],
            m["mark"],
            m["note"],
            m["marked_by"],
            by_key.get((m["source"], m["record_id"])),
        )
        for m in case.get("records", [])
    ]
    marked.sort(key=lambda m: m.mark is not None)  # the ones still to judge first
    return fields, marked
