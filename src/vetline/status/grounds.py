"""Removability rules over convictions: each rule carries its INA citation and explains itself.

Only convictions count (INA 101(a)(48)); a pending charge can only make an LPR
REMOVABLE_IF_CONVICTED. Which code means what comes from the reviewed charge table
(``charges.py``), never from the code here. Deportability grounds (INA 237) apply to
admitted persons, inadmissibility grounds (INA 212) to those never admitted (§5.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from vetline.status.charges import ChargeCategory, ChargeTable
from vetline.status.charges import RemovalCategory as C
from vetline.status.dates import DateSpan, parse_span
from vetline.status.history import CriminalRec, Encounter, RecordRef
from vetline.status.policy import Thresholds
from vetline.status.result import Ground


@dataclass(frozen=True, slots=True)
class Charge:
    """A conviction, or a pending charge considered as if it ended in conviction."""

    ref: RecordRef
    code: str | None
    row: ChargeCategory | None
    level: str | None
    offense_date: DateSpan | None
    sentence_days: int | None
    pending: bool

    @property
    def categories(self) -> frozenset[C]:
        return self.row.removal if self.row else frozenset()

    def describe(self) -> str:
        what = self.row.description if self.row else "unclassified charge"
        status = "pending charge" if self.pending else "conviction"
        when = f" {self.offense_date}" if self.offense_date else ""
        return f"{status} {self.code} {what}{when}".strip()


@dataclass
class ChargeFacts:
    convictions: list[Charge] = field(default_factory=list)
    pending: list[Charge] = field(default_factory=list)
    to_resolve: list[str] = field(default_factory=list)
    #: Convictions that might be grounds but need facts the records lack (unclassified
    #: code, a code for legal review, a sentence not recorded): no NOT_REMOVABLE then.
    open_questions: int = 0


def collect_charges(
    criminal: Sequence[CriminalRec], encounter: Encounter | None, table: ChargeTable
) -> ChargeFacts:
    """Convictions and pending charges, classified through the charge table."""
    out = ChargeFacts()
    for c in criminal:
        if c.disposition in {"DISMISSED", "ACQUITTED"}:
            continue
        row = table.get(c.charge_code)
        charge = Charge(
            c.ref,
            c.charge_code,
            row,
            c.level,
            c.arrest_date,
            c.sentence_days,
            pending=c.disposition != "CONVICTED",
        )
        (out.pending if charge.pending else out.convictions).append(charge)
        if charge.pending:
            continue
        if row is None:
            out.open_questions += 1
            out.to_resolve.append(
                f"conviction with charge code {c.charge_code or '(none)'} "
                f"({c.charge_text or 'no text'}) is not in the charge table"
            )
        elif C.REVIEW in row.removal:
            out.open_questions += 1
            out.to_resolve.append(
                f"conviction {row.ncic_code} {row.description}: legal review for "
                f"{row.candidate_ina or 'possible grounds'} ({row.source_note.split(' [')[0]})"
            )
        elif C.AF_IF_SENTENCE_1Y in row.removal and c.sentence_days is None:
            out.open_questions += 1
            out.to_resolve.append(
                f"sentence for conviction {row.ncic_code} {row.description} not recorded: "
                "a year or more would be an aggravated felony"
            )
    if encounter is not None:
        when = parse_span(encounter.date, "encounter.date")
        for i, ch in enumerate(encounter.charges):
            row = table.get(ch.code)
            out.pending.append(
                Charge(
                    RecordRef("encounter", f"charge-{i + 1}"),
                    ch.code,
                    row,
                    ch.level,
                    when,
                    None,
                    pending=True,
                )
            )
    return out


@dataclass(frozen=True)
class Context:
    thresholds: Thresholds
    admission: DateSpan | None
    as_of: date


def _refs(charges: Sequence[Charge]) -> tuple[RecordRef, ...]:
    return tuple(c.ref for c in charges)


def _list(charges: Sequence[Charge]) -> str:
    return "; ".join(c.describe() for c in charges)


class _Rule(Protocol):
    @property
    def ina(self) -> str: ...
    @property
    def label(self) -> str: ...


def _conviction_ground(rule: _Rule, reason: str, hits: Sequence[Charge]) -> Ground:
    """The ground ``rule`` cites, resting on the convictions (or pending charges) ``hits``."""
    return Ground(
        rule.ina,
        rule.label,
        reason,
        _refs(hits),
        pending=any(c.pending for c in hits),
        from_conviction=True,
    )


@dataclass(frozen=True)
class CategoryRule:
    """Any conviction in one of ``categories`` is the ground."""

    ina: str
    label: str
    categories: frozenset[C]

    def evaluate(self, charges: Sequence[Charge], ctx: Context) -> list[Ground]:
        hits = [c for c in charges if c.categories & self.categories]
        if not hits:
            return []
        return [
            _conviction_ground(
                self,
                f"{self.label}: {_list(hits)}",
                hits,
            )
        ]


@dataclass(frozen=True)
class SentenceRule:
    """A conviction in ``categories`` with a term of imprisonment at or above the threshold."""

    ina: str
    label: str
    categories: frozenset[C]

    def evaluate(self, charges: Sequence[Charge], ctx: Context) -> list[Ground]:
        days = ctx.thresholds.aggravated_felony_min_sentence_days
        hits = []
        for c in charges:
            if not c.categories & self.categories:
                continue
            # A pending felony may carry a year or more; a conviction needs the sentence.
            long_enough = c.sentence_days is not None and c.sentence_days >= days
            if (c.pending and c.level == "FELONY") or long_enough:
                hits.append(c)
        if not hits:
            return []
        return [
            _conviction_ground(
                self,
                f"{self.label} (term of imprisonment {days} days or more, suspended or "
                f"not, INA 101(a)(48)(B)): {_list(hits)}",
                hits,
            )
        ]


@dataclass(frozen=True)
class MarijuanaRule:
    """237(a)(2)(B)(i)'s exception: a single possession of 30 g or less is not a ground."""

    ina: str
    label: str

    def evaluate(self, charges: Sequence[Charge], ctx: Context) -> list[Ground]:
        hits = [c for c in charges if C.MARIJUANA_POSSESSION in c.categories]
        if len(hits) <= ctx.thresholds.marijuana_exception_max_convictions:
            return []
        return [
            _conviction_ground(
                self,
                f"{len(hits)} marijuana possession convictions: beyond the single-offence "
                f"30 g exception: {_list(hits)}",
                hits,
            )
        ]


