"""The real-time path gives bit-for-bit the reference's answers.

``realtime.SubjectScorer`` against ``scorer.score`` (itself checked against Splink), the
plain-Python ``aggregate`` against the NumPy version it replaced (kept here as the
oracle), and the index's grouped person rows and Python key hashes against scans.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein
from rapidfuzz.process import cpdist

from conftest import BuiltWorld
from vetline.resolve import layout, realtime, wide
from vetline.resolve.aggregate import PersonScores, aggregate
from vetline.resolve.coded import _row_hashes
from vetline.resolve.comparisons import BLOCKING_RULES, COMPARISONS, IDENTIFIER_COMPARISONS
from vetline.resolve.index import RecordIndex, subject_key
from vetline.resolve.model import MatchModel
from vetline.resolve.realtime import SubjectScorer, _jw_at_least
from vetline.resolve.scorer import Scores, broadcast, score
from vetline.resolve.standardise import standardise_one, standardise_rows

SURNAMES = ["GARCIA", "GARCIA LOPEZ", "DE LA CRUZ", "CRUZ", "GARCIAS", "OKAFOR", "OKAFRO",
            "LINDQVIST", "LINDQUIST", "HUSSEIN", "HUSSAIN", "HOSEIN", None]  # fmt: skip
FORENAMES = ["JUAN", "JUAN CARLOS", "ROBERT", "BOB", "MOHAMMED", "MUHAMMAD", "GARCIA",
             "OKAFOR", "ANA", "ANNA", "OLUWASEUN", "OLUWASEYN", "QUENTIN", "KWENTEN",
             None]  # fmt: skip
CITIES = ["SPRINGFIELD", "SPRINGFELD", "SHELBYVILLE", "LOS ANGELES", None]
ADDRESSES = ["12 MAIN ST", "12 MAIN STREET", "14 MAIN ST", "9 ELM RD", None]


def _maybe(rng: random.Random, value: str, p_null: float = 0.2) -> str | None:
    return None if rng.random() < p_null else value


def _digits(rng: random.Random, base: str) -> str:
    """``base`` or a one-digit typo / adjacent swap of it."""
    r = rng.random()
    i = rng.randrange(len(base) - 1)
    if r < 0.2:
        return base[:i] + str(rng.randrange(10)) + base[i + 1 :]
    if r < 0.4:
        return base[:i] + base[i + 1] + base[i] + base[i + 2 :]
    return base


def _row(rng: random.Random, n: int) -> dict[str, Any]:
    """A contract-shaped row drawn from small value sets, so every level is hit."""
    last, first = rng.choice(SURNAMES), rng.choice(FORENAMES)
    if rng.random() < 0.15:  # first and last name swapped
        last, first = rng.choice([("GARCIA", "OKAFOR"), ("OKAFOR", "GARCIA")])
    year, month, day = rng.choice([1980, 1981, 1990]), rng.choice([2, 3, 11]), rng.choice([3, 2])
    dob = rng.choice([f"{year}-{month:02d}-{day:02d}", f"{year}-{month:02d}", f"{year}",
                      f"{year}-{day:02d}-{month:02d}", None])  # fmt: skip
    return {
        "source": "s", "record_id": str(n), "last_name": last,
        "first_name": first, "middle_name": _maybe(rng, "LUIS", 0.8),
        "dob": dob, "sex": rng.choice(["M", "F", None]),
        "birth_country": rng.choice(["MX", "GT", None]),
        "a_number": _maybe(rng, _digits(rng, "012345678"), 0.4),
        "fin": _maybe(rng, rng.choice(["1234567890", "2234567890"]), 0.6),
        "fbi_number": _maybe(rng, rng.choice(["FB1", "FB2"]), 0.7),
        "ssn": _maybe(rng, _digits(rng, "223456789"), 0.5),
        "passport_number": _maybe(rng, rng.choice(["P1", "P2"]), 0.7),
        "sid": _maybe(rng, rng.choice(["S1", "S2"]), 0.7), "address": rng.choice(ADDRESSES),
        "city": rng.choice(CITIES), "state": rng.choice(["CA", "TX", None]),
        "zip": rng.choice(["90210", "90201", "90211", "73301", None]),
    }  # fmt: skip


def _reference(model: MatchModel, index: RecordIndex, row: dict[str, Any], rows: Any) -> Scores:
    return score(model, broadcast(row, len(rows)), index.columns(rows), index.tf_columns(rows))


def _assert_same(a: Scores, b: Scores) -> None:
    assert a.gamma.tolist() == b.gamma.tolist()
    assert a.weights.tobytes() == b.weights.tobytes()  # bit for bit
    assert a.match_weight.tobytes() == b.match_weight.tobytes()
    assert a.probability.tobytes() == b.probability.tobytes()


@pytest.fixture(scope="module")
def model(built_world: BuiltWorld) -> MatchModel:
    return MatchModel.load(layout.model_file(built_world.data))


@pytest.fixture(params=["narrow", "wide"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both scoring paths: candidate by candidate, and level by level (``wide.py``)."""
    monkeypatch.setattr(realtime, "WIDE_MIN", 10**9 if request.param == "narrow" else 1)
    return str(request.param)


