"""The index's cheap add path (issue 18): records added one at a time, in batches, or
rewritten in place give the same candidates, term frequencies and saved arrays as an
index built from all of them at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import BuiltWorld
from vetline.resolve import keys as keys_module
from vetline.resolve.index import RecordIndex
from vetline.resolve.match_table import _read_records, build_match_table
from vetline.resolve.regroup import match_rows


@pytest.fixture(scope="module")
def table(built_world: BuiltWorld) -> pd.DataFrame:
    records = _read_records(built_world.data).drop(columns=["content_hash"])
    return build_match_table(records)


def _same(a: RecordIndex, b: RecordIndex, rows: list[dict[str, object]]) -> None:
    ua, ub = a.coded["unique_id"], b.coded["unique_id"]
    for row in rows:
        got = sorted(ua.values(a.candidates(row, 10_000)).tolist())
        want = sorted(ub.values(b.candidates(row, 10_000)).tolist())
        assert got == want, row["unique_id"]
    for column in RecordIndex.TF_COLUMNS:
        for value in b.coded[column].vocab[:50]:
            assert a.tf_of(column, value) == pytest.approx(b.tf_of(column, value), abs=0)


def test_adds_one_by_one_equal_a_full_index(
    table: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(keys_module, "TAIL_MIN", 16)  # merge tails often, too
    ids = [f"P{i}" for i in range(len(table))]
    full = RecordIndex.from_match_table(table, ids)
    head = 200
    grown = RecordIndex.from_match_table(table.iloc[:head], ids[:head])
    for i in range(head, len(table), 7):  # uneven batches, single rows among them
        grown.add(table.iloc[i : i + 7], ids[i : i + 7])
    sample = match_rows(table.iloc[::9])
    _same(grown, full, sample)
    grown.save(tmp_path / "grown")
    _same(RecordIndex.load(tmp_path / "grown"), full, sample)
    assert np.array_equal(grown.coded["person_id"].codes >= 0, full.coded["person_id"].codes >= 0)


def test_replace_moves_a_records_keys(table: pd.DataFrame) -> None:
    ids = [f"P{i}" for i in range(len(table))]
    index = RecordIndex.from_match_table(table, ids)
    target = table.iloc[[5]].copy()
    donor = table.iloc[[len(table) - 1]]
    changed = donor.copy()
    changed["unique_id"] = target["unique_id"].to_numpy()
    changed["source"], changed["record_id"] = (
        target["source"].to_numpy(),
        target["record_id"].to_numpy(),
    )
    rows = index.rows_of_keys([str(target["unique_id"].iloc[0])])
    assert rows.tolist() == [5]
    index.replace(rows, changed)
    expected = table.copy()
    expected.iloc[5] = changed.iloc[0]
    _same(index, RecordIndex.from_match_table(expected, ids), match_rows(table.iloc[[5, -1]]))
    index.set_persons(rows, ["PNEW"])
    assert index.rows_of_person("PNEW").tolist() == [5]
    assert index.rows_of_person(ids[5]).tolist() == []


def test_candidates_and_scores_of_indexed_rows_equal_the_rows(
    table: pd.DataFrame, built_world: BuiltWorld, tmp_path: Path
) -> None:
    """An update scores its delta from the index's own rows (``candidates_of_rows``,
    ``score_rows``): the same candidates and the same weights as from the standardised
    rows (``candidates_many``, ``score_found``), saved and mapped, with tails, too."""
    from vetline.resolve.chunk import candidates_many, candidates_of_rows, score_found, score_rows
    from vetline.resolve.layout import model_file
    from vetline.resolve.model import MatchModel

    ids = [f"P{i}" for i in range(len(table))]
    head = len(table) // 2
    RecordIndex.from_match_table(table.iloc[:head], ids[:head]).save(tmp_path / "half")
    index = RecordIndex.load(tmp_path / "half", map_min=0)  # every vocabulary mapped
    index.add(table.iloc[head:], ids[head:])  # tails, as an update's adds
    sample = table.iloc[::3]
    rows = index.rows_of_keys(sample["unique_id"].tolist())
    assert (rows >= 0).all()
    owner, cands = candidates_of_rows(index, rows, 1 << 31)
    subjects = match_rows(sample)
    found = candidates_many(index, subjects, 1 << 31)
    assert np.array_equal(owner, np.repeat(np.arange(len(found)), [len(f) for f in found]))
    assert np.array_equal(cands, np.concatenate(found))
    model = MatchModel.load(model_file(built_world.data))
    mine, theirs = (
        score_rows(model, index, rows[owner], cands),
        score_found(model, index, subjects, found),
    )
    assert np.array_equal(mine.gamma, theirs.gamma)
    assert np.array_equal(mine.weights, theirs.weights)


def test_filtered_candidates_are_the_builds_blocked_pairs(table: pd.DataFrame) -> None:
    """``candidates_of_rows(filtered=True)`` keeps a pair exactly when some blocking
    rule finds it and that rule's ``BLOCKING_FILTERS`` condition — evaluated by DuckDB,
    as the build's predict does — holds: an update scores the pairs a rebuild scores."""
    from vetline.records.sqlparts import connect
    from vetline.resolve.chunk import candidates_of_rows
    from vetline.resolve.comparisons import BLOCKING_FILTERS, BLOCKING_RULES

    index = RecordIndex.from_match_table(table, [f"P{i}" for i in range(len(table))])
    rows = np.arange(len(table), dtype=np.int32)
    owner, cands = candidates_of_rows(index, rows, 1 << 31)
    f_owner, f_cands = candidates_of_rows(index, rows, 1 << 31, filtered=True)
    got = set(zip(f_owner.tolist(), f_cands.tolist(), strict=True))
    frame = pd.DataFrame(
        {
            "row": rows,
            "dob": index.coded["dob"].values(rows),
            **{c: index.ints[c] for c in ("dob_year", "dob_month", "dob_day")},
        }
    )
    pairs = pd.DataFrame({"l": owner, "r": cands})
    con = connect()
    con.register("recs", frame)
    con.register("pairs", pairs)
    (condition,) = BLOCKING_FILTERS.values()
    kept = con.sql(
        "SELECT p.l, p.r, " + condition + " AS ok FROM pairs p "
        "JOIN recs l ON l.row = p.l JOIN recs r ON r.row = p.r"
    ).df()
    other = np.zeros(len(owner), dtype=bool)  # found by a rule without a condition
    for rule in BLOCKING_RULES:
        if rule not in BLOCKING_FILTERS:
            h, ok = index.row_keys(rule, rows)
            other |= ok[owner] & ok[cands] & (h[owner] == h[cands])
    by_other = set(zip(owner[other].tolist(), cands[other].tolist(), strict=True))
    met = kept["ok"].fillna(False).astype(bool)
    want = set(zip(kept["l"][met].tolist(), kept["r"][met].tolist(), strict=True)) | by_other
    assert got == want
    assert len(got) < len(owner)  # the condition removes some pairs in this world


