"""Splink adapter: vetline's comparisons as Splink creators, training, export.

The comparisons stay Python creator objects (never SQL text), because a saved Splink JSON
holds SQL in the dialect it was trained on and does not translate; the trained m/u values
travel in vetline's own ``model.json`` and are configured back onto freshly created
comparisons for whichever engine runs (DuckDB or Spark).

Training is unsupervised, as Splink recommends: the prior from deterministic rules, u by
random sampling (an identifier's exact level, where the sample held no agreement, from
its value frequencies: ``identifier_u``), m by expectation maximisation in two sessions
(blocked on date of birth, then on names) so every comparison is estimated where it is
not blocked on. Ground truth is never read here.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from vetline.progress import ProgressFn, no_progress
from vetline.resolve.comparisons import (
    BLOCKING_FILTERS,
    BLOCKING_RULES,
    COMPARISONS,
    DETERMINISTIC_RULES,
    EM_FALLBACK_SESSIONS,
    EM_SESSIONS,
    IDENTIFIER_COMPARISONS,
    Comparison,
    Level,
)
from vetline.resolve.identifier_u import exact_agreement_rate
from vetline.resolve.model import LevelParams, MatchModel

_log = logging.getLogger(__name__)

#: Splink's SQL for the custom date levels: plain SQL both DuckDB and Spark accept.
_DOB_SQL: dict[str, str] = {
    "dob_exact": "dob_year_l = dob_year_r AND dob_month_l = dob_month_r AND dob_day_l = dob_day_r",
    "dob_partial": "dob_year_l = dob_year_r "
    "AND (dob_month_l IS NULL OR dob_month_r IS NULL OR dob_month_l = dob_month_r) "
    "AND (dob_day_l IS NULL OR dob_day_r IS NULL OR dob_day_l = dob_day_r)",
    "dob_swap": "dob_year_l = dob_year_r AND dob_month_l = dob_day_r AND dob_day_l = dob_month_r",
}


def _reversed_similar(first: str, second: str, threshold: float) -> Any:
    """Splink level: ``first`` ≈ the other record's ``second`` and vice versa (Jaro-Winkler).

    Splink has only the exact ``ColumnsReversedLevel``; this writes the fuzzy version with
    the dialect's own Jaro-Winkler function, so DuckDB and Spark run the same condition.
    """
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

    class ReversedSimilarLevel(ComparisonLevelCreator):
        def create_sql(self, sql_dialect: Any) -> str:
            jw = sql_dialect.jaro_winkler_function_name
            return (
                f"{jw}({first}_l, {second}_r) >= {threshold} "
                f"AND {jw}({second}_l, {first}_r) >= {threshold}"
            )

        def create_label_for_charts(self) -> str:
            return f"{first} and {second} swapped, Jaro-Winkler >= {threshold}"

    return ReversedSimilarLevel()


def _creator(level: Level) -> Any:
    import splink.comparison_level_library as cll

    kind = level.kind
    made: Any
    if kind == "null":
        made = cll.NullLevel(level.columns[0])
    elif kind == "exact":
        made = cll.ExactMatchLevel(level.columns[0], term_frequency_adjustments=level.tf)
    elif kind == "reversed":
        made = cll.ColumnsReversedLevel(level.columns[0], level.columns[1], symmetrical=True)
    elif kind == "array_intersect":
        made = cll.ArrayIntersectLevel(level.columns[0], min_intersection=1)
    elif kind == "jaro_winkler":
        made = cll.JaroWinklerLevel(level.columns[0], level.threshold)
    elif kind == "levenshtein":
        made = cll.LevenshteinLevel(level.columns[0], int(level.threshold))
    elif kind == "damerau":
        made = cll.DamerauLevenshteinLevel(level.columns[0], int(level.threshold))
    elif kind == "reversed_similar":
        made = _reversed_similar(level.columns[0], level.columns[1], level.threshold)
    elif kind in _DOB_SQL:
        made = cll.CustomLevel(_DOB_SQL[kind])
    elif kind == "year_within":
        col = level.columns[0]
        made = cll.CustomLevel(f"abs({col}_l - {col}_r) <= {int(level.threshold)}")
    else:
        made = cll.ElseLevel()
    made = made.configure(label_for_charts=level.label)
    if level.fixed_m is not None:
        made = made.configure(m_probability=level.fixed_m, fix_m_probability=True)
    return made


def splink_comparison(comparison: Comparison, model: MatchModel | None = None) -> Any:
    """A Splink ``CustomComparison`` for ``comparison``, with trained m/u if given."""
    import splink.comparison_library as cl

    creators = []
    trained = model.comparisons.get(comparison.name) if model else None
    for i, level in enumerate(comparison.levels):
        creator = _creator(level)
        if trained is not None and level.kind != "null":
            params = trained[i]
            creator = creator.configure(m_probability=params.m, u_probability=params.u)
        creators.append(creator)
    return cl.CustomComparison(
        comparison_levels=creators,
        output_column_name=comparison.name,
        comparison_description=comparison.field,
    )


#: EM iterations per session at most (Splink's default; sessions usually converge sooner).
MAX_ITERATIONS = 25


def prediction_rules() -> list[Any]:
    """Splink's blocking rules for predict: each ``BLOCKING_RULES`` entry's equal keys,
    and its ``BLOCKING_FILTERS`` condition where it has one (the equal keys stay the hash
    join's keys; the condition filters the joined pairs before they are scored)."""
    from splink import block_on
    from splink.blocking_rule_library import And, CustomRule

    made: list[Any] = []
    for rule in BLOCKING_RULES:
        extra = BLOCKING_FILTERS.get(rule)
        made.append(And(block_on(*rule), CustomRule(extra)) if extra else block_on(*rule))
    return made


def settings(model: MatchModel | None = None, max_iterations: int = MAX_ITERATIONS) -> Any:
    """A Splink ``SettingsCreator`` for vetline's model (dedupe across all sources)."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[splink_comparison(c, model) for c in COMPARISONS],
        blocking_rules_to_generate_predictions=prediction_rules(),
        probability_two_random_records_match=model.prior if model else 1e-4,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,  # mw_ columns for cluster.py
        max_iterations=max_iterations,
    )


def make_linker(db_api: Any, frame: Any, model: MatchModel | None = None) -> Any:
    """Register ``frame`` (pandas, or an engine table) and build a Linker on it."""
    from splink import Linker

    table = db_api.register(frame)
    return Linker(table, settings(model), log_level=logging.ERROR)


#: Splink's own value for a level never observed in training. EM can drive an m to
#: exactly 0.0 (e.g. "different FIN" when no matching pair in the session conflicts),
#: which Splink 5 then rejects as below 1e-300; flooring here keeps such a level
#: strongly negative (about -20 bits) instead of aborting training.
_M_U_FLOOR = 1e-6


@contextmanager
def _floored_em() -> Iterator[None]:
    import splink.internals.expectation_maximisation as em

    original: Any = getattr(em, "m_u_records_to_lookup_dict")  # noqa: B009 (private name)

    def floored(records: Any) -> Any:
        lookup = original(records)
        for levels in lookup.values():
            for values in levels.values():
                for key in ("m_probability", "u_probability"):
                    value = values.get(key)
                    if isinstance(value, float) and value < _M_U_FLOOR:
                        values[key] = _M_U_FLOOR
        return lookup

    setattr(em, "m_u_records_to_lookup_dict", floored)  # noqa: B010
    try:
        yield
    finally:
        setattr(em, "m_u_records_to_lookup_dict", original)  # noqa: B010


class _IterationCounter(logging.Handler):
    """Counts Splink's "Iteration N" log lines: EM's only sign of progress (it has no
    callback), so the build's "train model" bar moves per iteration, not per stage."""

    def __init__(self, step: Callable[[], None]) -> None:
        super().__init__(logging.INFO)
        self.step = step

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Iteration "):
            self.step()


@contextmanager
def _em_iterations(step: Callable[[], None]) -> Iterator[None]:
    """Call ``step`` after each EM iteration (Splink's own log lines stay silent)."""
    em_log = logging.getLogger("splink.internals.expectation_maximisation")
    handler = _IterationCounter(step)
    level, propagate = em_log.level, em_log.propagate
    em_log.setLevel(logging.INFO)
    em_log.propagate = False  # counted here, not printed
    em_log.addHandler(handler)
    try:
        yield
    finally:
        em_log.removeHandler(handler)
        em_log.setLevel(level)
        em_log.propagate = propagate


#: Random pairs per record for u (with ``max_pairs`` as the floor): see ``u_pairs``.
U_PAIRS_PER_RECORD = 1.5


def u_pairs(max_pairs: float, records: int) -> float:
    """Random pairs sampled for u: ``max_pairs``, or 1.5 a record if more.

    Why grow with the world (stop 32): an exact identifier's u comes from the sampled
    pairs that agree on it, and a fixed sample holds fewer of them as the world grows
    (≈ 1.5 same-identifier pairs a record among N²/2 pairs: about 6 in 2M pairs at 1M
    records, under 1 at 10M). At 10M the 2M-pair sample held none, every identifier's
    exact level fell back to one default u (10 bits instead of 16–18.5 at 1M), and an
    SSN alone no longer found its person (bench/README.md "serve32"). Pairs in
    proportion to the records keep that expected count — and, up to 1.33M records, the
    floor keeps every model trained so far unchanged. Measured at 10M (bench/README.md
    "Candidate pairs in NumPy", run 2): the A-number is observed again (21.1 bits), but
    the sparser SSN and FIN are not (10.0): those take the u of their value frequencies
    (``unobserved_identifier_u``; 20.9 and 21.6 bits at 10M, stop 33).
    """
    return max(max_pairs, U_PAIRS_PER_RECORD * records)


def train(
    db_api: Any,
    frame: pd.DataFrame,
    *,
    seed: int = 42,
    max_pairs: float = 2e6,
    progress: ProgressFn = no_progress,
) -> MatchModel:
    """Estimate the model unsupervised on ``frame`` (a match table); return it.

    EM runs on at most ``max_pairs`` blocked pairs (Splink's hash sampling) and
    without term frequencies in its iterations: at 1M records a date-of-birth block
    holds ~25M pairs, and full EM over them took 400 s for no better estimate.

    Every step that has nothing to learn from is skipped with a warning rather than
    left to raise (a valid extract must always build, issue 11): an extract of one
    record has no pair at all (Splink divides by the pair count), one without dates of
    birth or names has no pair for that EM session (``blocked_pairs``).

    ``progress("train model", done, total)`` moves per step: the prior, u, then each EM
    iteration (a session that converges early jumps to its end).
    """
    from splink import block_on

    linker = make_linker(db_api, frame)
    training = linker.training
    n = len(frame)
    if n < 2:
        _log.warning("one record: nothing to train on; the model keeps default values")
        return export(linker)
    iterations = MAX_ITERATIONS  # make_linker's settings
    total = 2 + iterations * len(EM_SESSIONS)
    progress("train model", 0, total)
    training.estimate_probability_two_random_records_match(
        [block_on(*r) for r in DETERMINISTIC_RULES], recall=0.8
    )
    progress("train model", 1, total)
    floor = 1.0 / max(n * (n - 1) / 2, 1.0)  # at least one expected matching pair
    if not linker._settings_obj._probability_two_random_records_match > floor:
        linker._settings_obj._probability_two_random_records_match = floor
    training.estimate_u_using_random_sampling(max_pairs=u_pairs(max_pairs, n), seed=seed)
    unobserved_identifier_u(linker, frame)
    progress("train model", 2, total)
    sessions = [c for c in EM_SESSIONS if blocked_pairs(frame, c) > 0]
    if len(sessions) < len(EM_SESSIONS):
        skipped = [c for c in EM_SESSIONS if c not in sessions]
        fallback = next((c for c in EM_FALLBACK_SESSIONS if blocked_pairs(frame, c) > 0), None)
        _log.warning(
            "EM session(s) blocked on %s skipped: no two records agree there (the columns "
            "are optional in the extract); %s",
            ", ".join("+".join(c) for c in skipped),
            f"training on {'+'.join(fallback)} instead"
            if fallback
            else "nothing else to train on either: their comparisons keep default m values",
        )
        if fallback is not None:
            sessions.append(fallback)
    total = 2 + iterations * len(sessions)
    done = 2

    def step() -> None:
        nonlocal done
        done += 1
        progress("train model", min(done, total), total)

    with _floored_em(), _em_iterations(step):
        for k, columns in enumerate(sessions, start=1):
            training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns),
                estimate_without_term_frequencies=True,
                max_pairs=max_pairs,
            )
            done = 2 + iterations * k  # converged early: the session's remaining steps
            progress("train model", done, total)
    return export(linker)


