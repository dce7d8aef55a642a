"""One chunk of list rows through the person core: the same path as a real-time query.

Every row becomes the person core's ``Question`` and goes through the steps of
``vetline.person.work_out`` (``assess_question``: resolver, records, status engine; not
the automatic-answer gate, whose answer no result column shows) exactly as ``vetline
query`` and ``POST /v1/iaq`` do: same trained model, same thresholds, same guards;
``tests/batch/test_batch_same_answer.py`` checks person and probability against the
real-time resolver to 1e-9. Only the band, the priority and the lead-candidate guard are
batch's own (``bands.py``).

A roster row's booking is the encounter (its date the assessment date, the person in
custody); other lists are assessed as of the job's date.

Edit here: how a list row becomes a question (``question_of_row``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from vetline.batch.bands import rejected_result, result_of
from vetline.batch.listfile import ListRow
from vetline.batch.policy import BatchPolicy
from vetline.batch.presolve import Presolved
from vetline.person import PersonLookup, Question, assess_question
from vetline.priority import PriorityWeights
from vetline.resolve import Resolver, Subject
from vetline.status import Encounter, Policy
from vetline.vocab import QueryType

#: Record sets whose typed history a job's lookup keeps (``PersonLookup.read``), and
#: identical questions whose result a job keeps: bounded, so a 5M-row list's memory does
#: not grow with it (about 2 KiB an entry).
MEMO_RECORD_SETS = 50_000
MEMO_QUESTIONS = 50_000
#: A question: the subject's fields (sorted) and the booking date.
QuestionKey = tuple[tuple[tuple[str, str], ...], str | None]


@dataclass(frozen=True)
class Scorer:
    """What scoring a row needs: the lookup, both policies, the charge categories, the date.

    A job's records do not change while it runs, so two rows asking the same question
    (same identity fields, same booking date) get the same outcome: the second is the
    first's result row under its own row number (``_answers``), not a second walk through
    the person core. Lists repeat people (a registry's several entries, a roster's
    re-bookings, overlapping open files); this is the real-time path's answer, kept.
    ``prepare`` marks repeats across the whole job (``ListRow.same_as``: a placeholder
    here, filled at assembly), so ``_answers`` mostly serves the rows the parent answered
    before forking (``warm_up``) and repeats beyond ``prepare``'s window.
    """

    lookup: PersonLookup
    policy: Policy
    batch: BatchPolicy
    categories: Mapping[str, Collection[str]]
    as_of: date
    #: ``OrderedDict``: the oldest forgotten in O(1) (``PersonLookup``'s memos say why).
    _answers: OrderedDict[QuestionKey, dict[str, Any]] = field(
        default_factory=OrderedDict, compare=False, repr=False
    )

    @cached_property
    def weights(self) -> PriorityWeights:
        """The batch policy's priority points, built once per job (not once per row)."""
        return self.batch.weights()

    @classmethod
    def open(cls, data_dir: Path, batch: BatchPolicy, as_of: date) -> Scorer:
        from vetline.status import load_policy

        policy = load_policy()
        lookup = PersonLookup.open(data_dir, memo=MEMO_RECORD_SETS)
        if isinstance(lookup.resolver, Resolver):
            lookup.resolver = Presolved(lookup.resolver)
        return cls(lookup, policy, batch, categories_of(policy), as_of)

    def score(self, rows: Iterable[ListRow]) -> list[dict[str, Any]]:
        """Result rows (contract + working columns) for ``rows``, in their order; a row
        ``same_as`` an earlier one is a placeholder the assembly fills (``chunks``).

        The chunk's subjects are resolved together first (``Presolved``: one vectorised
        scoring of all their candidate pairs, the very resolutions ``resolve`` gives),
        then each row goes through the person core as before."""
        rows = list(rows)
        keys = [_key(row) for row in rows]
        asked = {
            i: question_of_row(row)
            for i, (row, key) in enumerate(zip(rows, keys, strict=True))
            if not row.rejected and row.same_as is None and key not in self._answers
        }  # each question built once: for the chunk's resolution and for its answer
        self._presolve(list(asked.values()))
        out: list[dict[str, Any]] = []
        for i, (row, key) in enumerate(zip(rows, keys, strict=True)):
            if row.rejected:
                out.append(rejected_result(row.row_number, row.list_ref, row.line, "rejected"))
                continue
            if row.same_as is not None:  # an earlier row's question: its answer, at assembly
                out.append({"row_number": row.row_number, "list_ref": row.list_ref,
                            "line": row.line, "same_as": row.same_as})  # fmt: skip
                continue
            out.append({**self._known(row, key, asked.get(i)), "row_number": row.row_number,
                        "list_ref": row.list_ref, "line": row.line})  # fmt: skip
        return out

    def _known(
        self, row: ListRow, key: QuestionKey, question: Question | None = None
    ) -> dict[str, Any]:
        """The result row of ``row``'s question: remembered, or worked out and remembered
        (``question``: the row's question when already built)."""
        known = self._answers.get(key)
        if known is None:
            known = self._answer(row, question or question_of_row(row))
            if len(self._answers) >= MEMO_QUESTIONS:
                self._answers.popitem(last=False)  # the oldest
            self._answers[key] = known
        return known

    def _presolve(self, questions: list[Question]) -> None:
        """Resolve the subjects of ``questions`` all at once, and find the parents their
        persons' records name together (``PersonLookup.prefetch``)."""
        resolver = self.lookup.resolver
        if isinstance(resolver, Presolved):
            resolver.presolve(list(dict.fromkeys(q.subject for q in questions)))
            self.lookup.prefetch(resolver.ready())  # their parents, found together

    def warm_up(self, rows: Iterable[ListRow]) -> None:
        """Answer ``rows``: builds the lookup's lazy caches (the index's decoded columns
        and hashes, the date parser's) in this process, so forked workers share them
        instead of each building its own. The answers are remembered by question like
        any other (the worker that gets their chunk does not answer them again). The rows
        take the chunk path (``_presolve``), so its lazy caches (the index's decoded value
        arrays) are built here too."""
        rows = [row for row in rows if not row.rejected and row.same_as is None]
        questions = [question_of_row(row) for row in rows]
        self._presolve(questions)
        for row, question in zip(rows, questions, strict=True):
            self._known(row, _key(row), question)

    def _answer(self, row: ListRow, question: Question) -> dict[str, Any]:
        """The person core's answer to ``row``'s question, as a result row: resolved,
        read and assessed as ``work_out`` does (``assess_question``: its very steps); the
        gate's decision is not taken, no result column shows it."""
        outcome = assess_question(
            question, self.lookup, received=self.as_of, policy=self.policy, timeline=False
        )
        return result_of(
            row.row_number, row.list_ref, outcome, question.as_of(self.as_of),
            self.batch, self.categories, self.weights,
        )  # fmt: skip


def _key(row: ListRow) -> QuestionKey:
    """Rows with equal keys ask the same question (``Scorer._answers``)."""
    return (tuple(sorted(row.subject.items())), row.booking_date)


def categories_of(policy: Policy) -> dict[str, frozenset[str]]:
    """NCIC code → its removal categories, from the status policy's charge table."""
    return {
        code: frozenset(str(c) for c in row.removal) for code, row in policy.charges.rows.items()
    }


def question_of_row(row: ListRow) -> Question:
    """The person core's question for one validated list row."""
    booking = date.fromisoformat(row.booking_date) if row.booking_date else None
    encounter = Encounter(date=booking, in_custody=True if booking else None)
    return Question(Subject(**row.subject), QueryType.IAQ, encounter)