def test_saved_hash_order_of_a_grown_mapped_index_is_a_full_sort(
    table: pd.DataFrame, tmp_path: Path
) -> None:
    """An update saves a loaded (mapped) index with rows added: each vocabulary's sorted
    hashes and codes are the loaded ones with the added entries merged in, the same
    arrays as sorting every hash again (``saved._hash_order``)."""
    from vetline.resolve.mapped import hash_order, load_array

    ids = [f"P{i}" for i in range(len(table))]
    head = len(table) // 2
    RecordIndex.from_match_table(table.iloc[:head], ids[:head]).save(tmp_path / "half")
    index = RecordIndex.load(tmp_path / "half", map_min=0)
    index.add(table.iloc[head:], ids[head:])
    index.save(tmp_path / "grown")
    grown = 0
    for column in index.coded:
        hashes = load_array(tmp_path / "grown" / f"vhash__{column}.npy")
        ordered, order = hash_order(hashes)
        assert np.array_equal(load_array(tmp_path / "grown" / f"vsorted__{column}.npy"), ordered)
        assert np.array_equal(load_array(tmp_path / "grown" / f"vorder__{column}.npy"), order)
        grown += len(hashes) > len(load_array(tmp_path / "half" / f"vhash__{column}.npy"))
    assert grown >= 10  # most vocabularies gained entries
