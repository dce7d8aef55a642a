"""The real-time index: blocking keys (the SSN halves) and loading older indexes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from vetline.resolve.comparisons import BLOCKING_RULES
from vetline.resolve.index import RecordIndex
from vetline.resolve.standardise import standardise_one, standardise_rows

ROWS = [
    {"source": "s", "record_id": "1", "last_name": "OKAFOR", "first_name": "CHIDI",
     "dob": "1980-02-03", "ssn": "223-45-6789", "zip": "60601"},
    {"source": "s", "record_id": "2", "last_name": "LINDQVIST", "first_name": "ASA",
     "dob": "1975-11-30", "ssn": "318-27-4455", "zip": "73301"},
    {"source": "s", "record_id": "3", "last_name": "OKAFOR", "first_name": "NNEKA",
     "dob": "1990-07-07", "zip": "60601"},
]  # fmt: skip


def _index() -> RecordIndex:
    table = standardise_rows(ROWS)
    return RecordIndex.from_match_table(table, [f"P{i}" for i in range(len(table))])


def _found(index: RecordIndex, subject: dict[str, str]) -> set[str]:
    rows = index.candidates(standardise_one(subject), limit=100)
    return {str(v) for v in index.coded["unique_id"].values(rows)}


def test_an_ssn_typo_is_found_through_half_the_ssn() -> None:
    """Misspelt name, other birth date, SSN digits swapped: only the SSN-half rules
    (``ssn_tail`` + zip or surname sound) bring record 1 in."""
    subject = {"last_name": "OKAFRO", "first_name": "CHEEDEE", "dob": "1981-01-01",
               "ssn": "223-54-6789", "zip": "60601"}  # fmt: skip
    assert "s|1" in _found(_index(), subject)
    assert "s|2" not in _found(_index(), subject)


def test_live_adds_get_ssn_half_keys() -> None:
    index = _index()
    added = {"source": "s", "record_id": "4", "last_name": "BRANDT", "first_name": "OLE",
             "dob": "1966-06-06", "ssn": "412-55-1290", "zip": "02139"}  # fmt: skip
    index.add(standardise_rows([added]), ["P9"])
    subject = {"last_name": "BRANT", "first_name": "OLAF", "dob": "1966-01-01",
               "ssn": "412-55-1209", "zip": "02139"}  # fmt: skip
    assert _found(index, subject) == {"s|4"}


def test_an_index_saved_under_fewer_rules_loads_with_rebuilt_keys(tmp_path: Path) -> None:
    index = _index()
    index.save(tmp_path)
    meta = json.loads((tmp_path / "index.json").read_text())
    meta["rules"] = meta["rules"][:-6]  # as saved before the SSN-half rules existed
    (tmp_path / "index.json").write_text(json.dumps(meta))
    loaded = RecordIndex.load(tmp_path)
    assert len(loaded.keys) == len(BLOCKING_RULES)
    for fresh, old in zip(index.keys, loaded.keys, strict=True):
        assert fresh.keys.tolist() == old.keys.tolist()
        assert fresh.rows.tolist() == old.rows.tolist()
    assert pd.Series(loaded.coded["unique_id"].vocab).tolist() == ["s|1", "s|2", "s|3"]


def test_vocabulary_hashes_are_each_values_stable_hash() -> None:
    """``_hash_values`` reads the joined digests at once; each must be the value's own
    ``_stable_hash`` (what a query's ``subject_key`` computes), tuples and non-strings too."""
    from vetline.resolve.keys import _hash_values, _stable_hash

    values = ["GARCIA", "", "status|A123", ("A", "B"), 1985, None]
    hashes = _hash_values(values)
    assert str(hashes.dtype) == "uint64" and hashes.flags.writeable
    assert [int(h) for h in hashes] == [_stable_hash(v) for v in values]
    assert _hash_values([]).shape == (0,)


def test_candidates_are_np_unique_of_the_key_blocks() -> None:
    """``candidates`` drops the rows several keys bring twice with a sort in place: the
    same ascending distinct rows ``np.unique`` gave, for one or many blocks, unsorted
    blocks (a key's rows are in no promised order) and repeats."""
    import numpy as np

    from vetline.resolve.index import _sorted_distinct

    rng = np.random.default_rng(3)
    for size in (1, 2, 7, 300, 5000):
        blocks = [rng.integers(0, 2 * size, rng.integers(1, size + 1)).astype(np.int32)]
        blocks += [np.sort(b) for b in blocks] * 2
        for found in (blocks[:1], blocks):
            got = _sorted_distinct(np.concatenate(found))
            want = np.unique(np.concatenate(found))
            assert got.dtype == want.dtype and np.array_equal(got, want)
    index = _index()
    subject = {"last_name": "OKAFOR", "first_name": "CHIDI", "dob": "1980-02-03",
               "ssn": "223-45-6789", "zip": "60601"}  # fmt: skip
    rows = index.candidates(standardise_one(subject), 100)
    assert len(rows) and rows.tolist() == sorted(set(rows.tolist()))