@pytest.mark.usefixtures("path")
def test_every_level_against_the_reference_on_all_pairs(model: MatchModel) -> None:
    rng = random.Random(3)
    table = standardise_rows([_row(rng, n) for n in range(150)])
    index = RecordIndex.from_match_table(table, [f"P{n % 60}" for n in range(len(table))])
    scorer = SubjectScorer(model, index)
    rows = np.arange(len(index), dtype=np.int32)
    seen = np.zeros((len(COMPARISONS), 9), dtype=bool)
    for n in range(80):
        row = standardise_one(_row(rng, 1000 + n))
        fast = scorer.score(row, rows)
        _assert_same(fast, _reference(model, index, row, rows))
        seen[np.arange(len(COMPARISONS)), fast.gamma] = True
    for c, comparison in enumerate(COMPARISONS):  # the draw really reaches every level
        missing = [lv.label for i, lv in enumerate(comparison.levels) if not seen[c, i]]
        assert not missing, (comparison.name, missing)


@pytest.mark.usefixtures("path")
@pytest.mark.parametrize("map_min", [None, 0])  # small vocabularies as lists, or all mapped
def test_world_candidates_against_the_reference(
    built_world: BuiltWorld, model: MatchModel, map_min: int | None
) -> None:
    index = RecordIndex.load(layout.index_dir(built_world.data), map_min=map_min)
    scorer = SubjectScorer(model, index)
    rng = random.Random(5)
    for person in built_world.people[:150]:
        subject = {k: v for k, v in person.items() if k != "pid" and rng.random() < 0.8}
        if rng.random() < 0.3 and subject.get("last_name"):
            subject["last_name"] = subject["last_name"][::-1][:3] + subject["last_name"][3:]
        row = standardise_one(subject)
        rows = index.candidates(row, 5_000)
        if len(rows):
            _assert_same(scorer.score(row, rows), _reference(model, index, row, rows))


@pytest.mark.usefixtures("path")
def test_added_records_refresh_term_frequency_weights(model: MatchModel) -> None:
    rng = random.Random(9)
    table = standardise_rows([_row(rng, n) for n in range(40)])
    index = RecordIndex.from_match_table(table, [f"P{n}" for n in range(len(table))])
    scorer = SubjectScorer(model, index)
    row = standardise_one(_row(rng, 99))
    scorer.score(row, np.arange(len(index)))
    index.add(standardise_rows([_row(rng, 100 + n) for n in range(30)]), ["PX"] * 30)
    rows = np.arange(len(index))
    _assert_same(scorer.score(row, rows), _reference(model, index, row, rows))


def test_jaro_winkler_threshold_is_compared_as_cpdist_and_numpy_do() -> None:
    """``cpdist`` gives float32 similarities and NumPy compares them with a Python-float
    threshold in float32; at a threshold equal to the float64 similarity itself, that
    rounding decides, and must decide the same way here."""
    rng = random.Random(1)
    names = [s for s in SURNAMES + FORENAMES + CITIES + ADDRESSES if s]
    for _ in range(400):
        a, b = rng.choice(names), rng.choice(names)
        b = b if rng.random() < 0.5 else b[:-1] + rng.choice("AEKS")
        sim = JaroWinkler.normalized_similarity(a, b)
        reference = cpdist([a], [b], scorer=JaroWinkler.normalized_similarity, workers=1)
        for t in (0.88, 0.9, 0.92, sim, np.nextafter(sim, 0), np.nextafter(sim, 2)):
            threshold = float(t)  # a Python float, as ``Level.threshold``
            assert _jw_at_least(a, b, threshold) == bool((reference >= threshold)[0])


