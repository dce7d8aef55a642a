"""The real-time resolver: one subject → candidate persons, a level, and its reasons.

Path of a query: standardise the subject (the build's own functions), look up candidate
records by the build's blocking rules, score them with the trained model (Splink's
arithmetic on the index's codes, ``realtime.py``), keep each person's best record, then
decide the level (``levels.py``).

Beyond the loaded records: each candidate's probability is lowered by the namesakes the
booking population holds outside them (``population.py``), and the chosen person's
"possible same person" links (``links.py``, written by the build) are shown as
candidates and send the answer to an analyst (``needs_review``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vetline.errors import BadInput
from vetline.resolve import fullname, layout
from vetline.resolve.aggregate import aggregate
from vetline.resolve.answer import Resolution, Subject
from vetline.resolve.comparisons import COMPARISONS, TYPO_LABEL
from vetline.resolve.config import ResolveSettings
from vetline.resolve.explain import corrections, explain
from vetline.resolve.identified import IDENTIFIER_COLUMNS, Identifiers, shared
from vetline.resolve.ids import fresh_id
from vetline.resolve.index import IndexI32, RecordIndex
from vetline.resolve.levels import Evidence, decide
from vetline.resolve.links import Link, LinkTable
from vetline.resolve.model import MatchModel
from vetline.resolve.population import (
    WIDE_MIN,
    Levels,
    Population,
    adjust_each,
    disagreement_fix,
)
from vetline.resolve.possible import needs_review, with_links
from vetline.resolve.realtime import SubjectScorer
from vetline.resolve.scorer import Scores
from vetline.resolve.standardise import (
    remember_symbols,
    standardise_frame,
    standardise_one,
)
from vetline.vocab import MatchLevel

__all__ = ["IDENTIFIER_COLUMNS", "Resolution", "Resolver", "Subject"]


class Resolver:
    """Holds the model and the index; ``resolve`` is read-only, ``add_records`` appends."""

    def __init__(
        self,
        model: MatchModel,
        index: RecordIndex,
        settings: ResolveSettings,
        links: Mapping[str, list[Link]] | None = None,
    ) -> None:
        self.model = model
        self.index = index
        self.settings = settings
        self.scorer = SubjectScorer(model, index)
        #: "possible same person" links by person id (both directions; a ``LinkTable``
        #: when loaded: looked up, not held as objects)
        self.links: Mapping[str, list[Link]] = links if links is not None else {}
        #: each person's identifiers, decoded once (``identified.py``)
        self.identifiers = Identifiers(index)
        self._log2_m_names = fullname.log2_m_names(model)
        self.population = Population.of(
            model,
            settings.population_size,
            settings.surname_floor,
            settings.forename_floor,
            settings.dob_spread_days,
        )

    @classmethod
    def load(cls, data_dir: Path, settings: ResolveSettings | None = None) -> Resolver:
        model = MatchModel.load(layout.model_file(data_dir))
        if not (layout.index_dir(data_dir) / "index.json").exists():
            raise BadInput(str(data_dir), "no person index; run `vetline build` first")
        index = RecordIndex.load(layout.index_dir(data_dir))
        remember_symbols(index.symbols)
        links = LinkTable.read(data_dir)
        return cls(model, index, settings or ResolveSettings.load(data_dir), links)

    def resolve(self, subject: Subject | Mapping[str, Any]) -> Resolution:
        if not isinstance(subject, Subject):
            subject = Subject.from_dict(subject)
        subject.check()
        return self._resolve_row(standardise_one(subject.as_row()))

    def _resolve_row(
        self,
        row: dict[str, Any],
        scored: tuple[IndexI32, Scores] | None = None,
        persons: list[str] | None = None,
    ) -> Resolution:
        """``scored``: the row's candidates and their scores when already computed, and
        ``persons`` the candidates' person ids when already decoded (``chunk.resolve_chunk``:
        bit for bit what the lines below give)."""
        s = self.settings
        if scored is None:
            rows = self.index.candidates(row, s.max_block_size)
            scores = None
        else:
            rows, scores = scored
        if len(rows) == 0:
            return Resolution(MatchLevel.NO_RECORD, None, 0.0, None, reasons=["no candidate"])
        if scores is None:
            scores = self.scorer.score(row, rows)
        owner = self.index.coded["person_id"]
        keys: list[str] | IndexI32
        if persons is None:
            # grouped by person code; an id decoded only when read (``aggregate``)
            keys = owner.codes[rows]
            code_of = owner.code_of
            ranked = aggregate(
                scores, keys, self.model.prior_weight, owner.decode, lambda p: _known(code_of(p))
            )
        else:
            keys = persons
            ranked = aggregate(scores, persons, self.model.prior_weight)
        gamma_rows: list[list[int]] = ranked.gamma.tolist()
        # the subject's name frequencies, looked up once (the namesakes and the chance
        # agreement both read them)
        tf_s = self.index.tf_of("surname", row.get("surname"))
        tf_f = self.index.tf_of("forename", row.get("forename"))
        # many persons (a common name at 10M records): the arrays, summed column-wise
        levels = ranked.gamma if len(gamma_rows) >= WIDE_MIN else gamma_rows
        namesakes = self._namesakes(row, levels, tf_s, tf_f)
        whole = self._whole_name(row, scores, keys, ranked.keys, ranked.gamma, ranked.weights)
        against = disagreement_fix(self.population, levels)
        weight = adjust_each(ranked.match_weight.tolist(), whole, against, namesakes)
        probabilities = [1.0 / (1.0 + 2.0**-w) if w > -1000 else 0.0 for w in weight]
        # The model's ranking stands (namesakes lower a probability, they do not say who
        # the subject is more likely to be: re-ranking by it cost top-1 on held-out worlds).
        order = list(range(len(probabilities)))
        best = 0
        runner = 1 if len(order) > 1 else None
        fs_weight: list[float] = ranked.match_weight.tolist()
        best_gamma = gamma_rows[best]
        fin_at = self.scorer.first_equal("fin", row, rows) if row.get("fin") else None
        fin_person = None
        if fin_at is not None:
            fin_person = str(
                persons[fin_at] if persons is not None else owner.decode([int(keys[fin_at])])[0]
            )
        agrees = bool(ranked.identifier_agrees[best])
        evidence = Evidence(
            probability=probabilities[best],
            # the margin compares the two loaded persons: the model's weights, not the
            # namesake-adjusted ones (outsiders lower both, the runner-up's the more)
            match_weight=fs_weight[best],
            runner_up_weight=fs_weight[runner] if runner is not None else None,
            runner_up_probability=max(probabilities[1:]) if runner is not None else None,
            identifier_agrees=agrees,
            fin_person=fin_person,
            name_expected_records=self._name_expected(tf_s, tf_f),
            birth_country_agrees=_label(best_gamma, "birth_country") == "exact",
            conflicts=tuple(
                name for name in ("birth_country", "sex", "dob")
                if _label(best_gamma, name) == "different"
            ),
            contradicted=self.identifiers.contradicted(row, ranked.persons[best]),
            shared=shared(gamma_rows, best) if agrees else (),
            apart=(
                self.identifiers.apart(row, ranked.persons[best], gamma_rows[best])
                if agrees
                else ()
            ),
            namesakes=namesakes[best],
            dob_agrees=_label(best_gamma, "dob") in _DOB_AGREES,
        )  # fmt: skip
        decision = decide(evidence, ranked.persons[best], s)
        top = ranked.persons.index(decision.person_id) if decision.person_id else best
        explanation = explain(self.model, ranked.gamma[top], ranked.weights[top], decision.decisive)
        explanation += corrections(
            whole[top],
            against[top],
            weight[top] - float(ranked.match_weight[top]) - whole[top] - against[top],
            namesakes[top],
        )
        candidates = [(ranked.persons[i], probabilities[i]) for i in order[: s.max_candidates]]
        records: list[tuple[str, str]] = []
        links: list[Link] = []
        possible: list[str] = []
        others: list[str] = []
        reasons = list(decision.reasons)
        if decision.person_id is not None:
            person_rows = self.index.rows_of_person(decision.person_id)
            uids = self.index.coded["unique_id"].values(person_rows)
            records = [tuple(u.split("|", 1)) for u in uids]
            links = self.links.get(decision.person_id, [])
            candidates, possible = with_links(
                decision.person_id,
                links,
                ranked.persons,
                probabilities,
                order,
                candidates,
                s.possible_threshold,
            )
            if decision.decisive == "fin":
                others = [p for p in possible if "fin" in self.identifiers.contradicted(row, p)]
                possible = [p for p in possible if p not in others]
                reasons += [
                    f"{p} holds another FIN: fingerprints say another person, its records "
                    "are not read as this subject's"
                    for p in others
                ]
            reasons += [
                f"possible same person: {link.other_person_id} "
                f"(link p = {link.match_probability:.4f}"
                + (f"; {link.reason})" if link.reason else ")")
                + ": an analyst must see both"
                for link in links
            ]
        high = sum(1 for q in probabilities if q >= s.probable_threshold)
        if high >= 2:
            reasons.append(f"{high} persons at or above PROBABLE: an analyst must choose")
        return Resolution(
            decision.level,
            decision.person_id,
            probabilities[top],
            weight[top],
            explanation,
            records,
            candidates,
            reasons,
            basis=decision.basis,
            possible=possible,
            needs_review=needs_review(decision, bool(links), high, bool(evidence.apart)),
            links=list(links),
            other_fingerprints=others,
        )

    def _whole_name(
        self,
        row: dict[str, Any],
        scores: Scores,
        row_persons: list[str] | IndexI32,
        persons: list[Any],
        gamma: np.ndarray[Any, Any],
        weights: np.ndarray[Any, Any],
    ) -> list[float]:
        """Per ranked person: ``fullname.full_name_fix`` (≤ 0), when some candidate
        record agrees exactly on both names. ``row_persons``: each candidate record's
        person key, ``persons``: the ranked persons' keys (ids, or the index's person
        codes: no id decoded)."""
        both = (scores.gamma[:, fullname.SURNAME] == fullname.EXACT_NAME) & (
            scores.gamma[:, fullname.FORENAME] == fullname.EXACT_NAME
        )
        if not both.any():
            return [0.0] * len(persons)
        at = np.flatnonzero(both).tolist()
        owners = (
            row_persons[at].tolist()
            if isinstance(row_persons, np.ndarray)
            else [row_persons[i] for i in at]
        )
        own = Counter(owners)  # counted in C: hundreds of records in a common name's block
        count, total = self.index.full_name_count(row)
        return fullname.full_name_fix(
            self._log2_m_names, gamma, weights, persons, own, count, total
        )

    def _namesakes(
        self, row: dict[str, Any], gamma: Levels, tf_s: float, tf_f: float
    ) -> list[float]:
        """λ per candidate person: namesakes in the booking population (``population.py``);
        ``tf_s``, ``tf_f``: the index's term frequencies of the subject's two names."""
        pop = self.population
        if pop.size <= 0:
            return [0.0] * len(gamma)
        surname, forename = row.get("surname"), row.get("forename")
        return pop.namesakes(
            gamma,
            pop.surname_frequency(surname, tf_s),
            pop.forename_frequency(forename, tf_f),
            row.get("birth_country"),
        )

    def _name_expected(self, tf_s: float, tf_f: float) -> float:
        """N · tf(surname) · tf(forename): same-name records expected by chance."""
        n = len(self.index)
        if math.isnan(tf_s):
            tf_s = 1.0 / max(n, 1)
        if math.isnan(tf_f):
            tf_f = 1.0 / max(n, 1)
        return float(n * tf_s * tf_f)

    def holders(self, column: str, value: str | None) -> list[str]:
        """Persons whose records carry exactly this identifier value (canonical form).

        Not a resolution: no probability, no level. For looking up a record's *reference*
        to another person (a parent's A-number in ``parent_a_numbers``), where only the
        number is known — scored as a subject, one A-number alone stays below POSSIBLE
        (the model's prior is two random records, and a lone agreement does not lift it),
        so a parent was never found that way and every derivation through a naturalized
        parent was missed (issue 11: derived citizens read as LPR). Several persons may
        hold one value (a split or a conflict); all are returned, the caller decides.
        """
        if column not in IDENTIFIER_COLUMNS:
            raise BadInput(column, f"not an identifier ({', '.join(IDENTIFIER_COLUMNS)})")
        row = standardise_one({column: value})
        canon = row.get(column)
        if canon is None:
            return []
        rows = self.index.candidates(row, self.settings.max_block_size)
        values = self.index.coded[column].values(rows)
        persons = self.index.coded["person_id"].values(rows)
        found = (str(p) for v, p in zip(values, persons, strict=True) if v == canon)
        return list(dict.fromkeys(found))

    def linked(self, person_id: str) -> list[str]:
        """The "possible same person" links of ``person_id`` (other person ids)."""
        return [k.other_person_id for k in self.links.get(person_id, [])]

    def add_records(self, rows: Iterable[Mapping[str, Any]]) -> list[str]:
        """Add store-shaped rows to the live index; returns the person id of each.

        Each row joins the person it resolves to when that match would have clustered at
        build time (probability ≥ ``cluster_threshold`` and POSITIVE, which now needs a
        FIN or an uncontradicted identifier: biographic agreement alone never joins, as at
        build); otherwise it starts a new person. New records get no "possible same
        person" links here; ``vetline build`` later re-derives persons and links.
        """
        table = standardise_frame(pd.DataFrame([dict(r) for r in rows]))
        person_ids: list[str] = []
        for i in range(len(table)):
            match_row = {str(c): _unbox(v) for c, v in table.iloc[i].items()}
            result = self._resolve_row(match_row) if len(self.index) else None
            if (
                result is not None
                and result.person_id is not None
                and result.probability >= self.settings.cluster_threshold
                and result.level is MatchLevel.POSITIVE
            ):
                person_ids.append(result.person_id)
            else:
                person_ids.append(fresh_id(str(match_row["unique_id"])))
            self.index.add(table.iloc[[i]], [person_ids[-1]])
            self.identifiers.forget(person_ids[-1])
        return person_ids


def _known(code: int) -> int | None:
    """A vocabulary code, None for −1 (absent): ``PersonIds.index``'s key of an id."""
    return code if code >= 0 else None


_POSITION = {c.name: i for i, c in enumerate(COMPARISONS)}
#: Date-of-birth levels that count as agreement (clerical variants of one date).
_DOB_AGREES = frozenset({"exact", "partial date agrees", "day and month swapped", TYPO_LABEL})


def _label(gamma: list[int], name: str) -> str:
    """Label of the level comparison ``name`` took."""
    i = _POSITION[name]
    return COMPARISONS[i].levels[gamma[i]].label


def _unbox(value: Any) -> Any:
    if value is pd.NA or value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    return value
