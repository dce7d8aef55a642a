"""The saved index as main key tables plus tails (``saved.py``, issue 18 goal 4): an
update's save links the main arrays it did not change and writes only each table's tail;
what the tables answer is what one merged table answers, a fold (the tail merged in)
gives the index never split, and a save that fails half-way leaves the previous folder
whole and readable."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from conftest import BuiltWorld
from vetline.resolve import saved
from vetline.resolve.comparisons import BLOCKING_RULES
from vetline.resolve.index import RecordIndex
from vetline.resolve.keys import KeyTable
from vetline.resolve.match_table import _read_records, build_match_table
from vetline.resolve.regroup import match_rows


@pytest.fixture(scope="module")
def table(built_world: BuiltWorld) -> pd.DataFrame:
    records = _read_records(built_world.data).drop(columns=["content_hash"])
    return build_match_table(records)


def _entries(t: KeyTable) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32]]:
    """A table's (key, row) entries, main and tail, in one order (a set, compared)."""
    keys = np.concatenate([t.keys, t.tail_keys])
    rows = np.concatenate([t.rows, t.tail_rows])
    order = np.lexsort((rows, keys))
    return keys[order], rows[order]


def _same_answers(a: RecordIndex, b: RecordIndex, sample: list[dict[str, object]]) -> None:
    """Everything a reader gets from the two indexes is the same (their codes may differ:
    a vocabulary numbers values in the order they came)."""
    assert len(a) == len(b)
    for ta, tb in zip(a.keys, b.keys, strict=True):
        (ka, ra), (kb, rb) = _entries(ta), _entries(tb)
        assert np.array_equal(ka, kb) and np.array_equal(ra, rb)
    every = np.arange(len(a), dtype=np.int32)
    for c in a.coded:
        assert a.coded[c].values(every).tolist() == b.coded[c].values(every).tolist(), c
    for c in a.ints:
        assert np.array_equal(a.ints[c], b.ints[c], equal_nan=True), c
    for c, tf in a.tf_columns(every).items():
        assert np.array_equal(tf, b.tf_columns(every)[c], equal_nan=True), c
    for pid in set(a.coded["person_id"].values(every[::7]).tolist()):
        assert a.rows_of_person(pid).tolist() == b.rows_of_person(pid).tolist(), pid
    for row in sample:
        assert a.candidates(row, 10_000).tolist() == b.candidates(row, 10_000).tolist()
        assert a.full_name_count(row) == b.full_name_count(row)


def _same_arrays(a: RecordIndex, b: RecordIndex) -> None:
    """The two indexes hold the very same arrays (key tables as sets of entries)."""
    for c in a.coded:
        assert np.array_equal(a.coded[c].codes, b.coded[c].codes), c
        assert list(a.coded[c].vocab) == list(b.coded[c].vocab), c
    assert np.array_equal(a._by_person.order, b._by_person.order)
    assert np.array_equal(a._by_person.starts, b._by_person.starts)


def _updated(table: pd.DataFrame, tmp_path: Path) -> tuple[RecordIndex, pd.DataFrame, list[str]]:
    """Half the records saved as a build saves them ("half"), loaded mapped, and an
    update's writes applied: the other half added, two records rewritten (one gaining an
    A-number: a new key only; one taking another record's name: keys that move), some
    persons moved. Returns the index, the table and person ids it now holds."""
    ids = [f"P{i}" for i in range(len(table))]
    head = len(table) // 2
    RecordIndex.from_match_table(table.iloc[:head], ids[:head]).save(tmp_path / "half")
    index = RecordIndex.load(tmp_path / "half", map_min=0)
    index.add(table.iloc[head:], ids[head:])
    lacking = int(np.flatnonzero(table["a_number"].isna().to_numpy()[4:head])[0]) + 4
    changed = table.iloc[[lacking, 3]].copy()
    changed.iloc[0, changed.columns.get_loc("a_number")] = "999999999"
    for c in ("surname", "forename", "surname_dm", "forename_dm", "name_key"):
        changed.iloc[1, changed.columns.get_loc(c)] = table.iloc[-1][c]
    index.replace(index.rows_of_keys(changed["unique_id"].tolist()), changed)
    now = table
    for k, r in enumerate([lacking, 3]):
        now = pd.concat([now.iloc[:r], changed.iloc[[k]], now.iloc[r + 1 :]])
    now = now.reset_index(drop=True)
    moved = [1, 2, head + 1]
    index.set_persons(np.array(moved), ["PNEW", "PNEW", ids[0]])
    for row, pid in zip(moved, ["PNEW", "PNEW", ids[0]], strict=True):
        ids[row] = pid
    return index, now, ids


