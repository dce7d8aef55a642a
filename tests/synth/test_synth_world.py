"""The world's content at default size: files, ground truth, statuses, look-alikes."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv

from vetline.records.contract import (
    PERSON_FACTS_COLUMNS,
    SOURCE_NAMES,
    TRUTH_COLUMNS,
    columns_of,
)
from vetline.synth.catalogue import CATALOGUE
from vetline.synth.config import LOOKALIKE_KINDS
from vetline.vocab import StatusCode

from .conftest import DEFAULT_PERSONS


def _header(path: Path) -> list[str]:
    return list(pacsv.read_csv(path).column_names)


def _one(db: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = db.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_every_source_file_has_exactly_the_contract_columns(world: Path) -> None:
    for source in SOURCE_NAMES:
        assert _header(world / f"{source}.csv") == list(columns_of(source)), source
    assert _header(world / "truth.csv") == list(TRUTH_COLUMNS)
    facts = _header(world / "person_facts.csv")
    assert facts[: len(PERSON_FACTS_COLUMNS)] == list(PERSON_FACTS_COLUMNS)


def test_truth_covers_every_record_once_and_every_person(db: duckdb.DuckDBPyConnection) -> None:
    for source in SOURCE_NAMES:
        n, distinct, joined = db.execute(
            f"SELECT count(*), count(DISTINCT s.record_id), count(t.person_id) FROM {source} s "
            f"LEFT JOIN truth t ON t.source = '{source}' AND t.record_id = s.record_id"
        ).fetchone()  # type: ignore[misc]
        assert n == distinct == joined, source
    assert db.execute("SELECT count(*) FROM truth").fetchone()[0] == sum(  # type: ignore[index]
        db.execute(f"SELECT count(*) FROM {s}").fetchone()[0]  # type: ignore[index]
        for s in SOURCE_NAMES
    )
    orphans = db.execute(
        "SELECT count(*) FROM truth t ANTI JOIN person_facts f USING (person_id)"
    ).fetchone()[0]  # type: ignore[index]
    assert orphans == 0
    unseen = db.execute(
        "SELECT count(*) FROM person_facts f ANTI JOIN truth t USING (person_id)"
    ).fetchone()[0]  # type: ignore[index]
    assert unseen == 0, "every person appears in at least one record"


def test_person_facts_are_complete(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute(
        "SELECT count(*), count(DISTINCT person_id), count(true_status), "
        "count(*) FILTER (us_citizen IN ('Y','N')), count(*) FILTER (removable IN ('Y','N')), "
        "count(true_dob), count(scenario) FROM person_facts"
    ).fetchone()
    assert rows == (DEFAULT_PERSONS,) * 7


def test_every_status_code_and_scenario_is_present_at_default_size(
    db: duckdb.DuckDBPyConnection, world: Path
) -> None:
    statuses = {
        r[0] for r in db.execute("SELECT DISTINCT true_status FROM person_facts").fetchall()
    }
    assert statuses == {str(c) for c in StatusCode}
    counts = dict(db.execute("SELECT scenario, count(*) FROM person_facts GROUP BY 1").fetchall())
    assert set(counts) == {s.key for s in CATALOGUE}
    assert min(counts.values()) >= 30
    meta = json.loads((world / "world.json").read_text())
    assert meta["persons"] == DEFAULT_PERSONS and meta["seed"] == 7
    assert meta["scenarios"] == counts


def test_truth_is_consistent_with_the_catalogue(db: duckdb.DuckDBPyConnection) -> None:
    for sc in CATALOGUE:
        got = db.execute(
            "SELECT DISTINCT true_status, us_citizen, removable FROM person_facts "
            "WHERE scenario = ?",
            [sc.key],
        ).fetchall()
        assert got == [
            (str(sc.status), "Y" if sc.us_citizen else "N", "Y" if sc.removable else "N")
        ], sc.key
    # Citizens are never removable; every removable person has a ground.
    assert (
        _one(db, "SELECT count(*) FROM person_facts WHERE us_citizen = 'Y' AND removable = 'Y'")
        == 0
    )
    assert (
        _one(
            db, "SELECT count(*) FROM person_facts WHERE removable = 'Y' AND removal_ground IS NULL"
        )
        == 0
    )


def test_us_born_citizens_have_no_immigration_records(db: duckdb.DuckDBPyConnection) -> None:
    sources = {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT t.source FROM truth t JOIN person_facts f USING (person_id) "
            "WHERE f.scenario = 'US_BORN'"
        ).fetchall()
    }
    assert sources <= {"criminal", "custody", "biometric", "warrants", "interpol"}
    assert {"criminal", "custody"} <= sources


def test_derived_children_name_a_parent_naturalized_before_their_18th_birthday(
    db: duckdb.DuckDBPyConnection,
) -> None:
    rows = db.execute("""
        SELECT f.scenario,
               bool_and(CAST(pn.start_date AS DATE) < CAST(f.true_dob AS DATE) + INTERVAL 18 YEAR)
        FROM person_facts f
        JOIN person_facts pf ON pf.person_id = f.parent_person_ids
        JOIN truth pt ON pt.person_id = pf.person_id AND pt.source = 'status'
        JOIN status pn ON pn.record_id = pt.record_id AND pn.status_class = 'NATURALIZED'
        WHERE f.scenario IN ('DERIVED_VIA_PARENT', 'LPR_PARENT_NATURALIZED_LATE')
        GROUP BY 1 ORDER BY 1""").fetchall()
    assert rows == [("DERIVED_VIA_PARENT", True), ("LPR_PARENT_NATURALIZED_LATE", False)]
    # The child's only status evidence is an LPR grant naming the parent's A-number.
    classes = {
        r[0]
        for r in db.execute("""
        SELECT DISTINCT s.status_class FROM person_facts f
        JOIN truth t ON t.person_id = f.person_id AND t.source = 'status'
        JOIN status s ON s.record_id = t.record_id
        WHERE f.scenario = 'DERIVED_VIA_PARENT'""").fetchall()
    }
    assert classes == {"LPR"}
    # Every child names the parent's A-number, except where the clerk mistyped one digit
    # (noise ``parent_a_number``, logged): the Davino Watson case.
    named = db.execute("""
        SELECT count(*) FILTER (s.parent_a_numbers = pf.a_number),
               count(*) FILTER (n.record_id IS NOT NULL AND s.parent_a_numbers <> pf.a_number
                                AND length(s.parent_a_numbers) = length(pf.a_number)),
               count(*)
        FROM person_facts f JOIN person_facts pf ON pf.person_id = f.parent_person_ids
        JOIN truth t ON t.person_id = f.person_id AND t.source = 'status'
        JOIN status s ON s.record_id = t.record_id
        LEFT JOIN truth_noise n ON n.source = 'status' AND n.record_id = s.record_id
             AND n.noise = 'parent_a_number'
        WHERE f.scenario = 'DERIVED_VIA_PARENT'""").fetchone()
    assert named[0] + named[1] == named[2] > 0  # type: ignore[index]
    assert 0 < named[1] < 0.15 * named[2]  # type: ignore[index]


def test_lookalikes_exist_of_every_kind(db: duckdb.DuckDBPyConnection) -> None:
    groups = db.execute("""
        SELECT lookalike_kind, lookalike_group, count(*) AS n,
               count(DISTINCT true_dob) AS dobs,
               count(DISTINCT true_last_name) AS lasts,
               count(DISTINCT true_first_name) AS firsts,
               count(DISTINCT birth_country) AS countries,
               count(*) FILTER (us_citizen = 'Y') AS citizens,
               count(*) FILTER (removable = 'Y') AS removables
        FROM person_facts WHERE lookalike_group IS NOT NULL GROUP BY 1, 2""").fetchall()
    kinds: dict[str, int] = {}
    for kind, _, n, dobs, lasts, firsts, countries, citizens, removables in groups:
        kinds[kind] = kinds.get(kind, 0) + 1
        assert n == 2
        if kind not in {"SAME_NAME_DOB", "TWINS", "CITIZEN_REMOVABLE"}:
            # The constructions of issue 11 have their own tests (test_synth_lookalikes).
            assert citizens == 1 and removables == 1, kind
            continue
        assert dobs == 1 and lasts == 1
        if kind == "TWINS":
            assert firsts == 2 and countries == 1
        else:
            assert firsts == 1
        if kind == "CITIZEN_REMOVABLE":
            assert citizens == 1 and removables == 1
    # The default world carries every kind (small shares, never zero).
    assert set(kinds) == set(LOOKALIKE_KINDS)
    assert min(kinds.values()) >= 10


def test_common_names_collide_naturally(db: duckdb.DuckDBPyConnection) -> None:
    """Zipf frequencies: the most common full name is shared by several people."""
    top = db.execute(
        "SELECT count(*) FROM person_facts GROUP BY true_last_name, true_first_name "
        "ORDER BY 1 DESC LIMIT 1"
    ).fetchone()[0]  # type: ignore[index]
    assert top >= 3


def test_name_variation_is_real(db: duckdb.DuckDBPyConnection) -> None:
    """Records carry the variants the brief names; compared against the true names."""
    pairs = db.execute("""
        SELECT c.last_name, c.first_name, f.true_last_name, f.true_first_name, f.birth_country
        FROM criminal c JOIN truth t ON t.source = 'criminal' AND t.record_id = c.record_id
        JOIN person_facts f USING (person_id)""").fetchall()
    truncated = swapped_order = accents_kept = accents_stripped = 0
    for last, first, tlast, tfirst, country in pairs:
        if last and " " in tlast and last == tlast.split(" ")[0]:
            truncated += 1
        if last == tfirst and first == tlast and country in ("CN", "VN", "KR"):
            swapped_order += 1
        if tlast and not tlast.isascii():
            accents_kept += last == tlast
            accents_stripped += bool(last and last.isascii())
    assert truncated > 10 and accents_kept > 5 and accents_stripped > 5
    logged = dict(db.execute("SELECT noise, count(*) FROM truth_noise GROUP BY 1").fetchall())
    for kind in (
        "translit",
        "nickname",
        "name_order_swap",
        "surname_variant",
        "punct_variant",
        "name_typo",
        "alias",
        "accent_strip",
        "citizen_wrong_pob",
    ):
        assert logged.get(kind, 0) > 0, kind


def test_nicknames_and_transliterations_are_real_variants(db: duckdb.DuckDBPyConnection) -> None:
    from vetline.synth.names import load_pools

    pools = load_pools()
    index = {s: i for i, s in enumerate(pools.upper)}
    rows = db.execute("""
        SELECT n.noise, n.field, r.first_name, r.last_name, f.true_first_name, f.true_last_name
        FROM truth_noise n JOIN status r ON n.source = 'status' AND r.record_id = n.record_id
        JOIN truth t ON t.source = 'status' AND t.record_id = n.record_id
        JOIN person_facts f USING (person_id)
        WHERE n.noise IN ('nickname', 'translit') AND NOT EXISTS (
            SELECT 1 FROM truth_noise o WHERE o.source = 'status' AND o.record_id = n.record_id
            AND o.noise IN ('name_order_swap', 'name_typo', 'punct_variant', 'nickname',
                            'translit') AND o.noise <> n.noise)""").fetchall()
    assert rows
    checked = 0
    for noise, field, first, last, tfirst, tlast in rows:
        # A surname may itself hold a space ("EL SAYED"); a double surname is two names.
        surname = tlast if tlast in index else tlast.split(" ")[0]
        got, true = (first, tfirst) if field == "first_name" else (last, surname)
        if got is None or got not in index or true not in index:
            continue  # blanked, or not a pool name (accent stripped)
        variants = pools.nickname if noise == "nickname" else pools.translit
        i = index[true]
        alts = set(variants.flat[variants.start[i] : variants.start[i] + variants.count[i]])
        assert index[got] in alts, (noise, got, true)
        checked += 1
    assert checked > 10
