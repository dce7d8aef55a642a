"""Noise: realised rates match the configured ones (from the bookkeeping and from the
data itself), and a noiseless world reproduces the truth exactly."""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

from vetline.records.contract import SOURCE_NAMES
from vetline.synth import NoiseConfig, generate_extract

from .conftest import connect


def _close(realised: float, rate: float, n: int) -> bool:
    """Within five binomial standard errors (plus a hair for tiny rates)."""
    return abs(realised - rate) <= 5 * math.sqrt(rate * (1 - rate) / max(n, 1)) + 1e-3


def test_logged_rates_match_configuration(world: Path) -> None:
    meta = json.loads((world / "world.json").read_text())
    configured = NoiseConfig().as_dict()
    realised = meta["noise_realised"]
    assert set(realised) == set(configured)
    for kind, stats in realised.items():
        assert stats["eligible"] > 100, kind
        assert _close(stats["rate"], configured[kind], stats["eligible"]), (kind, stats)


def test_log_agrees_with_world_json(db: duckdb.DuckDBPyConnection, world: Path) -> None:
    meta = json.loads((world / "world.json").read_text())
    logged = dict(db.execute("SELECT noise, count(*) FROM truth_noise GROUP BY 1").fetchall())
    applied = {k: v["applied"] for k, v in meta["noise_realised"].items() if v["applied"]}
    # Blanked fields are counted, not logged row by row: the blank is in the data itself.
    assert logged == {k: v for k, v in applied.items() if k != "missing_field"}


def _all_records(db: duckdb.DuckDBPyConnection) -> str:
    parts = [
        f"SELECT '{s}' AS source, record_id, dob, sex, a_number, ssn FROM {s}" for s in SOURCE_NAMES
    ]
    return (
        f"(SELECT r.*, f.true_dob, f.sex AS tsex FROM ({' UNION ALL '.join(parts)}) r "
        "JOIN truth t USING (source, record_id) JOIN person_facts f USING (person_id))"
    )


def test_rates_measured_on_the_records(db: duckdb.DuckDBPyConnection) -> None:
    cfg = NoiseConfig()
    n, blank, partial, wrong_sex, with_sex, swapped, swappable = db.execute(f"""
        SELECT count(*), count(*) FILTER (dob IS NULL),
               count(*) FILTER (length(dob) < 10),
               count(*) FILTER (sex IS NOT NULL AND sex <> tsex), count(sex),
               count(*) FILTER (day(d) <= 12 AND dob <> true_dob AND dob = strftime(
                   make_date(year(d), CASE WHEN day(d) <= 12 THEN day(d) ELSE 1 END, month(d)),
                   '%Y-%m-%d')),
               count(*) FILTER (day(d) <= 12 AND day(d) <> month(d))
        FROM (SELECT *, CAST(true_dob AS DATE) AS d FROM {_all_records(db)})""").fetchone()  # type: ignore[misc]
    assert _close(blank / n, cfg.missing_field, n)
    assert _close(partial / (n - blank), cfg.dob_partial * (1 - cfg.dob_swap), n)
    assert _close(wrong_sex / with_sex, cfg.wrong_sex, with_sex)
    # Swaps that a later blanking hid are not visible in the data; allow for it.
    assert _close(swapped / swappable, cfg.dob_swap * (1 - cfg.missing_field), swappable)


def test_identifier_formats_follow_the_contract(db: duckdb.DuckDBPyConnection) -> None:
    bad = db.execute(f"""
        SELECT count(*) FILTER (NOT regexp_full_match(a_number, 'A?[0-9]{{7,9}}')),
               count(*) FILTER (NOT regexp_full_match(ssn, '[0-9]{{3}}-?[0-9]{{2}}-?[0-9]{{4}}')),
               count(*) FILTER (NOT regexp_full_match(dob, '[0-9]{{4}}(-[0-9]{{2}}){{0,2}}')),
               count(*) FILTER (sex NOT IN ('M', 'F', 'X'))
        FROM {_all_records(db)}""").fetchone()
    assert bad == (0, 0, 0, 0)
    checks = db.execute("""
        SELECT count(*) FILTER (NOT regexp_full_match(sid, '[A-Z]{2}[0-9]{8}')),
               count(*) FILTER (NOT regexp_full_match(county_fips, '[0-9]{5}')),
               count(*) FILTER (NOT regexp_full_match(arresting_ori, '[A-Z]{2}[0-9]{7}')),
               count(*) FILTER (NOT regexp_full_match(charge_code, '[0-9]{4}')),
               count(*) FILTER (charge_text IS NULL)
        FROM criminal""").fetchone()
    assert checks == (0, 0, 0, 0, 0)


def test_noiseless_world_reproduces_the_truth(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    generate_extract(out, persons=600, seed=3, noise=NoiseConfig.none())
    db = connect(out)
    for source in SOURCE_NAMES:
        mismatched = db.execute(f"""
            SELECT count(*) FROM {source} r
            JOIN truth t ON t.source = '{source}' AND t.record_id = r.record_id
            JOIN person_facts f USING (person_id)
            WHERE r.last_name <> f.true_last_name OR r.first_name <> f.true_first_name
               OR r.dob <> f.true_dob OR r.sex <> f.sex OR r.aliases IS NOT NULL
               OR r.middle_name IS DISTINCT FROM f.true_middle_name
               OR (r.a_number IS NOT NULL
                   AND lpad(ltrim(r.a_number, 'A'), 9, '0') <> f.a_number)""").fetchone()[0]  # type: ignore[index]
        assert mismatched == 0, source
    assert db.execute("SELECT count(*) FROM truth_noise").fetchone()[0] == 0  # type: ignore[index]


@pytest.mark.parametrize("rate", [0.0, 0.3])
def test_configured_typo_rate_is_realised(tmp_path: Path, rate: float) -> None:
    out = tmp_path / "typos"
    cfg = NoiseConfig(**{**NoiseConfig.none().as_dict(), "name_typo": rate})
    generate_extract(out, persons=800, seed=5, noise=cfg)
    stats = json.loads((out / "world.json").read_text())["noise_realised"]["name_typo"]
    assert _close(stats["rate"], rate, stats["eligible"])