def unobserved_identifier_u(linker: Any, frame: pd.DataFrame) -> dict[str, float]:
    """Give an identifier's exact level the u of its value frequencies where random
    sampling saw no two records agree (``identifier_u``); returns what was set."""
    spec = {c.name: c for c in COMPARISONS}
    found: dict[str, float] = {}
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        if name not in IDENTIFIER_COMPARISONS:
            continue
        exact = next(level for level in comparison.comparison_levels if not level.is_null_level)
        column = spec[name].levels[1].columns[0]  # the exact level's column
        if exact._u_is_trained or column not in frame.columns:
            continue
        u = exact_agreement_rate(frame[column])
        if u is None:
            continue
        # as Splink records a sampled u: the level's value and its training history,
        # which a later EM session's re-population reads back
        exact._add_trained_u_probability(u, "estimate u from value frequencies")
        exact.u_probability = u
        found[name] = u
        _log.info("u of %s exact from value frequencies: %.3g (sampling saw none)", name, u)
    return found


def blocked_pairs(frame: pd.DataFrame, columns: tuple[str, ...]) -> int:
    """How many record pairs agree (non-null, equal) on every one of ``columns``.

    Splink's EM raises when its blocking rule yields no pair, and a valid extract can
    carry no date of birth (the contract makes it optional) or no name (a record with
    identifiers only): such a session has nothing to learn from and is skipped.
    """
    present = frame.dropna(subset=list(columns))
    if present.empty:
        return 0
    sizes = present.groupby(list(columns), sort=False).size()
    return int((sizes * (sizes - 1) // 2).sum())


def export(linker: Any) -> MatchModel:
    """Read trained parameters out of Splink's own objects (its defaults included).

    Reading the weights from Splink's ``ComparisonLevel`` objects (rather than re-deriving
    them) guarantees the real-time scorer uses exactly what Splink's predict uses,
    including Splink's handling of levels never observed in training.
    """
    settings_obj = linker._settings_obj
    comparisons: dict[str, list[LevelParams]] = {}
    spec = {c.name: c for c in COMPARISONS}
    for comparison in settings_obj.comparisons:
        name = comparison.output_column_name
        levels = comparison.comparison_levels
        params: list[LevelParams] = []
        for level, ours in zip(levels, spec[name].levels, strict=True):
            if level.is_null_level:
                params.append(LevelParams(ours.label, None, None, 0.0))
                continue
            m, u = level.m_probability, level.u_probability
            log2_bf = level._log2_bayes_factor
            tf_u = None
            if level._has_tf_adjustments:
                tf_u = level._u_probability_corresponding_to_exact_match(levels)
            params.append(
                LevelParams(
                    ours.label,
                    float(m),
                    float(u),
                    float(log2_bf),
                    tf_column=level._tf_adjustment_input_column_name if tf_u else None,
                    tf_weight=float(level._tf_adjustment_weight),
                    tf_minimum_u=float(level._tf_minimum_u_value),
                    tf_u_exact=float(tf_u) if tf_u else None,
                )
            )
        comparisons[name] = params
    prior = float(settings_obj._probability_two_random_records_match)
    if not 0 < prior < 1 or math.isnan(prior):
        prior = 1e-4
    return MatchModel(prior=prior, comparisons=comparisons)
