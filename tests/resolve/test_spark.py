"""Spark runs the same linkage as DuckDB: same trained model, same persons."""

from __future__ import annotations

import pytest

from conftest import BuiltWorld
from vetline.resolve import engine
from vetline.resolve.build import _read_records, build_match_table
from vetline.resolve.config import ResolveSettings
from vetline.resolve.layout import model_file
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
