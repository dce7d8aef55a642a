"""Spark runs the same linkage as DuckDB: same trained model, same persons."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import BuiltWorld
from vetline.errors import BadInput
from vetline.resolve import build_persons, bulk, engine, layout, spark_rows
from vetline.resolve.config import ResolveSettings
from vetline.resolve.layout import model_file
from vetline.resolve.match_table import _read_records, build_match_table
from vetline.resolve.model import MatchModel

pytestmark = pytest.mark.spark


def test_spark_and_duckdb_give_the_same_persons(built_world: BuiltWorld) -> None:
    table = build_match_table(_read_records(built_world.data))
    model = MatchModel.load(model_file(built_world.data))
    s = ResolveSettings()
    kwargs = {"predict_threshold": s.predict_threshold, "cluster_threshold": s.cluster_threshold}
    duck = engine.link(engine.open_engine("duckdb"), table, model, **kwargs)
    spark = engine.link(engine.open_engine("spark"), table, model, **kwargs)
    assert duck.clusters["cluster_id"].tolist() == spark.clusters["cluster_id"].tolist()
    key = ["unique_id_l", "unique_id_r"]
    d = duck.pairs.sort_values(key).reset_index(drop=True)
    p = spark.pairs.sort_values(key).reset_index(drop=True)
    assert d[key].equals(p[key])
    assert (d["match_weight"] - p["match_weight"]).abs().max() < 1e-6
    link_key = ["unique_id_l", "unique_id_r", "reason"]
    assert duck.links[link_key].equals(spark.links[link_key])


def test_spark_scores_the_duckdb_builds_pairs_by_row(
    built_world: BuiltWorld, tmp_path: Path
) -> None:
    """The build's Spark path (``spark_rows``) scores the NumPy candidate pairs by 2 × 2
    blocks of rows, in slices, and gives the one-slice DuckDB build's pair count, persons
    and links (weights summed in another order: equal to 1e-9); its Parquet files are
    removed after."""
    table = build_match_table(_read_records(built_world.data))
    model = MatchModel.load(model_file(built_world.data))
    s = ResolveSettings()
    kwargs = {"predict_threshold": s.predict_threshold, "cluster_threshold": s.cluster_threshold}
    pairs = sum(len(left) for left, _ in bulk.pair_slices(table, 10**9))
    duck = bulk.link_rows(engine.open_engine("duckdb"), table, model, slice_pairs=pairs, **kwargs)
    half = -(-pairs // 2)
    spark = spark_rows.link_rows(
        engine.open_engine("spark"),
        table,
        model,
        slice_pairs=half,
        block_rows=-(-len(table) // 2),
        work_dir=tmp_path,
        **kwargs,
    )
    assert list(tmp_path.iterdir()) == []
    assert spark.pair_count == duck.pair_count > 0
    assert spark.cluster_row.tolist() == duck.cluster_row.tolist()
    assert len(duck.links) > 0
    pd.testing.assert_frame_equal(spark.links, duck.links, check_exact=False, atol=1e-9, rtol=0)


def test_spark_jaro_winkler_is_duckdbs() -> None:
    """Spark's ``jaro_winkler`` is DuckDB's (RapidFuzz's): Splink's jar put these single
    typos under 0.92 where DuckDB did not (GUERRIER/GUERDIER 0.907 vs 0.921), so the two
    engines linked differently at 1M records; a null stays null, never above a threshold."""
    import duckdb

    words = [("GUERRIER", "GUERDIER"), ("HERNAZDEZ", "HERNANDEZ"), ("CHANDAN", "CHADAN")]
    words += [("JEANBAPTISTE", "JNBAPTISTE")]  # 0.92 on DuckDB, 0.9199999999999999 in RapidFuzz
    words += [("MARTHA", "MARHTA"), ("DWAYNE", "DUANE"), (None, "X")]
    spark = engine.open_engine("spark").spark
    con = duckdb.connect()
    for left, right in words:
        a, b = (f"'{w}'" if w else "cast(null as string)" for w in (left, right))
        duck = con.execute(f"select jaro_winkler_similarity({a}, {b})").fetchall()[0][0]
        ours = spark.sql(f"select jaro_winkler({a}, {b})").collect()[0][0]
        assert ours == duck  # to the bit: a level's threshold can fall between two doubles
    assert (
        spark.sql("select jaro_winkler(cast(null as string), 'X') >= 0.92").collect()[0][0] is None
    )


def test_duckdb_jaro_winkler_is_duckdbs_to_the_bit() -> None:
    """``engine.duckdb_jaro_winkler`` (Spark's UDF) equals DuckDB's
    ``jaro_winkler_similarity`` exactly on names, their one-letter typos, transpositions
    and unrelated pairs — where RapidFuzz's own Jaro-Winkler is one ulp off for some."""
    import random

    import duckdb

    rng = random.Random(7)
    names = ["JEANBAPTISTE", "JNBAPTISTE", "GUERRIER", "HERNANDEZ", "NGUYỄN", "O'BRIEN"]
    names += [
        "".join(rng.choice("AEIOUBCDLMNRST") for _ in range(rng.randint(3, 12))) for _ in range(400)
    ]
    pairs = [(a, b) for a in names[:6] for b in names[:6]]
    for word in names:
        at = rng.randrange(len(word))
        pairs.append((word, word[:at] + word[at + 1 :]))  # a letter dropped
        pairs.append((word, word[:at] + rng.choice("AEIOUXYZ") + word[at + 1 :]))
        if at + 1 < len(word):
            pairs.append((word, word[:at] + word[at + 1] + word[at] + word[at + 2 :]))
        pairs.append((word, rng.choice(names)))
    con = duckdb.connect()
    con.register("pairs", pd.DataFrame(pairs, columns=["a", "b"]))
    duck = con.execute("select jaro_winkler_similarity(a, b) from pairs").fetchall()
    ours = [engine.duckdb_jaro_winkler(a, b) for a, b in pairs]
    assert ours == [value for (value,) in duck]


def _person_files(data: Path) -> dict[str, pd.DataFrame]:
    """The persons, their records and their links, through the one reader of them."""
    links = layout.read_person_links(data)
    assert links is not None
    return {
        "records": layout.read_person_records(data).to_pandas(),
        "persons": layout.read_persons(data).to_pandas(),
        "links": links.to_pandas(),
    }


def test_a_spark_build_gives_the_duckdb_builds_persons(world_copy: BuiltWorld) -> None:
    """``vetline build --engine spark`` end to end (issue 18 goal 3): with the same model,
    the persons (ids kept), their records and the "possible same person" links are the
    DuckDB build's, and Splink's Parquet tables under the work folder are gone afterwards."""
    data = world_copy.data
    duck = _person_files(data)
    shutil.rmtree(layout.index_dir(data))
    report = build_persons(data, engine="spark", spark_master="local[2]")
    # Every person keeps its id (and its date): the same records grouped the same way.
    assert (report.engine, report.trained, report.persons_new) == ("spark", False, 0)
    spark = _person_files(data)
    for name, frame in duck.items():
        weights = [c for c in frame.columns if c.startswith("match_")]
        key = [c for c in frame.columns if c not in weights]
        left = frame.sort_values(key[:2]).reset_index(drop=True)
        right = spark[name].sort_values(key[:2]).reset_index(drop=True)
        assert left[key].astype(str).equals(right[key].astype(str)), name
        for column in weights:
            assert (left[column] - right[column]).abs().max() < 1e-6, (name, column)
    assert not (layout.model_file(data).parent / engine.SPARK_TABLES).exists()


def test_a_cluster_master_needs_a_shared_work_folder() -> None:
    """On a cluster the executors cannot see the driver's temporary folder: asking for a
    cluster without the work folder is refused, naming the option, before any Spark."""
    with pytest.raises(BadInput, match="--spark-master"):
        engine.spark_api("spark://nowhere.invalid:7077")
    assert engine.is_local("local[*]") and engine.is_local("local")
    assert not engine.is_local("spark://host:7077") and not engine.is_local("yarn")
