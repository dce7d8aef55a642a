"""The one place blind verdicts on audit-sample rows are stored and read.

A verdict is about a row of a result (is the candidate person the listed person?), not
about a workflow: it is keyed by the result's SHA-256 and the row number. The leads'
review (API, web, ``vetline leads review``) and the batch's console review (``vetline
batch --judged``) both write here, and both read their precision from here, so a row
reviewed in one is reviewed in the other and cannot be judged twice two ways.

Once: the unique key (result, row) makes a second verdict on a row fail in the database,
whoever races; ``record`` answers which verdict is already there.

``measure`` is the one computation of a job's measured precision per band from the stored
verdicts of its drawn sample: the leads' job and lead views, their precision gate and the
batch job's figures (API and console) all call it, so they cannot disagree.

Edit here: what a stored verdict holds (``SampleReview``); which verdicts count (``measure``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from vetline.db.base import TS_WIDTH, Base, utc_iso
from vetline.db.uow import UnitOfWork
from vetline.sampling.core import BandPrecision, Verdict, band_precision


class SampleReview(Base):
    """One blind verdict on one row of a batch result."""

    __tablename__ = "sample_reviews"
    __table_args__ = (
        UniqueConstraint("result_sha256", "row_number", name="uq_sample_reviews_result_row"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    result_sha256: Mapped[str] = mapped_column(String(64), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str] = mapped_column(String(100))
    reviewed_at: Mapped[str] = mapped_column(String(TS_WIDTH))
    via: Mapped[str] = mapped_column(String(16))  # leads | file


@dataclass(frozen=True)
class Review:
    """A stored verdict, as the workflows read it."""

    row_number: int
    verdict: Verdict
    reviewed_by: str
    reviewed_at: str
    note: str | None
    via: str


class AlreadyReviewed(Exception):
    """The row has a verdict already (``existing``); a verdict is not revised."""

    def __init__(self, existing: Review | None) -> None:
        super().__init__("already reviewed")
        self.existing = existing


def reviews_of(
    uow: UnitOfWork, result_sha256: str, rows: Collection[int] | None = None
) -> dict[int, Review]:
    """The stored verdicts on ``result_sha256``'s rows (all, or those in ``rows``)."""
    query = select(SampleReview).where(SampleReview.result_sha256 == result_sha256)
    found = {
        r.row_number: Review(
            r.row_number, Verdict(r.verdict), r.reviewed_by, r.reviewed_at, r.note, r.via
        )
        for r in uow.session.scalars(query)
    }
    return found if rows is None else {n: r for n, r in found.items() if n in rows}


def record(
    uow: UnitOfWork,
    result_sha256: str,
    row_number: int,
    verdict: Verdict,
    *,
    reviewer: str,
    via: str,
    note: str | None = None,
) -> Review:
    """Store a verdict (in the caller's unit of work); ``AlreadyReviewed`` if there is one.

    The insert runs in a savepoint, so a racing reviewer's verdict (the unique key) leaves
    the caller's unit usable and is answered as ``AlreadyReviewed``.
    """
    existing = reviews_of(uow, result_sha256, {row_number}).get(row_number)
    if existing is not None:
        raise AlreadyReviewed(existing)
    row = SampleReview(
        id=str(uuid.uuid4()), result_sha256=result_sha256, row_number=row_number,
        verdict=verdict.value, note=note, reviewed_by=reviewer[:100],
        reviewed_at=utc_iso(uow.now()), via=via,
    )  # fmt: skip
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        raise AlreadyReviewed(
            reviews_of(uow, result_sha256, {row_number}).get(row_number)
        ) from None
    return Review(row_number, verdict, row.reviewed_by, row.reviewed_at, note, via)


def measure(
    uow: UnitOfWork,
    result_sha256: str,
    sampled: Mapping[str, Sequence[int]],
    band_rows: Mapping[str, int],
    confidence: float,
) -> dict[str, BandPrecision]:
    """band → what its reviewed sample measures, from the stored verdicts.

    ``sampled``: the row numbers drawn per band (``core.draw``); ``band_rows``: how many
    rows each band has in the result (a band reviewed whole is a census, exact). Every
    band of either is answered, a band with no sample as nothing sampled.
    """
    said = reviews_of(uow, result_sha256, {n for rows in sampled.values() for n in rows})
    out: dict[str, BandPrecision] = {}
    for band in sorted(set(sampled) | set(band_rows)):
        rows = sampled.get(band, ())
        verdicts = [said[n].verdict.value if n in said else None for n in rows]
        out[band] = band_precision(band, band_rows.get(band, len(rows)), verdicts, confidence)
    return out
