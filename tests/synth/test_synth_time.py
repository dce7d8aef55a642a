"""Every life history is consistent in time, and records express statuses as
``docs/world-semantics.md`` says (checked on the generated files, with DuckDB)."""

from __future__ import annotations

import duckdb
import pytest

from vetline.records.contract import SOURCES

AS_OF = "DATE '2026-11-01'"
FUTURE_OK = {"end_date", "admit_until"}  # validity periods may run past as-of


def _count(db: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])  # type: ignore[index]


def _person(source: str) -> str:
    """``source`` rows with their person's true DOB and scenario."""
    return (
        f"(SELECT s.*, f.person_id, CAST(f.true_dob AS DATE) AS tdob, f.scenario "
        f"FROM {source} s JOIN truth t ON t.source = '{source}' AND t.record_id = s.record_id "
        f"JOIN person_facts f USING (person_id))"
    )


@pytest.mark.parametrize("source", list(SOURCES))
def test_no_event_before_birth_or_after_as_of(db: duckdb.DuckDBPyConnection, source: str) -> None:
    dates = [c.name for c in SOURCES[source] if c.kind == "date"] + ["record_date"]
    for col in dates:
        assert (
            _count(db, f"SELECT count(*) FROM {_person(source)} WHERE CAST({col} AS DATE) <= tdob")
            == 0
        ), col
        if col not in FUTURE_OK:
            assert (
                _count(db, f"SELECT count(*) FROM {source} WHERE CAST({col} AS DATE) > {AS_OF}")
                == 0
            ), col


def test_criminal_and_custody_order(db: duckdb.DuckDBPyConnection) -> None:
    crim = _person("criminal")
    assert (
        _count(
            db,
            f"SELECT count(*) FROM {crim} WHERE "
            "CAST(arrest_date AS DATE) < tdob + INTERVAL 18 YEAR",
        )
        == 0
    )
    assert (
        _count(
            db,
            "SELECT count(*) FROM criminal WHERE "
            "CAST(disposition_date AS DATE) < CAST(arrest_date AS DATE)",
        )
        == 0
    )
    assert (
        _count(
            db,
            "SELECT count(*) FROM criminal WHERE "
            "(disposition = 'PENDING') <> (disposition_date IS NULL)",
        )
        == 0
    )
    assert (
        _count(
            db,
            "SELECT count(*) FROM criminal WHERE "
            "(disposition = 'CONVICTED') <> (sentence_days IS NOT NULL)",
        )
        == 0
    )
    cust = _person("custody")
    assert (
        _count(
            db,
            f"SELECT count(*) FROM {cust} WHERE "
            "CAST(booking_date AS DATE) < tdob + INTERVAL 16 YEAR",
        )
        == 0
    )
    assert (
        _count(
            db,
            "SELECT count(*) FROM custody WHERE "
            "CAST(release_date AS DATE) < CAST(booking_date AS DATE)",
        )
        == 0
    )
    assert _count(db, "SELECT count(*) FROM custody WHERE release_date IS NULL") > 0


def test_entries_before_exits_and_admissions_before_their_end(
    db: duckdb.DuckDBPyConnection,
) -> None:
    ee = _person("entry_exit")
    assert (
        _count(
            db,
            f"""
        SELECT count(*) FROM {ee} d WHERE d.event = 'DEPARTURE' AND NOT EXISTS (
            SELECT 1 FROM {ee} a WHERE a.person_id = d.person_id AND a.event = 'ARRIVAL'
            AND CAST(a.event_date AS DATE) < CAST(d.event_date AS DATE))""",
        )
        == 0
    )
    assert (
        _count(
            db,
            "SELECT count(*) FROM entry_exit WHERE "
            "CAST(admit_until AS DATE) <= CAST(event_date AS DATE)",
        )
        == 0
    )
    assert (
        _count(
            db,
            "SELECT count(*) FROM status WHERE CAST(end_date AS DATE) < CAST(start_date AS DATE)",
        )
        == 0
    )


def test_naturalization_at_least_three_years_after_lpr(db: duckdb.DuckDBPyConnection) -> None:
    st = _person("status")
    bad = _count(
        db,
        f"""
        SELECT count(*) FROM {st} n WHERE n.status_class = 'NATURALIZED' AND NOT EXISTS (
            SELECT 1 FROM {st} l WHERE l.person_id = n.person_id AND l.status_class = 'LPR'
            AND CAST(l.start_date AS DATE) + INTERVAL 3 YEAR <= CAST(n.start_date AS DATE))""",
    )
    assert bad == 0