def _aggregate_numpy(scores: Scores, persons: Any, prior_weight: float) -> PersonScores:
    """The vectorised ``aggregate`` the plain-Python one replaced: the oracle."""
    id_cols = [i for i, c in enumerate(COMPARISONS) if c.name in IDENTIFIER_COMPARISONS]
    bio_cols = [i for i, c in enumerate(COMPARISONS) if c.name not in IDENTIFIER_COMPARISONS]
    codes, uniques = pd.factorize(persons)
    n_persons = len(uniques)
    bio = prior_weight + scores.weights[:, bio_cols].sum(axis=1)
    order = np.lexsort((-bio, codes))
    first = np.ones(len(order), dtype=bool)
    first[1:] = codes[order][1:] != codes[order][:-1]
    best = np.empty(n_persons, dtype=np.intp)
    best[codes[order][first]] = order[first]
    gamma = scores.gamma[best].copy()
    weights = scores.weights[best].copy()
    # an undated best record takes the person's most favourable dated candidate record
    dob = next(i for i, c in enumerate(COMPARISONS) if c.name == "dob")
    dated = scores.gamma[:, dob] != 0
    top = np.full(n_persons, -np.inf)
    np.maximum.at(top, codes[dated], scores.weights[dated, dob])
    first_top = np.full(n_persons, len(codes))
    hits = np.flatnonzero(dated & (scores.weights[:, dob] == top[codes]))
    np.minimum.at(first_top, codes[hits], hits)
    fill = (gamma[:, dob] == 0) & np.isfinite(top)
    gamma[fill, dob] = scores.gamma[first_top[fill], dob]
    weights[fill, dob] = scores.weights[first_top[fill], dob]
    agrees = np.zeros(n_persons, dtype=bool)
    for c in id_cols:
        g, w = scores.gamma[:, c], scores.weights[:, c]
        exact = g == 1
        has_exact = np.zeros(n_persons, dtype=bool)
        has_exact[codes[exact]] = True
        exact_w = np.zeros(n_persons)
        exact_w[codes[exact]] = w[exact]
        worst = np.full(n_persons, np.inf)
        other = g > 1
        np.minimum.at(worst, codes[other], w[other])
        worst_level = np.zeros(n_persons, dtype=np.int8)
        for level in np.unique(g[other]):
            sel = other & (g == level)
            hit = np.zeros(n_persons, dtype=bool)
            hit[codes[sel][w[sel] == worst[codes[sel]]]] = True
            worst_level[hit] = level
        has_other = np.isfinite(worst)
        weights[:, c] = np.where(has_exact, exact_w, np.where(has_other, worst, 0.0))
        gamma[:, c] = np.where(has_exact, 1, np.where(has_other, worst_level, 0))
        agrees |= has_exact
    total = prior_weight + weights.sum(axis=1)
    rank = np.argsort(-total, kind="stable")
    return PersonScores([str(uniques[i]) for i in rank], total[rank], best[rank],
                        gamma[rank], weights[rank], agrees[rank],
                        [uniques[i] for i in rank])  # fmt: skip


def test_aggregate_matches_the_vectorised_oracle() -> None:
    rng = np.random.default_rng(11)
    sizes = [len(c.levels) for c in COMPARISONS]
    for _ in range(600):
        n = int(rng.integers(1, 14))
        gamma = np.stack([rng.integers(0, k, n) for k in sizes], axis=1).astype(np.int8)
        # weights from few values per level, so ties between records and persons occur
        table = rng.choice([-9.5, -2.0, 0.0, 3.25, 16.5], size=(len(COMPARISONS), 9))
        weights: npt.NDArray[np.float64] = table[np.arange(len(COMPARISONS)), gamma]
        weights += rng.choice([0.0, 0.0, 0.1], size=weights.shape)
        scores = Scores(gamma, weights, np.zeros(n), np.zeros(n))
        persons = [f"P{int(p)}" for p in rng.integers(0, 4, n)]
        fast = aggregate(scores, persons, -18.2)
        oracle = _aggregate_numpy(scores, np.array(persons, dtype=object), -18.2)
        assert fast.persons == oracle.persons
        for name in ("match_weight", "best_record", "gamma", "weights", "identifier_agrees"):
            a, b = getattr(fast, name), getattr(oracle, name)
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), name


