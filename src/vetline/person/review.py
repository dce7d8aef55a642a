"""``review``: the person core once a human has settled the identity. Reads only.

An analyst (the desk's queue today; the vetting centre's officer next) confirms the
draft's person, chooses another person, or finds no record. The person chosen is read
again with the persons that may be the same (a citizenship sign there still routes to
citizenship review after the identity is confirmed, issue 11), assessed as of the
encounter date, and answered by ``reviewed`` (nothing "pending" once a human decided).
A person other than the resolver's rests on a human judgement, not on fingerprints: its
identity basis is BIOGRAPHIC, so it never supports enforcement by itself (I-247A).

Edit here: what a human's choice changes in the resolution (``review``), how a stored
draft's resolution is read back (``resolution_of_draft``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from vetline.person.answers import Answer, reviewed
from vetline.person.assessing import assess_found
from vetline.person.lookup import Found, PersonLookup
from vetline.person.question import Question
from vetline.status import AssessmentResult, MatchLevel, Policy
from vetline.vocab import IdentityBasis

if TYPE_CHECKING:
    from vetline.resolve import Resolution


class UnknownPerson(LookupError):
    """The person a human chose has no records (or the resolver cannot list them)."""


@dataclass(frozen=True)
class Reviewed:
    """The identity as the human settled it, the records read, the assessment, the answer."""

    resolution: Resolution
    found: Found
    assessment: AssessmentResult
    answer: Answer


def resolution_of_draft(res: Mapping[str, Any]) -> Resolution:
    """The ``Resolution`` of a stored draft (``Outcome.draft()["resolution"]``)."""
    from vetline.resolve import Resolution

    return Resolution(
        **{
            **res,
            "level": MatchLevel(res["level"]),
            # A draft written before the basis existed proves nothing beyond biographics.
            "basis": IdentityBasis(res.get("basis", IdentityBasis.BIOGRAPHIC)),
            "records": [(r["source"], r["record_id"]) for r in res["records"]],
            "candidates": [(c["person_id"], c["probability"]) for c in res["candidates"]],
        }
    )


def review(
    question: Question,
    lookup: PersonLookup,
    resolution: Resolution,
    person_id: str | None,
    *,
    received: date,
    policy: Policy,
) -> Reviewed:
    """The answer for ``person_id`` as the human's choice (``None``: no record).

    ``resolution`` is the draft's (not changed). ``UnknownPerson`` when ``person_id`` has
    no records.
    """
    from vetline.resolve import Resolution

    if person_id is None:
        settled = Resolution(
            MatchLevel.NO_RECORD, None, 0.0, None, candidates=resolution.candidates
        )
        found = lookup.no_record(settled)
    else:
        try:
            found = lookup.person(person_id, resolution)
        except LookupError as exc:
            raise UnknownPerson(str(exc)) from None
        basis = resolution.basis
        if person_id != resolution.person_id:
            basis = IdentityBasis.BIOGRAPHIC  # a human judgement, not fingerprints
        settled = replace(
            resolution, person_id=person_id, basis=basis, level=MatchLevel.POSITIVE,
            records=[(str(r["source"]), str(r["record_id"])) for r in found.rows],
        )  # fmt: skip
        # The engine reads the identity from ``found``: the level and basis as settled.
        found = replace(found, resolution=settled)
    assessment = assess_found(found, question, received, policy)
    answer = reviewed(question.kind, settled.level, assessment, found.rows)
    return Reviewed(settled, found, assessment, answer)
