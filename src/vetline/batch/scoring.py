"""One chunk of list rows through the person core: the same path as a real-time query.

Every row becomes the person core's ``Question`` and goes through
``vetline.person.work_out`` (resolver, records, status engine, the automatic-answer gate)
exactly as ``vetline query`` and ``POST /v1/iaq`` do: same trained model, same
thresholds, same guards; ``tests/batch/test_batch_same_answer.py`` checks person and
probability against the real-time resolver to 1e-9. Only the band, the priority and the
lead-candidate guard are batch's own (``bands.py``).

A roster row's booking is the encounter (its date the assessment date, the person in
custody); other lists are assessed as of the job's date.

Edit here: how a list row becomes a question (``question_of_row``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vetline.batch.bands import rejected_result, result_of
from vetline.batch.listfile import ListRow
from vetline.batch.policy import BatchPolicy
from vetline.person import PersonLookup, Question, work_out
from vetline.status import Encounter, Policy
from vetline.vocab import QueryType


@dataclass(frozen=True)
class Scorer:
    """What scoring a row needs: the lookup, both policies, the charge categories, the date."""

    lookup: PersonLookup
    policy: Policy
    batch: BatchPolicy
    categories: Mapping[str, Collection[str]]
    as_of: date

    @classmethod
    def open(cls, data_dir: Path, batch: BatchPolicy, as_of: date) -> Scorer:
        from vetline.status import load_policy

        policy = load_policy()
        return cls(PersonLookup.open(data_dir), policy, batch, categories_of(policy), as_of)

    def score(self, rows: Iterable[ListRow]) -> list[dict[str, Any]]:
        """Result rows (contract + working columns) for ``rows``, in their order."""
        out: list[dict[str, Any]] = []
        for row in rows:
            if row.rejected:
                out.append(rejected_result(row.row_number, row.list_ref, row.line, "rejected"))
                continue
            question = question_of_row(row)
            outcome = work_out(question, self.lookup, received=self.as_of, policy=self.policy)
            result = result_of(
                row.row_number, row.list_ref, outcome, question.as_of(self.as_of),
                self.batch, self.categories,
            )  # fmt: skip
            result["line"] = row.line
            out.append(result)
        return out


def categories_of(policy: Policy) -> dict[str, frozenset[str]]:
    """NCIC code → its removal categories, from the status policy's charge table."""
    return {
        code: frozenset(str(c) for c in row.removal) for code, row in policy.charges.rows.items()
    }


def question_of_row(row: ListRow) -> Question:
    """The person core's question for one validated list row."""
    from vetline.resolve import Subject

    booking = date.fromisoformat(row.booking_date) if row.booking_date else None
    encounter = Encounter(date=booking, in_custody=True if booking else None)
    return Question(Subject(**row.subject), QueryType.IAQ, encounter)
