"""``priority_of``: conduct → a score (higher = sooner) and the reasons that made it."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from vetline.priority.conduct import Conduct, Conviction, conduct_of
from vetline.priority.weights import PriorityWeights


@dataclass(frozen=True)
class Priority:
    """The score and, in the order they counted, the reasons (each with its points)."""

    score: int
    reasons: tuple[str, ...]

    def reasons_text(self) -> str:
        return "; ".join(self.reasons)


def _conviction_points(
    c: Conviction, categories: Mapping[str, Collection[str]], w: PriorityWeights
) -> tuple[int, str]:
    found = categories.get((c.charge_code or "")[:4], ())
    points, category = max(((w.category_points.get(k, 0), k) for k in found), default=(0, ""))
    label = f"conviction {c.charge_code or '?'} ({category})" if points else ""
    if c.level == "FELONY" and w.felony > points:
        points, label = w.felony, f"felony conviction {c.charge_code or '?'}"
    if not points:
        points, label = w.misdemeanor, f"conviction {c.charge_code or '?'}"
    return points, label


def _latest(conduct: Conduct) -> date | None:
    dates = [c.when for c in conduct.convictions]
    dates += [x.when for x in conduct.active_warrants]
    dates += list(conduct.red_notices)
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def score_conduct(
    conduct: Conduct, as_of: date, categories: Mapping[str, Collection[str]], w: PriorityWeights
) -> Priority:
    """The score of already-extracted conduct (``conduct_of``)."""
    total = 0
    reasons: list[str] = []
    if conduct.convictions:
        scored = sorted(
            (_conviction_points(c, categories, w) for c in conduct.convictions),
            key=lambda pair: (-pair[0], pair[1]),
        )
        points, label = scored[0]
        total += points
        reasons.append(f"{label} +{points}")
        further = min(w.each_further_conviction * (len(scored) - 1), w.further_convictions_cap)
        if further:
            total += further
            reasons.append(f"{len(scored) - 1} further conviction(s) +{further}")
    criminal = [x for x in conduct.active_warrants if x.kind == "CRIMINAL"]
    immigration = [x for x in conduct.active_warrants if x.kind != "CRIMINAL"]
    if criminal:
        total += w.active_criminal_warrant
        reasons.append(f"active criminal warrant +{w.active_criminal_warrant}")
    if immigration:
        total += w.active_immigration_warrant
        reasons.append(f"active immigration warrant +{w.active_immigration_warrant}")
    if conduct.red_notices:
        total += w.red_notice
        reasons.append(f"INTERPOL red notice +{w.red_notice}")
    latest = _latest(conduct)
    if latest is not None and total:
        years = (as_of - latest).days / 365.25
        if 0 <= years <= w.recent_years:
            total += w.recent_points
            reasons.append(f"within {w.recent_years} years (latest {latest}) +{w.recent_points}")
        elif 0 <= years <= w.older_years:
            total += w.older_points
            reasons.append(f"within {w.older_years} years (latest {latest}) +{w.older_points}")
    return Priority(total, tuple(reasons))


def priority_of(
    rows: Iterable[Mapping[str, object]],
    as_of: date,
    categories: Mapping[str, Collection[str]],
    weights: PriorityWeights | None = None,
) -> Priority:
    """Priority of a person from their store rows as of ``as_of``.

    ``categories``: NCIC code → its removal categories (``categories_of`` the charge table).
    Reads only ``CONDUCT_COLUMNS``; see the package docstring for why.
    """
    return score_conduct(conduct_of(rows), as_of, categories, weights or PriorityWeights())
