"""From scores to a match level: the precision-first rules, pure and table-tested.

A false POSITIVE can put a citizen in a cell, so POSITIVE needs more than a high
probability (issue 11; I-247A probable-cause basis 3 needs *biometric* confirmation):

* a biometric FIN that exists in the index is decisive: fingerprints identify;
* otherwise POSITIVE needs an **identifier agreement that is not contradicted**: no
  identifier the subject gives differs (beyond a one-character typo) from any of the
  person's values of that type, and the agreeing value is held by no other person. A
  citizen's FBI number inside a stranger's merged person (the Gonzalez error of
  reference §6) is exactly such a contradicted agreement; and every record of the person
  that carries an identifier is tied to the agreeing one by a chain of shared identifiers
  (``apart``): a person whose records fall into separately identified groups was joined on
  biographic agreement, and the subject's identifier identifies only its own group;
* a **biographic-only** agreement (name, date of birth, sex, birthplace), however exact,
  is at most PROBABLE: "biographic agreement only: biometric confirmation needed"; and
  without an agreeing date of birth (exact, partial, swapped or a typo), or with a
  conflict on birth country, sex or date of birth, it is at most POSSIBLE — on the
  20k-person world, absent people reached PROBABLE on a same-name record whose date of
  birth was only "within a year" or different (the model's date weights are mild,
  because clerks do get dates wrong);
* and probability ≥ ``positive_threshold`` with a clear margin over the next person (two
  look-alikes both scoring high is ambiguity, not identity).

The older biographic rules stay as reasons beside the cap, because they tell the analyst
why the biographic case is weak: another person at POSSIBLE or above (on the 1M-record
world a citizen with name variants scored p = 0.998 against a same-name removable
person), a conflict on birth country, sex or date of birth, an unconfirmed birth
country, a common name (term frequencies: ``common_name_expected_records``).

``basis`` follows the same rules: BIOMETRIC for a decisive FIN, IDENTIFIER only for an
uncontradicted, unshared identifier agreement, BIOGRAPHIC otherwise, NONE for no record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vetline.resolve.config import ResolveSettings
from vetline.vocab import IdentityBasis, MatchLevel

#: Reason text of the biographic cap (the desk and tests look for it).
BIOGRAPHIC_ONLY = "biographic agreement only: biometric confirmation needed"


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
    #: identifier types the subject gives that differ (beyond a typo) from the person's
    contradicted: tuple[str, ...] = ()
    #: agreeing identifier types whose value another candidate person holds too
    shared: tuple[str, ...] = ()
    #: expected namesakes outside the loaded records (``population.py``), for the reasons
    namesakes: float = 0.0
    #: identifier types on the person's records that no chain of identifiers ties to the
    #: agreeing one (records joined on biographic agreement alone)
    apart: tuple[str, ...] = ()
    #: date of birth agrees (exact, partial, day/month swap or one-character typo)
    dob_agrees: bool = False


@dataclass(frozen=True)
class Decision:
    level: MatchLevel
    person_id: str | None
    decisive: str | None = None
    reasons: list[str] = field(default_factory=list)
    basis: IdentityBasis = IdentityBasis.NONE


def identifier_basis(evidence: Evidence) -> bool:
    """An identifier agreement that may carry identity: not contradicted, not shared."""
    return (
        evidence.identifier_agrees
        and not evidence.contradicted
        and not evidence.shared
        and not evidence.apart
    )


def decide(evidence: Evidence, best_person: str, settings: ResolveSettings) -> Decision:
    """The match level for the best person (or the FIN's person), with reasons."""
    if evidence.fin_person is not None:
        return Decision(
            MatchLevel.POSITIVE,
            evidence.fin_person,
            decisive="fin",
            reasons=["biometric FIN found in the index: identity is decisive"],
            basis=IdentityBasis.BIOMETRIC,
        )
    p = evidence.probability
    by_identifier = identifier_basis(evidence)
    basis = IdentityBasis.IDENTIFIER if by_identifier else IdentityBasis.BIOGRAPHIC
    reasons = _weaknesses(evidence, settings)
    if p >= settings.probable_threshold and not by_identifier:
        weak = [*evidence.conflicts] if evidence.conflicts else []
        if not evidence.dob_agrees and "dob" not in weak:
            weak.append("date of birth does not agree")
        if weak:
            reasons.insert(
                0,
                f"{BIOGRAPHIC_ONLY}; {', '.join(weak)}: a name alone is at most POSSIBLE",
            )
            return Decision(MatchLevel.POSSIBLE, best_person, reasons=reasons, basis=basis)
    if p >= settings.positive_threshold:
        margin_ok = (
            evidence.runner_up_weight is None
            or evidence.match_weight - evidence.runner_up_weight >= settings.positive_margin_bits
        )
        if not margin_ok:
            reasons.insert(0, "another person scores close: ambiguous, capped at PROBABLE")
        elif not by_identifier:
            reasons.insert(0, f"{BIOGRAPHIC_ONLY}, capped at PROBABLE")
        else:
            reasons.insert(0, f"probability ≥ {settings.positive_threshold}")
            return Decision(MatchLevel.POSITIVE, best_person, reasons=reasons, basis=basis)
        return Decision(MatchLevel.PROBABLE, best_person, reasons=reasons, basis=basis)
    if p >= settings.probable_threshold:
        reasons.insert(0, f"probability ≥ {settings.probable_threshold}")
        if not by_identifier:
            reasons.insert(1, BIOGRAPHIC_ONLY)
        return Decision(MatchLevel.PROBABLE, best_person, reasons=reasons, basis=basis)
    if p >= settings.possible_threshold:
        reasons.insert(0, f"probability ≥ {settings.possible_threshold}")
        return Decision(MatchLevel.POSSIBLE, best_person, reasons=reasons, basis=basis)
    return Decision(
        MatchLevel.NO_RECORD,
        None,
        reasons=[f"best probability {p:.3g} below {settings.possible_threshold}"]
        + [r for r in reasons if "namesake" in r],
    )


def _weaknesses(evidence: Evidence, settings: ResolveSettings) -> list[str]:
    """Why the evidence is weaker than its probability looks, one reason each."""
    out: list[str] = []
    if evidence.contradicted:
        out.append(
            f"identifier contradicted: the subject's {', '.join(evidence.contradicted)} "
            "differs from this person's, so no identifier carries identity"
        )
    if evidence.shared:
        out.append(
            f"the agreeing {', '.join(evidence.shared)} is held by another person too: "
            "it cannot carry identity"
        )
    if evidence.apart:
        out.append(
            f"the person also holds records identified by {', '.join(evidence.apart)} that no "
            "identifier ties to the agreeing one (joined on biographic agreement): the "
            "identifier identifies only part of this person"
        )
    if evidence.identifier_agrees and not out:
        return out
    if evidence.conflicts:
        out.append(f"no identifier carries identity and {', '.join(evidence.conflicts)} differ")
    if settings.biographic_positive_requires_birth_country and not evidence.birth_country_agrees:
        out.append("no identifier carries identity and birth country is not confirmed")
    if (
        evidence.runner_up_probability is not None
        and evidence.runner_up_probability >= settings.possible_threshold
    ):
        out.append(f"another person also matches (p = {evidence.runner_up_probability:.4f})")
    if evidence.name_expected_records >= settings.common_name_expected_records:
        out.append(
            "common name with no agreeing identifier: name and date of birth alone are not identity"
        )
    if evidence.namesakes >= 0.001:
        out.append(
            f"{evidence.namesakes:.3g} namesakes expected outside the loaded records "
            "(booking population, national name frequencies)"
        )
    return out