def test_proceedings_in_order(db: duckdb.DuckDBPyConnection) -> None:
    assert (
        _count(
            db,
            "SELECT count(*) FROM court WHERE "
            "CAST(decision_date AS DATE) < CAST(proceeding_date AS DATE)",
        )
        == 0
    )
    assert (
        _count(
            db,
            "SELECT count(*) FROM encounters WHERE "
            "CAST(outcome_date AS DATE) < CAST(encounter_date AS DATE)",
        )
        == 0
    )
    enc, crt = _person("encounters"), _person("court")
    assert (
        _count(
            db,
            f"""
        SELECT count(*) FROM {enc} r WHERE r.outcome = 'REMOVED' AND NOT EXISTS (
            SELECT 1 FROM {crt} c WHERE c.person_id = r.person_id
            AND c.decision LIKE 'REMOVAL_ORDER%'
            AND CAST(c.decision_date AS DATE) <= CAST(r.outcome_date AS DATE))""",
        )
        == 0
    )


def test_removed_people_are_found_again_after_removal(db: duckdb.DuckDBPyConnection) -> None:
    removed = _count(
        db, "SELECT count(*) FROM person_facts WHERE scenario = 'REMOVED_AND_REENTERED'"
    )
    back = _count(
        db,
        f"""
        WITH r AS (SELECT person_id, max(CAST(outcome_date AS DATE)) AS d
                   FROM {_person("encounters")} WHERE outcome = 'REMOVED' GROUP BY 1),
        later AS (
            SELECT person_id, CAST(encounter_date AS DATE) AS d FROM {_person("encounters")}
            UNION ALL SELECT person_id, CAST(arrest_date AS DATE) FROM {_person("criminal")}
            UNION ALL SELECT person_id, CAST(booking_date AS DATE) FROM {_person("custody")})
        SELECT count(DISTINCT r.person_id) FROM r JOIN later l USING (person_id)
        WHERE l.d > r.d""",
    )
    assert back == removed > 0


def test_statuses_are_expressed_as_agreed(db: duckdb.DuckDBPyConnection) -> None:
    ee, st, crt, enc = (_person(s) for s in ("entry_exit", "status", "court", "encounters"))
    # Overstays: admitted until before as-of, never departed.
    assert (
        _count(
            db,
            f"""SELECT count(*) FROM {ee} WHERE scenario = 'OVERSTAY'
        AND (event = 'DEPARTURE' OR CAST(admit_until AS DATE) >= {AS_OF})""",
        )
        == 0
    )
    # In status: the latest admission runs past as-of.
    assert (
        _count(
            db,
            f"""SELECT count(*) FROM (
        SELECT person_id, arg_max_null(admit_until, CAST(event_date AS DATE)) AS u FROM {ee}
        WHERE scenario LIKE 'NONIMMIGRANT%' AND event = 'ARRIVAL' GROUP BY 1)
        WHERE CAST(u AS DATE) < {AS_OF}""",
        )
        == 0
    )
    # Final orders: not appealed, never executed.
    assert (
        _count(
            db,
            f"""SELECT count(*) FROM {crt} WHERE scenario = 'FINAL_ORDER'
        AND decision LIKE 'REMOVAL_ORDER%' AND appeal_pending <> 'N'""",
        )
        == 0
    )
    assert (
        _count(
            db,
            f"""SELECT count(*) FROM {enc} WHERE scenario = 'FINAL_ORDER'
        AND outcome = 'REMOVED'""",
        )
        == 0
    )
    # EWI: apprehended between ports, no admission, no court case.
    assert _count(db, f"SELECT count(*) FROM {ee} WHERE scenario = 'EWI'") == 0
    assert _count(db, f"SELECT count(*) FROM {crt} WHERE scenario = 'EWI'") == 0
    assert _count(
        db,
        f"""SELECT count(DISTINCT person_id) FROM {enc} WHERE scenario = 'EWI'
        AND encounter_type = 'BORDER_APPREHENSION'""",
    ) == _count(db, "SELECT count(*) FROM person_facts WHERE scenario = 'EWI'")
    # Protected grants are current.
    assert (
        _count(
            db,
            f"""SELECT count(*) FROM (
        SELECT person_id, arg_max_null(end_date, CAST(start_date AS DATE)) AS e FROM {st}
        WHERE scenario IN ('TPS', 'DACA', 'PAROLE') AND status_class IN ('TPS', 'DACA', 'PAROLE')
        GROUP BY 1) WHERE CAST(e AS DATE) < {AS_OF}""",
        )
        == 0
    )
    # Citizens by birth never appear in immigration systems; naturalized people do.
    assert _count(db, f"SELECT count(*) FROM {st} WHERE scenario = 'US_BORN'") == 0
