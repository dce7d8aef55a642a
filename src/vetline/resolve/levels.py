"""From scores to a match level: the precision-first rules, pure and table-tested.

A false POSITIVE can put a citizen in a cell, so POSITIVE needs more than a high
probability:

* a biometric FIN that exists in the index is decisive: fingerprints identify;
* otherwise POSITIVE needs probability ≥ ``positive_threshold`` **and** a clear margin
  over the next person (two look-alikes both scoring high is ambiguity, not identity);
* without an agreeing identifier, any other person at POSSIBLE or above also blocks
  POSITIVE: on the 1M-record world, a U.S. citizen whose own records carry name
  variants scored 16 bits below a same-name, same-birthday removable person, yet at
  p = 0.998 — a real alternative an officer must see, not a rounding error;
* a match with no agreeing identifier must also agree on birth country (subject and
  record both state it) and conflict on nothing (birth country, sex, date of birth):
  on the 1M-record world the only remaining citizen → removable POSITIVEs were
  name + DOB + sex queries whose citizen's own record had no birth date to compete;
* and a match with no agreeing identifier on a *common* name (term frequencies: the
  index would hold ``common_name_expected_records`` same-name records by chance) is at
  most PROBABLE — name + date of birth alone does not identify a ``JUAN GARCIA``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vetline.resolve.config import ResolveSettings
from vetline.vocab import MatchLevel


@dataclass(frozen=True)
class Evidence:
    """What the scorer found for the best candidate person."""

    probability: float
    match_weight: float
    runner_up_weight: float | None
    runner_up_probability: float | None
    identifier_agrees: bool
    fin_person: str | None
    name_expected_records: float
    birth_country_agrees: bool = False
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    level: MatchLevel
    person_id: str | None
    decisive: str | None = None
    reasons: list[str] = field(default_factory=list)


def decide(evidence: Evidence, best_person: str, settings: ResolveSettings) -> Decision:
    """The match level for the best person (or the FIN's person), with reasons."""
    if evidence.fin_person is not None:
        return Decision(
            MatchLevel.POSITIVE,
            evidence.fin_person,
            decisive="fin",
            reasons=["biometric FIN found in the index: identity is decisive"],
        )
    p = evidence.probability
    reasons: list[str] = []
    if p >= settings.positive_threshold:
        margin_ok = (
            evidence.runner_up_weight is None
            or evidence.match_weight - evidence.runner_up_weight >= settings.positive_margin_bits
        )
        common = evidence.name_expected_records >= settings.common_name_expected_records
        rival = (
            not evidence.identifier_agrees
            and evidence.runner_up_probability is not None
            and evidence.runner_up_probability >= settings.possible_threshold
        )
        biographic = not evidence.identifier_agrees
        if not margin_ok:
            reasons.append("another person scores close: ambiguous, capped at PROBABLE")
        elif biographic and evidence.conflicts:
            reasons.append(
                f"no identifier agrees and {', '.join(evidence.conflicts)} differ: "
                "capped at PROBABLE"
            )
        elif (
            biographic
            and settings.biographic_positive_requires_birth_country
            and not evidence.birth_country_agrees
        ):
            reasons.append(
                "no identifier agrees and birth country is not confirmed: capped at PROBABLE"
            )
        elif rival:
            reasons.append(
                f"no identifier agrees and another person also matches "
                f"(p = {evidence.runner_up_probability:.4f}): capped at PROBABLE"
            )
        elif common and not evidence.identifier_agrees:
            reasons.append(
                "common name with no agreeing identifier: name and date of birth alone "
                "are not identity, capped at PROBABLE"
            )
        else:
            reasons.append(f"probability ≥ {settings.positive_threshold}")
            return Decision(MatchLevel.POSITIVE, best_person, reasons=reasons)
        return Decision(MatchLevel.PROBABLE, best_person, reasons=reasons)
    if p >= settings.probable_threshold:
        return Decision(
            MatchLevel.PROBABLE,
            best_person,
            reasons=[f"probability ≥ {settings.probable_threshold}"],
        )
    if p >= settings.possible_threshold:
        return Decision(
            MatchLevel.POSSIBLE,
            best_person,
            reasons=[f"probability ≥ {settings.possible_threshold}"],
        )
    return Decision(
        MatchLevel.NO_RECORD,
        None,
        reasons=[f"best probability {p:.3g} below {settings.possible_threshold}"],
    )
