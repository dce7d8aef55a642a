"""The points of the priority score (configuration, not law: ``data/batch.toml``).

Severity follows the removal categories of the reviewed charge table
(``data/charge_categories.csv``, reference §9.4) in the order of the status policy's
priority tiers (``data/policy.toml``): national security and aggravated felonies first,
then violent and firearm offences, then other grounds. A number here is a ranking aid
for a field office's queue, never a legal conclusion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Points for the most serious conviction, by the charge table's removal category.
DEFAULT_CATEGORY_POINTS: Mapping[str, int] = {
    "NATIONAL_SECURITY": 50,
    "AGGRAVATED_FELONY": 40,
    "DRUG_TRAFFICKING": 40,
    "FIREARM_TRAFFICKING": 40,
    "DOMESTIC_VIOLENCE": 25,
    "STALKING": 25,
    "CHILD_ABUSE": 25,
    "FIREARM": 25,
    "PROTECTION_ORDER": 25,
    "AF_IF_SENTENCE_1Y": 20,
    "SMUGGLING": 20,
    "CONTROLLED_SUBSTANCE": 15,
    "CIMT": 15,
}


@dataclass(frozen=True)
class PriorityWeights:
    """Points per kind of conduct; the score is their sum (see ``score.priority_of``)."""

    category_points: Mapping[str, int] = field(
        default_factory=lambda: dict(DEFAULT_CATEGORY_POINTS)
    )
    felony: int = 15  # a felony conviction whose category carries fewer points
    misdemeanor: int = 5  # any other conviction
    each_further_conviction: int = 2
    further_convictions_cap: int = 10
    active_criminal_warrant: int = 20
    active_immigration_warrant: int = 10  # I-200 / I-205
    red_notice: int = 30
    recent_years: int = 5  # latest conduct within this many years …
    recent_points: int = 10  # … adds this
    older_years: int = 10  # within this many years …
    older_points: int = 5  # … adds this
