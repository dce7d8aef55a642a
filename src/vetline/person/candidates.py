"""The candidate persons of a resolution, typed: who else the subject may be, and why.

Every workflow shows an analyst or an officer the alternatives to the match (the desk's
IAR ``match.candidates``, the vetting centre's side-by-side, batch's best candidate). The
rule for that list is the person core's, not each workflow's: the resolver's scored
candidates in its order, each marked when it is a person that MAY be the subject
(``Resolution.possible``: read towards citizenship or lawful status, issue 11) and, when
the build kept it apart from the match by a "possible same person" link, with that link's
probability and reason; then the possibly-same persons the query was not scored against,
with no probability (``None``: never a made-up number).

Pure: a ``Resolution`` in, frozen ``Candidate`` values out; the wire form is the edge's
(``vetline.desk.iar_model.Candidate``).

Edit here: what a candidate carries, which persons are listed, their order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from vetline.resolve import Resolution

#: Probabilities as the IAR carries them (6 decimals: no spurious precision on the wire).
PROBABILITY_DIGITS: Final = 6


@dataclass(frozen=True, slots=True)
class LinkNote:
    """The build's "possible same person" link between the match and a candidate."""

    probability: float
    reason: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person the subject may be.

    ``probability``: the resolver's, rounded; ``None`` for a possibly-same person the
    query was not scored against. ``possible_same_person``: its records were (or would
    be) read towards citizenship or lawful status. ``link``: why the build kept it apart
    from the matched person, when it did.
    """

    person_id: str
    probability: float | None
    possible_same_person: bool = False
    link: LinkNote | None = None


def candidates_of(resolution: Resolution) -> tuple[Candidate, ...]:
    """The candidates of ``resolution`` (see the module docstring for the rule)."""
    maybe = list(dict.fromkeys(resolution.possible))
    linked = {k.other_person_id: k for k in resolution.links}
    out: list[Candidate] = []
    for person_id, probability in resolution.candidates:
        link = linked.get(person_id)
        note = None
        if link is not None:
            note = LinkNote(round(link.match_probability, PROBABILITY_DIGITS), link.reason)
        rounded = round(float(probability), PROBABILITY_DIGITS)
        out.append(Candidate(person_id, rounded, person_id in maybe, note))
    scored = {c.person_id for c in out}
    out += [
        Candidate(p, None, possible_same_person=True)
        for p in maybe
        if p not in scored and p != resolution.person_id
    ]
    return tuple(out)