def test_rows_of_person_before_and_after_adds(built_world: BuiltWorld) -> None:
    index = RecordIndex.load(layout.index_dir(built_world.data))
    codes = index.coded["person_id"].codes
    persons = index.coded["person_id"].vocab[:40]
    for person in persons:
        expected = np.flatnonzero(codes == index.coded["person_id"].code_of(person))
        assert index.rows_of_person(person).tolist() == expected.tolist()
    new = standardise_rows([_row(random.Random(n), n) for n in range(3)])
    index.add(new, [persons[0], "BRAND-NEW", persons[0]])
    codes = index.coded["person_id"].codes
    for person in [*persons, "BRAND-NEW"]:
        expected = np.flatnonzero(codes == index.coded["person_id"].code_of(person))
        got = index.rows_of_person(person)
        assert got.dtype == np.int32 and got.tolist() == expected.tolist()
    assert index.rows_of_person("NOBODY").tolist() == []


def test_subject_keys_are_the_index_keys() -> None:
    rng = random.Random(4)
    raw = [_row(rng, n) for n in range(60)]
    index = RecordIndex.from_match_table(standardise_rows(raw), [f"P{n}" for n in range(60)])
    rows = [standardise_one(r) for r in raw]
    parts: list[dict[str, int]] = [{} for _ in rows]  # one cache per row, across rules
    for rule in BLOCKING_RULES:
        hashes, present = _row_hashes(rule, index.coded, index.ints)
        for i, row in enumerate(rows):
            key = subject_key(rule, row)
            assert (key is not None) == bool(present[i]), rule
            assert subject_key(rule, row, parts[i]) == key
            if key is not None:
                assert key == int(hashes[i]), rule


@pytest.mark.usefixtures("path")
@pytest.mark.parametrize("map_min", [None, 0])
def test_added_records_on_a_loaded_index(
    built_world: BuiltWorld, model: MatchModel, map_min: int | None
) -> None:
    """Exact levels compare vocabulary codes: values added after loading (a mapped
    vocabulary's tail, a list's new entries) must be found by code as by value."""
    index = RecordIndex.load(layout.index_dir(built_world.data), map_min=map_min)
    scorer = SubjectScorer(model, index)
    rng = random.Random(21)
    added = [_row(rng, 5000 + n) for n in range(40)]
    added += [{**dict(p), "record_id": f"x{n}", "source": "s"}  # existing values again
              for n, p in enumerate(built_world.people[:10])]  # fmt: skip
    index.add(standardise_rows(added), [f"PX{n % 7}" for n in range(len(added))])
    rows = np.arange(len(index) - len(added), len(index), dtype=np.int32)
    for subject in [_row(rng, 9000 + n) for n in range(30)] + added[-10:]:
        row = standardise_one({k: v for k, v in subject.items() if k != "pid"})
        _assert_same(scorer.score(row, rows), _reference(model, index, row, rows))


def test_typo_levels_in_one_call_equal_the_scalar_distance() -> None:
    """``within_edits`` (one ``cdist`` of OSA for Damerau-Levenshtein within one edit)
    against the scalar test, on strings one or two edits apart and unrelated ones, and
    the character-count bound the wide path filters with (never above 2 x distance)."""
    rng = random.Random(8)
    alphabet = "0123-9AB"
    for _ in range(300):
        mine = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 9)))
        values = []
        for _ in range(rng.choice([1, 5, 30, 80])):
            v = mine
            for _ in range(rng.randrange(0, 3)):
                v = _typo_of(rng, v, alphabet)
            values.append(v if rng.random() < 0.8 else "".join(rng.sample(alphabet, 4)))
        for kind, metric in (("damerau", DamerauLevenshtein), ("levenshtein", Levenshtein)):
            for t in (0, 1, 1.0, 2):
                got = wide.within_edits(kind, mine, values, t).tolist()
                assert got == [metric.distance(mine, v) <= t for v in values], (kind, t)
        counts = wide._char_counts(values)
        apart = wide._counts_apart(counts, np.arange(len(values)), mine)
        for v, a in zip(values, apart.tolist(), strict=True):
            assert a <= 2 * DamerauLevenshtein.distance(mine, v)
            assert a <= 2 * Levenshtein.distance(mine, v)


def _typo_of(rng: random.Random, text: str, alphabet: str) -> str:
    """One substitution, insertion, deletion or adjacent transposition of ``text``."""
    i = rng.randrange(len(text) + 1)
    op = rng.randrange(4)
    if op == 0 and i < len(text):
        return text[:i] + rng.choice(alphabet) + text[i + 1 :]
    if op == 1:
        return text[:i] + rng.choice(alphabet) + text[i:]
    if op == 2 and i < len(text):
        return text[:i] + text[i + 1 :]
    if i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text
