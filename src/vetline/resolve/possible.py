"""Who else the answer names: the chosen person's links, close persons, and review.

Why: a false match can jail a citizen, so an answer never stands alone when another
person may be the subject — the chosen person's "possible same person" links (written
by the build, ``links.py``) and the other candidates at or above POSSIBLE are named
(``possible``: their records count towards citizenship or lawful status, never towards
removal), and some answers go to an analyst first (``needs_review``). Moved from
``resolver.py`` as they were.
"""

from __future__ import annotations

from collections.abc import Sequence

from vetline.resolve.levels import Decision
from vetline.resolve.links import Link
from vetline.vocab import IdentityBasis


def with_links(
    chosen: str,
    links: list[Link],
    persons: Sequence[str],
    probabilities: list[float],
    order: list[int],
    candidates: list[tuple[str, float]],
    threshold: float,
) -> tuple[list[tuple[str, float]], list[str]]:
    """Candidates with every linked person added (its score if it was a candidate,
    else the link's probability), and the ``possible`` persons: linked ones first,
    then other candidates at or above ``threshold`` (the settings' ``possible_threshold``).

    A person's id is read only where it is needed (``aggregate.PersonIds``: thousands
    of candidate persons at 10M): a linked person's score is found by its position,
    and only the persons at or above the threshold are named."""
    listed = {p for p, _ in candidates}
    out = list(candidates)
    possible: list[str] = []
    for link in links:
        other = link.other_person_id
        if other not in listed:
            out.append((other, _score_of(other, persons, probabilities, order, link)))
            listed.add(other)
        if other not in possible:
            possible.append(other)
    for i in order:
        if not probabilities[i] >= threshold:
            continue
        p = persons[i]
        if p != chosen and p not in possible:
            possible.append(p)
    return out, possible


def _score_of(
    person: str, persons: Sequence[str], probabilities: list[float], order: list[int], link: Link
) -> float:
    """The probability of ``person`` among the ranked ``persons`` (the last of ``order``
    naming it, as a map built over ``order`` keeps), else the link's."""
    try:
        at = persons.index(person)
    except ValueError:
        return link.match_probability
    return probabilities[at] if at in order else link.match_probability


def needs_review(decision: Decision, linked: bool, high: int, apart: bool) -> bool:
    """Whether an analyst must settle the identity before any answer leaves.

    A link, two persons at or above PROBABLE, or identified records that fall apart mean
    "which person is the subject?" — unless fingerprints answered it. With a decisive
    FIN the subject *is* the FIN's person; the linked or close persons are only maybe
    more records of the same person, and those reach the status engine as ``possible``
    and are read in the safe direction (a citizenship or lawful-status sign there routes
    to review; a conviction or order there is never a ground), so they need no analyst
    of their own. Measured on the otherworld: see bench/README.md (identity safety).
    """
    if decision.person_id is None or decision.basis is IdentityBasis.BIOMETRIC:
        return False
    return linked or high >= 2 or apart
