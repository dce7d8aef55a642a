"""The build's paths at scale decide exactly what the plain paths decide (issue 18 goal 2).

``vetline build`` standardises the store a chunk at a time and links over row numbers
(``bulk.py``) so that 10M records fit; the tests, the delta path and ``bench_resolve``
keep the whole-frame paths. Both must give the same match table, the same persons and
the same links, value for value.
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import BuiltWorld
from vetline.resolve import bulk, engine, layout, match_table
from vetline.resolve.config import ResolveSettings
from vetline.resolve.match_table import _read_identities, _read_records, _standardise_store
from vetline.resolve.model import MatchModel


def test_chunked_standardisation_is_the_whole_frames(
    built_world: BuiltWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(match_table, "STANDARDISE_ROWS", 97)  # ~13 chunks, one a stub
    whole = match_table.build_match_table(_read_records(built_world.data))
    chunked = _standardise_store(_read_identities(built_world.data).drop_columns("content_hash"))
    pd.testing.assert_frame_equal(chunked, whole)


@pytest.mark.parametrize(
    ("slices", "blocks"),
    [(1, 1), (3, 1), (1, 3), (4, 2)],
    ids=["one predict", "3 predict slices", "3×3 row blocks", "2×2 row blocks in slices"],
)
def test_linking_by_row_gives_the_persons_and_links_of_the_pair_frame(
    built_world: BuiltWorld, slices: int, blocks: int
) -> None:
    """The NumPy candidate pairs scored by Splink, in one predict, in slices or by
    blocks of rows, give the persons and links of Splink's own blocking: every pair
    once, with its weight."""
    table = match_table.build_match_table(_read_records(built_world.data))
    model = MatchModel.load(layout.model_file(built_world.data))
    s = ResolveSettings.load(built_world.data)
    thresholds = {
        "predict_threshold": s.predict_threshold,
        "cluster_threshold": s.cluster_threshold,
    }
    plain = engine.link(engine.open_engine("duckdb"), table, model, **thresholds)
    pairs = sum(len(left) for left, _ in bulk.pair_slices(table, 10**9))
    per_slice = -(-pairs // slices)
    block_rows = -(-len(table) // blocks)
    found = list(bulk.pair_slices(table, per_slice, block_rows))
    if blocks == 1:
        assert len(found) == slices
    else:  # every slice within one block of rows: each side from one range
        assert len(found) >= blocks * (blocks + 1) // 2
        for left, right in found:
            assert len(set((left // block_rows).tolist())) == 1
            assert len(set((right // block_rows).tolist())) == 1
    assert sum(len(left) for left, _ in found) == pairs
    rows = bulk.link_rows(
        engine.open_engine("duckdb"),
        table,
        model,
        slice_pairs=per_slice,
        block_rows=block_rows,
        **thresholds,
    )
    assert rows.pair_count == len(plain.pairs)
    by_row = table["unique_id"].to_numpy()[rows.cluster_row]
    assert list(by_row) == list(plain.clusters["cluster_id"])
    assert len(plain.links) > 0  # the world has look-alikes kept apart
    pd.testing.assert_frame_equal(rows.links, plain.links)
