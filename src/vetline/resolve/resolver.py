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
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein

from vetline.errors import BadInput
from vetline.resolve import fullname, layout
from vetline.resolve.aggregate import aggregate
from vetline.resolve.comparisons import COMPARISONS, IDENTIFIER_COMPARISONS, TYPO_LABEL
from vetline.resolve.config import ResolveSettings
from vetline.resolve.ids import fresh_id
from vetline.resolve.index import IndexI32, RecordIndex
from vetline.resolve.levels import Decision, Evidence, decide
from vetline.resolve.links import Link, LinkTable
from vetline.resolve.model import MatchModel
from vetline.resolve.population import (
    DISAGREEMENT_M_CEILING,
    WIDE_MIN,
    Levels,
    Population,
    adjust_each,
    disagreement_fix,
)
from vetline.resolve.realtime import SubjectScorer
from vetline.resolve.scorer import Scores
from vetline.resolve.standardise import (
    remember_symbols,
    standardise_frame,
    standardise_one,
)
from vetline.vocab import IdentityBasis, MatchLevel

_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    """A dataclass's field names, looked up once (``fields`` costs microseconds a call)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


@dataclass(frozen=True)
class Subject:
    """The IAQ subject: who the requesting officer says this is."""

    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    dob: str | None = None
    sex: str | None = None
    birth_country: str | None = None
    a_number: str | None = None
    fin: str | None = None
    fbi_number: str | None = None
    ssn: str | None = None
    passport_number: str | None = None
    sid: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Subject:
        """From IAQ ``subject`` JSON; unknown keys are ignored, values must be text."""
        known = _field_names(cls)
        values: dict[str, str | None] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if value is not None and not isinstance(value, str):
                raise BadInput(f"subject.{key}", "must be a string or null")
            values[key] = value or None
        return cls(**values)

    def as_row(self) -> dict[str, str | None]:
        """The fields as a contract-shaped row (``asdict`` without its deep copy)."""
        return {name: getattr(self, name) for name in _field_names(type(self))}

    def check(self) -> None:
        has_name = bool(self.last_name or self.first_name)
        ids = (self.a_number, self.fin, self.fbi_number, self.ssn, self.passport_number)
        if not has_name and not any(ids) and not self.sid:
            raise BadInput("subject", "needs a name or an identifier")
        if self.dob and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", self.dob.strip()):
            raise BadInput("subject.dob", f"must be YYYY-MM-DD, YYYY-MM or YYYY, not {self.dob!r}")


@dataclass
class Resolution:
    """The answer: level, best person, probability, why, and the alternatives."""

    level: MatchLevel
    person_id: str | None
    probability: float
    match_weight: float | None
    explanation: list[dict[str, Any]] = field(default_factory=list)
    records: list[tuple[str, str]] = field(default_factory=list)
    candidates: list[tuple[str, float]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    #: What ties the subject to ``person_id`` (biometric, identifier or biographic only);
    #: the status engine withholds enforcement from a biographic-only identity.
    basis: IdentityBasis = IdentityBasis.NONE
    #: Other persons that *may* be this subject: "possible same person" links of the
    #: chosen person (``links.parquet``) and close candidates. Their records count
    #: towards citizenship or lawful status, never towards removal (issue 11).
    possible: list[str] = field(default_factory=list)
    #: True when an analyst must look before any answer leaves: two persons above
    #: PROBABLE, or the chosen person has a "possible same person" link.
    needs_review: bool = False
    #: The chosen person's "possible same person" links (their other persons are in
    #: ``possible`` and ``candidates``).
    links: list[Link] = field(default_factory=list)
    #: With a decisive FIN: linked or close persons whose records carry another FIN
    #: (beyond a typo). Fingerprints say they are someone else, so they are not in
    #: ``possible`` (their records are not read for this subject); still candidates.
    other_fingerprints: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        # Built by hand, not with ``asdict``: its recursive deep copy was a visible share
        # of the desk's CPU per IAQ. The explanation's dicts are copied one level down,
        # which is all they have (field name → plain values).
        return {
            "level": str(self.level),
            "person_id": self.person_id,
            "probability": self.probability,
            "match_weight": self.match_weight,
            "basis": str(self.basis),
            "explanation": [dict(step) for step in self.explanation],
            "records": [{"source": s, "record_id": r} for s, r in self.records],
            "candidates": [self._candidate(p, q) for p, q in self.candidates],
            "reasons": list(self.reasons),
            "possible": list(self.possible),
            "needs_review": self.needs_review,
        }

    def _candidate(self, person_id: str, probability: float) -> dict[str, Any]:
        """One candidate entry; a linked person says so (``link``) and why (``reason``)."""
        entry: dict[str, Any] = {"person_id": person_id, "probability": round(probability, 6)}
        for link in self.links:
            if link.other_person_id == person_id:
                entry["link"] = True
                entry["reason"] = (
                    f"possible same person as {link.person_id} "
                    f"(link p = {link.match_probability:.4f}): {link.reason}"
                ).rstrip(": ")
                break
        return entry


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
        self._ids_cache: dict[str, tuple[list[set[tuple[str, str]]], list[Any]]] = {}
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
            keys = np.take(owner.codes, rows)
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
            contradicted=self._contradicted(row, ranked.persons[best]),
            shared=_shared(gamma_rows, best) if agrees else (),
            apart=self._apart(row, ranked.persons[best], gamma_rows[best]) if agrees else (),
            namesakes=namesakes[best],
            dob_agrees=_label(best_gamma, "dob") in _DOB_AGREES,
        )  # fmt: skip
        decision = decide(evidence, ranked.persons[best], s)
        top = ranked.persons.index(decision.person_id) if decision.person_id else best
        explanation = self._explain(ranked.gamma[top], ranked.weights[top], decision.decisive)
        if whole[top] < -1e-4:
            explanation.append(
                {
                    "field": "full_name",
                    "comparison": "the whole name is more common in the loaded records than "
                    "its surname and first name multiplied",
                    "weight": round(whole[top], 4),
                }
            )
        if against[top] < -1e-4:
            explanation.append(
                {
                    "field": "disagreement",
                    "comparison": "a disagreement weighed as a clerk's error rate at most "
                    f"({DISAGREEMENT_M_CEILING:.0%} of a person's records), not as often "
                    "as the trained model found it among look-alikes",
                    "weight": round(against[top], 4),
                }
            )
        lost = weight[top] - float(ranked.match_weight[top]) - whole[top] - against[top]
        if lost < -1e-4:
            explanation.append(
                {
                    "field": "population",
                    "comparison": f"{namesakes[top]:.3g} namesakes expected outside "
                    "the loaded records (booking population, national name frequencies)",
                    "weight": round(lost, 4),
                }
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
            candidates, possible = self._with_links(
                decision.person_id, links, ranked.persons, probabilities, order, candidates
            )
            if decision.decisive == "fin":
                others = [p for p in possible if "fin" in self._contradicted(row, p)]
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
            needs_review=_needs_review(decision, bool(links), high, bool(evidence.apart)),
            links=list(links),
            other_fingerprints=others,
        )

    def _with_links(
        self,
        chosen: str,
        links: list[Link],
        persons: Sequence[str],
        probabilities: list[float],
        order: list[int],
        candidates: list[tuple[str, float]],
    ) -> tuple[list[tuple[str, float]], list[str]]:
        """Candidates with every linked person added (its score if it was a candidate,
        else the link's probability), and the ``possible`` persons: linked ones first,
        then other candidates at or above ``possible_threshold``.

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
        threshold = self.settings.possible_threshold
        for i in order:
            if not probabilities[i] >= threshold:
                continue
            p = persons[i]
            if p != chosen and p not in possible:
                possible.append(p)
        return out, possible

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

    def _identified(self, person_id: str) -> tuple[list[set[tuple[str, str]]], list[Any]]:
        """Per record of ``person_id``: its (identifier type, value) pairs, and its state.

        Cached per person (the index changes only in ``add_records``, which clears it):
        decoding six identifier columns per answer was a tenth of a millisecond."""
        cached = self._ids_cache.get(person_id)
        if cached is not None:
            return cached
        rows = self.index.rows_of_person(person_id)
        columns = [(c, self.index.coded[c].values(rows).tolist()) for c in IDENTIFIER_COLUMNS]
        held = [
            {(c, str(values[i])) for c, values in columns if values[i] is not None}
            for i in range(len(rows))
        ]
        out = (held, self.index.coded["state"].values(rows).tolist())
        if len(self._ids_cache) >= _IDS_CACHE_SIZE:
            self._ids_cache.clear()
        self._ids_cache[person_id] = out
        return out

    def _apart(self, row: dict[str, Any], person_id: str, gamma: list[int]) -> tuple[str, ...]:
        """Identifiers of ``person_id``'s records that no chain of identifiers ties to the
        subject's agreeing one, when those records also live in other states than the
        agreeing ones: the person joins separately identified records on biographic
        agreement (issue 11: a citizen's SID record merged with a stranger's FIN and
        FBI-number records). Values one typo apart count as tied."""
        held, states = self._identified(person_id)
        if len(held) < 2:
            return ()
        reached = {
            (c, str(row[c]))
            for c, at in zip(IDENTIFIER_COLUMNS, _ID_POSITIONS, strict=True)
            if gamma[at] == _EXACT
        }
        inside = [False] * len(held)
        changed = True
        while changed:
            changed = False
            for i, ids in enumerate(held):
                if not inside[i] and ids and _tied(ids, reached):
                    inside[i] = True
                    reached |= ids
                    changed = True
        outside = [i for i, ids in enumerate(held) if ids and not inside[i]]
        if not outside:
            return ()
        near = {states[i] for i in range(len(held)) if inside[i] and states[i] is not None}
        far = {states[i] for i in outside if states[i] is not None}
        if not near or not far or not near.isdisjoint(far):
            return ()  # one place of life: a person's records under several identifiers
        return tuple(sorted({c for i in outside for c, _ in held[i]}))

    def _contradicted(self, row: dict[str, Any], person_id: str) -> tuple[str, ...]:
        """Identifier types the subject gives that differ beyond a typo from a value any
        record of ``person_id`` holds (all its records, not only the candidates)."""
        given = [c for c in IDENTIFIER_COLUMNS if row.get(c)]
        if not given:
            return ()
        held, _ = self._identified(person_id)
        out: list[str] = []
        for column in given:
            mine = str(row[column])
            for ids in held:
                if any(
                    c == column and v != mine and DamerauLevenshtein.distance(mine, v) > 1
                    for c, v in ids
                ):
                    out.append(column)
                    break
        return tuple(out)

    def _name_expected(self, tf_s: float, tf_f: float) -> float:
        """N · tf(surname) · tf(forename): same-name records expected by chance."""
        n = len(self.index)
        if math.isnan(tf_s):
            tf_s = 1.0 / max(n, 1)
        if math.isnan(tf_f):
            tf_f = 1.0 / max(n, 1)
        return float(n * tf_s * tf_f)

    def _explain(
        self, gamma: np.ndarray[Any, Any], weights: np.ndarray[Any, Any], decisive: str | None
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = [
            {"field": "prior", "comparison": "prior (two random records match)",
             "weight": round(self.model.prior_weight, 4)}
        ]  # fmt: skip
        levels: list[int] = gamma.tolist()
        weight_of: list[float] = weights.tolist()
        for c, comparison in enumerate(COMPARISONS):
            level = comparison.levels[levels[c]]
            if level.kind == "null":
                continue
            label = level.label
            if decisive and comparison.name == decisive and level.label == "exact":
                label = "exact: biometric identity, decisive"
            # The level's own weight and the term-frequency adjustment apart (added keys),
            # so the waterfall can show both as Splink draws them.
            level_weight = self.model.comparisons[comparison.name][levels[c]].log2_bf
            items.append(
                {
                    "field": comparison.field,
                    "comparison": label,
                    "weight": round(weight_of[c], 4),
                    "tf_adjustment": round(weight_of[c] - level_weight, 4),
                }
            )
        return items

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
            self._ids_cache.pop(person_ids[-1], None)
        return person_ids


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


def _known(code: int) -> int | None:
    """A vocabulary code, None for −1 (absent): ``PersonIds.index``'s key of an id."""
    return code if code >= 0 else None


_POSITION = {c.name: i for i, c in enumerate(COMPARISONS)}
#: Identifier comparisons, in model order (each compares the column of its name).
IDENTIFIER_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in COMPARISONS if c.name in IDENTIFIER_COMPARISONS
)
_ID_POSITIONS = [_POSITION[c] for c in IDENTIFIER_COLUMNS]
_EXACT = 1  # identifier comparisons: level 1 is exact
#: Persons whose identifiers ``Resolver._identified`` keeps decoded (≈ 1 KB each).
_IDS_CACHE_SIZE = 100_000
#: Date-of-birth levels that count as agreement (clerical variants of one date).
_DOB_AGREES = frozenset({"exact", "partial date agrees", "day and month swapped", TYPO_LABEL})


def _tied(ids: set[tuple[str, str]], reached: set[tuple[str, str]]) -> bool:
    """Some identifier of ``ids`` equals, or is one typo from, one of ``reached``."""
    if not ids.isdisjoint(reached):
        return True
    return any(
        c == d and DamerauLevenshtein.distance(v, w) <= 1 for c, v in ids for d, w in reached
    )


def _shared(gamma: list[list[int]], best: int) -> tuple[str, ...]:
    """Identifier types on which ``best`` agrees exactly and so does another person."""
    return tuple(
        name
        for name, c in zip(IDENTIFIER_COLUMNS, _ID_POSITIONS, strict=True)
        if gamma[best][c] == _EXACT and sum(1 for g in gamma if g[c] == _EXACT) > 1
    )


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


def _needs_review(decision: Decision, linked: bool, high: int, apart: bool) -> bool:
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