@dataclass(frozen=True)
class CimtWithinWindowRule:
    """237(a)(2)(A)(i): one CIMT committed within N years of admission, a year possible."""

    ina: str = "237(a)(2)(A)(i)"
    label: str = "crime involving moral turpitude within five years of admission"

    def evaluate(self, charges: Sequence[Charge], ctx: Context) -> list[Ground]:
        if ctx.admission is None:
            return []
        limit = ctx.admission.add_years(ctx.thresholds.cimt_window_years)
        hits = [
            c
            for c in charges
            if C.CIMT in c.categories
            and c.level == "FELONY"
            and (
                c.offense_date is not None
                and c.offense_date.certainly_before(limit.lo)
                and ctx.admission.hi <= c.offense_date.lo
            )
        ]
        if not hits:
            return []
        return [
            _conviction_ground(
                self,
                f"CIMT with a possible sentence of a year or more (felony) committed within "
                f"{ctx.thresholds.cimt_window_years} years of admission "
                f"{ctx.admission}: {_list(hits)}",
                hits,
            )
        ]


@dataclass(frozen=True)
class TwoCimtRule:
    """237(a)(2)(A)(ii): two or more CIMTs not arising out of a single scheme."""

    ina: str = "237(a)(2)(A)(ii)"
    label: str = "two or more crimes involving moral turpitude"

    def evaluate(self, charges: Sequence[Charge], ctx: Context) -> list[Ground]:
        hits = [c for c in charges if C.CIMT in c.categories]
        # Two offences certainly on different days; undated ones or one day may be a
        # single scheme, which 237(a)(2)(A)(ii) excludes.
        dated = [c.offense_date for c in hits if c.offense_date is not None]
        if len(dated) < 2 or min(d.hi for d in dated) >= max(d.lo for d in dated):
            return []
        return [
            _conviction_ground(
                self,
                f"{len(hits)} CIMT convictions on different dates (a single scheme is for "
                f"the reviewer to rule out): {_list(hits)}",
                hits,
            )
        ]


@dataclass(frozen=True)
class PettyOffenseCimtRule:
    """212(a)(2)(A)(i)(I) with the petty-offence exception of 212(a)(2)(A)(ii)(II)."""

    ina: str = "212(a)(2)(A)(i)(I)"
    label: str = "convicted of a crime involving moral turpitude"

    def evaluate(self, charges: Sequence[Charge], ctx: Context) -> list[Ground]:
        hits = [c for c in charges if c.categories & {C.CIMT, C.AGGRAVATED_FELONY}]
        if not hits:
            return []
        if (
            len(hits) == 1
            and hits[0].level == "MISDEMEANOR"
            and (hits[0].sentence_days or 0) <= 180
        ):
            return []
        return [
            _conviction_ground(
                self,
                f"{self.label}: {_list(hits)}",
                hits,
            )
        ]


Rule = (
    CategoryRule
    | SentenceRule
    | MarijuanaRule
    | CimtWithinWindowRule
    | TwoCimtRule
    | PettyOffenseCimtRule
)

