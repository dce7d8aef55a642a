"""Time invariants over many seeds and reference dates (on the day-number arrays, before
rendering), the runtime guard against dates after as-of, and the records of the edge
scenarios (checked on the session world with DuckDB)."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pytest

from vetline.synth import catalogue, histories, people
from vetline.synth.dates import NODATE, day
from vetline.synth.events import DATE_COLUMNS, Ctx, Events
from vetline.synth.names import load_pools


def _world(seed: int, as_of: date, persons: int = 12_000) -> Ctx:
    rng = np.random.default_rng([seed, 0])
    codes = catalogue.allocate(persons, rng)
    folk = people.build(rng, load_pools(), codes, day(as_of), 0)
    return Ctx(rng, folk, Events(), day(as_of))


@pytest.mark.parametrize("as_of", [date(2015, 1, 1), date(2021, 3, 31), date(2026, 11, 1)])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_event_after_as_of_or_before_birth_for_any_seed(seed: int, as_of: date) -> None:
    """Every date column of every source (validity limits aside) lies in (dob, as_of];
    rare windows (an ASYLEE grant 90 days after a late filing, a warrant for an
    18-year-old) only show over many people, hence several seeds and reference dates."""
    ctx = _world(seed, as_of)
    histories.run(ctx)  # also runs histories.check_times; assert independently here
    for source, cols in DATE_COLUMNS.items():
        f = ctx.ev.frame(source)
        dob = ctx.people.dob[f["_pidx"]]
        for col in sorted(cols - histories.VALIDITY_COLUMNS):
            v = f[col]
            dated = v != NODATE
            assert not (dated & (v > ctx.as_of)).any(), (source, col)
            assert not (dated & (v <= dob)).any(), (source, col)


def test_a_date_after_as_of_is_refused_not_written() -> None:
    ctx = _world(4, date(2026, 11, 1), persons=500)
    histories.run(ctx)
    ctx.ev.add("status", np.asarray([0]), np.asarray([ctx.as_of + 3]), start_date=ctx.as_of + 3)
    with pytest.raises(RuntimeError, match=r"status\._when"):
        histories.check_times(ctx)


def _count(db: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])  # type: ignore[index]


def _rows(source: str) -> str:
    return (
        f"(SELECT s.*, f.person_id, f.scenario, f.expected_flags FROM {source} s "
        f"JOIN truth t ON t.source = '{source}' AND t.record_id = s.record_id "
        f"JOIN person_facts f USING (person_id))"
    )


def test_naturalized_after_a_removal_order(db: duckdb.DuckDBPyConnection) -> None:
    people_n = _count(
        db, "SELECT count(*) FROM person_facts WHERE scenario = 'NATURALIZED_AFTER_ORDER'"
    )
    assert people_n > 0
    ordered_then_naturalized = _count(
        db,
        f"""SELECT count(DISTINCT n.person_id) FROM {_rows("status")} n
        JOIN {_rows("court")} c USING (person_id)
        WHERE n.scenario = 'NATURALIZED_AFTER_ORDER' AND n.status_class = 'NATURALIZED'
          AND c.decision LIKE 'REMOVAL_ORDER%'
          AND CAST(n.start_date AS DATE) > CAST(c.decision_date AS DATE)""",
    )
    assert ordered_then_naturalized == people_n
    assert (
        _count(
            db,
            "SELECT count(*) FROM person_facts WHERE scenario = 'NATURALIZED_AFTER_ORDER' "
            "AND (us_citizen <> 'Y' OR expected_flags NOT LIKE '%POSSIBLE_US_CITIZEN%')",
        )
        == 0
    )


def test_conditional_residence_terminated_after_its_two_years(
    db: duckdb.DuckDBPyConnection,
) -> None:
    st = _rows("status")
    n = _count(db, "SELECT count(*) FROM person_facts WHERE scenario = 'CONDITIONAL_TERMINATED'")
    good = _count(
        db,
        f"""SELECT count(DISTINCT g.person_id) FROM {st} g JOIN {st} t USING (person_id)
        WHERE g.scenario = 'CONDITIONAL_TERMINATED'
          AND g.status_class = 'CONDITIONAL_LPR' AND g.status_state = 'GRANTED'
          AND t.status_class = 'CONDITIONAL_LPR' AND t.status_state = 'TERMINATED'
          AND CAST(t.start_date AS DATE) > CAST(g.end_date AS DATE)""",
    )
    assert n > 0 and good == n
    # No LPR grant: the terminated resident never became a permanent one.
    assert (
        _count(
            db,
            f"SELECT count(*) FROM {st} WHERE scenario = 'CONDITIONAL_TERMINATED' "
            "AND status_class = 'LPR'",
        )
        == 0
    )


@pytest.mark.parametrize(
    ("scenario", "status_class", "state"),
    [
        ("U_VISA", "U_VISA", "GRANTED"),
        ("T_VISA", "T_VISA", "GRANTED"),
        ("VAWA_PENDING", "VAWA_PENDING", "PENDING"),
    ],
)
def test_victim_based_protection_is_on_file_and_flagged(
    db: duckdb.DuckDBPyConnection, scenario: str, status_class: str, state: str
) -> None:
    n = _count(db, f"SELECT count(*) FROM person_facts WHERE scenario = '{scenario}'")
    on_file = _count(
        db,
        f"""SELECT count(DISTINCT person_id) FROM {_rows("status")}
        WHERE scenario = '{scenario}' AND status_class = '{status_class}'
          AND status_state = '{state}'
          AND (end_date IS NULL OR CAST(end_date AS DATE) > DATE '2026-11-01')""",
    )
    assert n > 0 and on_file == n
    assert (
        _count(
            db,
            f"SELECT count(*) FROM person_facts WHERE scenario = '{scenario}' "
            "AND expected_flags NOT LIKE '%PROTECTED_STATUS%'",
        )
        == 0
    )


def test_two_cimt_convictions_are_on_different_days(db: duckdb.DuckDBPyConnection) -> None:
    same_day = _count(
        db,
        f"""SELECT count(*) FROM (
            SELECT person_id, arrest_date FROM {_rows("criminal")}
            WHERE scenario = 'LPR_REMOVABLE' AND charge_code IN ('2603','2605','2608','2610')
              AND disposition = 'CONVICTED'
            GROUP BY 1, 2 HAVING count(*) > 1)""",
    )
    assert same_day == 0