def test_an_update_saves_main_tables_linked_and_tails_that_answer_as_merged(
    table: pd.DataFrame, tmp_path: Path
) -> None:
    index, now, ids = _updated(table, tmp_path)
    index.save(tmp_path / "grown")
    meta = json.loads((tmp_path / "grown" / "index.json").read_text())
    tailed = [i for i, t in enumerate(index.keys) if len(t.tail_keys)]
    assert meta["tails"] == tailed and len(tailed) > len(BLOCKING_RULES) // 2
    linked = [
        i
        for i in range(len(BLOCKING_RULES))
        if (tmp_path / "grown" / f"keys__{i}.npy").stat().st_ino
        == (tmp_path / "half" / f"keys__{i}.npy").stat().st_ino
    ]
    # the name rules lost an entry (the renamed record's old keys): written whole; the
    # others keep the build's main arrays, linked (same file), never rewritten
    assert 0 < len(linked) < len(BLOCKING_RULES)
    assert BLOCKING_RULES.index(("surname", "forename")) not in linked
    assert BLOCKING_RULES.index(("a_number",)) in linked
    never_split = RecordIndex.from_match_table(now, ids)
    sample = match_rows(now.iloc[::5])
    loaded = RecordIndex.load(tmp_path / "grown", map_min=0)
    assert any(len(t.tail_keys) for t in loaded.keys)
    _same_arrays(loaded, index)
    _same_answers(loaded, index, sample)
    _same_answers(loaded, never_split, sample)


def test_a_fold_gives_the_index_never_split(table: pd.DataFrame, tmp_path: Path) -> None:
    index, now, ids = _updated(table, tmp_path)
    index.save(tmp_path / "grown")
    folded = RecordIndex.load(tmp_path / "grown", map_min=0)
    for t in folded.keys:
        t.compact()
    folded.save(tmp_path / "folded")
    assert json.loads((tmp_path / "folded" / "index.json").read_text())["tails"] == []
    loaded = RecordIndex.load(tmp_path / "folded", map_min=0)
    assert not any(len(t.tail_keys) for t in loaded.keys)
    sample = match_rows(now.iloc[::5])
    _same_arrays(loaded, index)
    _same_answers(loaded, index, sample)
    _same_answers(loaded, RecordIndex.from_match_table(now, ids), sample)


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_save_failing_half_way_leaves_the_previous_index_whole(
    table: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The update saves into a new folder (``delta_files.write_tmp``) whose main tables
    are links to the loaded folder's files: a failure after some files leaves the loaded
    folder's every byte as it was, and it loads and answers as before."""
    index, _, _ = _updated(table, tmp_path)
    before = _digests(tmp_path / "half")
    calls = {"n": 0}
    real = saved.save_array

    def failing(path: Path, array: npt.NDArray[np.generic]) -> None:
        calls["n"] += 1
        if path.name.startswith("tkeys__3"):  # after links and other files were made
            raise OSError("disk full")
        real(path, array)

    monkeypatch.setattr(saved, "save_array", failing)
    with pytest.raises(OSError, match="disk full"):
        index.save(tmp_path / "next")
    monkeypatch.undo()
    assert calls["n"] > 10
    assert not (tmp_path / "next" / "index.json").exists()  # never a generation
    assert _digests(tmp_path / "half") == before
    head = len(table) // 2
    again = RecordIndex.load(tmp_path / "half", map_min=0)
    fresh = RecordIndex.from_match_table(table.iloc[:head], [f"P{i}" for i in range(head)])
    _same_arrays(again, fresh)
    _same_answers(again, fresh, match_rows(table.iloc[:head:5]))