_AF = "237(a)(2)(A)(iii)"
#: Deportability rules for admitted persons (INA 237(a)(2), §5.2-5.3).
DEPORTABILITY_RULES: tuple[Rule, ...] = (
    CategoryRule(
        _AF,
        "aggravated felony: murder, rape or sexual abuse of a minor (INA 101(a)(43)(A))",
        frozenset({C.AGGRAVATED_FELONY}),
    ),
    CategoryRule(
        _AF,
        "aggravated felony: illicit trafficking in a controlled substance (INA 101(a)(43)(B))",
        frozenset({C.DRUG_TRAFFICKING}),
    ),
    CategoryRule(
        _AF,
        "aggravated felony: illicit trafficking in firearms (INA 101(a)(43)(C))",
        frozenset({C.FIREARM_TRAFFICKING}),
    ),
    SentenceRule(
        _AF,
        "aggravated felony: theft, burglary or crime of violence with a year's "
        "imprisonment (INA 101(a)(43)(F)/(G))",
        frozenset({C.AF_IF_SENTENCE_1Y}),
    ),
    CimtWithinWindowRule(),
    TwoCimtRule(),
    CategoryRule(
        "237(a)(2)(B)(i)",
        "controlled substance conviction",
        frozenset({C.DRUG_TRAFFICKING, C.CONTROLLED_SUBSTANCE}),
    ),
    MarijuanaRule("237(a)(2)(B)(i)", "controlled substance conviction (marijuana)"),
    CategoryRule("237(a)(2)(C)", "firearm offence", frozenset({C.FIREARM, C.FIREARM_TRAFFICKING})),
    CategoryRule(
        "237(a)(2)(D)",
        "espionage, sabotage, treason or similar offence",
        frozenset({C.NATIONAL_SECURITY}),
    ),
    CategoryRule(
        "237(a)(2)(E)(i)",
        "domestic violence, stalking or child abuse",
        frozenset({C.DOMESTIC_VIOLENCE, C.STALKING, C.CHILD_ABUSE}),
    ),
    CategoryRule(
        "237(a)(2)(E)(ii)", "violation of a protection order", frozenset({C.PROTECTION_ORDER})
    ),
    CategoryRule("237(a)(1)(E)", "alien smuggling", frozenset({C.SMUGGLING})),
)

#: Inadmissibility rules for persons never admitted (INA 212(a)(2), §5.5).
INADMISSIBILITY_RULES: tuple[Rule, ...] = (
    PettyOffenseCimtRule(),
    CategoryRule(
        "212(a)(2)(A)(i)(II)",
        "convicted of a controlled-substance violation",
        frozenset({C.DRUG_TRAFFICKING, C.CONTROLLED_SUBSTANCE}),
    ),
    MarijuanaRule(
        "212(a)(2)(A)(i)(II)", "convicted of a controlled-substance violation (marijuana)"
    ),
    CategoryRule(
        "212(a)(2)(C)", "controlled-substance trafficker", frozenset({C.DRUG_TRAFFICKING})
    ),
    CategoryRule("212(a)(6)(E)", "alien smuggling", frozenset({C.SMUGGLING})),
)


def _merge(grounds: list[Ground]) -> list[Ground]:
    """One ground per INA citation (several rules may cite 237(a)(2)(A)(iii))."""
    merged: dict[str, Ground] = {}
    for g in grounds:
        if g.ina in merged:
            m = merged[g.ina]
            refs = m.evidence + tuple(r for r in g.evidence if r not in m.evidence)
            merged[g.ina] = Ground(
                g.ina,
                m.label,
                f"{m.reason}. Also {g.reason}",
                refs,
                pending=m.pending and g.pending,
                from_conviction=True,
            )
        else:
            merged[g.ina] = g
    return list(merged.values())


def conviction_grounds(
    charges: ChargeFacts, ctx: Context, admitted: bool
) -> tuple[list[Ground], list[Ground]]:
    """(grounds from convictions, grounds that would arise if pending charges were convictions)."""
    if not charges.convictions and not charges.pending:
        # most persons: every rule needs a charge to find a ground (the marijuana rule
        # a count above its threshold, which is at least 0), so none runs for nothing
        return [], []
    rules = DEPORTABILITY_RULES if admitted else INADMISSIBILITY_RULES
    actual = _merge([g for r in rules for g in r.evaluate(charges.convictions, ctx)])
    if not charges.pending:
        return actual, []
    have = {g.ina for g in actual}
    hypothetical = _merge(
        [g for r in rules for g in r.evaluate(charges.convictions + charges.pending, ctx)]
    )
    return actual, [g for g in hypothetical if g.ina not in have and g.pending]
