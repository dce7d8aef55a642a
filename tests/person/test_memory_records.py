"""``MemoryRecords.fetch`` returns exactly what the Arrow rows say, value and type.

The reference is the straightforward path the store had before rows were kept as JSON:
``Table.take(...).to_pylist()`` with ``source`` added when the table has no such column.
Compared with ``==`` AND with the sequence of (key, type) pairs, so ``1`` vs ``True``,
``1`` vs ``"1"`` and key order all count as differences.
"""

from __future__ import annotations

import random
import string
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vetline.person.records import MemoryRecords, _offsets
from vetline.records.contract import SOURCE_NAMES
from vetline.records.layout import source_file


def _reference(tables: dict[str, pa.Table], keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for source, record_id in keys:
        table = tables.get(source)
        if table is None:
            continue
        ids = [str(v) for v in table.column("record_id").to_pylist()]
        if record_id not in ids:
            continue
        row = table.take([len(ids) - 1 - ids[::-1].index(record_id)]).to_pylist()[0]
        out.append(row if "source" in row else {**row, "source": source})
    return out


def _shape(rows: list[dict[str, Any]]) -> list[list[tuple[str, type, Any]]]:
    return [[(k, type(v), v) for k, v in row.items()] for row in rows]


def _assert_same(got: list[dict[str, object]], want: list[dict[str, Any]]) -> None:
    assert got == want
    assert _shape(got) == _shape(want)


@pytest.fixture(scope="module")
def records(small_store: Path) -> MemoryRecords:
    return MemoryRecords.load(small_store)


def test_small_world_every_record_matches_the_arrow_rows(
    records: MemoryRecords, small_store: Path
) -> None:
    tables = {s: pq.read_table(source_file(small_store, s)) for s in SOURCE_NAMES}
    assert set(records.tables) == set(SOURCE_NAMES)
    for source, table in tables.items():
        keys = [(source, rid) for rid in table.column("record_id").to_pylist()]
        got = records.fetch(keys)
        assert got == [row for row in table.to_pylist()]  # the table has its source column
        assert _shape(got) == _shape(table.to_pylist())
        assert len(records.rows[source]) == table.num_rows
    # The desk's shape of call: a few records of a few sources, in an odd order, with
    # unknown sources and ids skipped and a repeated key answered twice.
    rng = random.Random(7)
    every = [(s, rid) for s, t in tables.items() for rid in t.column("record_id").to_pylist()]
    for _ in range(200):
        keys = rng.sample(every, rng.randint(1, 6))
        keys += [("nowhere", keys[0][1]), (keys[0][0], "NO-SUCH-ID"), keys[-1]]
        rng.shuffle(keys)
        _assert_same(records.fetch(keys), _reference(tables, keys))


def test_values_and_types_of_a_store_row(records: MemoryRecords, small_store: Path) -> None:
    status = pq.read_table(source_file(small_store, "status"))
    rid = status.column("record_id")[0].as_py()
    (row,) = records.fetch([("status", rid)])
    assert list(row) == status.column_names
    assert row["source"] == "status" and row["record_id"] == rid
    assert isinstance(row["line"], int) and not isinstance(row["line"], bool)
    assert all(v is None or isinstance(v, (str, int)) for v in row.values())


def _table(ids: list[str], columns: dict[str, pa.Array]) -> pa.Table:
    return pa.table({"record_id": pa.array(ids, pa.string()), **columns})


def test_source_column_is_added_last_when_the_table_has_none() -> None:
    table = _table(["A1", "A2"], {"name": pa.array(["X", None])})
    records = MemoryRecords({"status": table})
    assert records.fetch([("status", "A2"), ("status", "A1")]) == [
        {"record_id": "A2", "name": None, "source": "status"},
        {"record_id": "A1", "name": "X", "source": "status"},
    ]
    assert list(records.fetch([("status", "A1")])[0]) == ["record_id", "name", "source"]


def test_empty_and_missing_sources() -> None:
    empty = _table([], {"name": pa.array([], pa.string())})
    records = MemoryRecords({"court": empty})
    assert records.fetch([("court", "C1"), ("status", "S1")]) == []
    assert records.fetch([]) == []


def test_a_column_json_cannot_carry_exactly_keeps_the_arrow_path(tmp_path: Path) -> None:
    """Floats and dates would not survive JSON as the same Python objects: those sources
    are answered by ``take``, and answers stay identical (mixed with a JSON source)."""
    odd = _table(
        ["F1", "F2", "F3"],
        {
            "score": pa.array([0.1, None, 1e300], pa.float64()),
            "day": pa.array([date(2020, 1, 2), None, date(1900, 12, 31)], pa.date32()),
            "name": pa.array(["é", None, "\\"]),
        },
    )
    plain = _table(["P1"], {"year": pa.array([1999], pa.int16())})
    tables = {"criminal": odd, "custody": plain}
    keys = [("criminal", "F3"), ("custody", "P1"), ("criminal", "F1"), ("criminal", "F9")]
    _assert_same(MemoryRecords(tables).fetch(keys), _reference(tables, keys))
    for source, table in tables.items():
        pq.write_table(table, tmp_path / f"{source}.parquet")
    from_files = MemoryRecords({s: tmp_path / f"{s}.parquet" for s in tables})
    _assert_same(from_files.fetch(keys), _reference(tables, keys))
    assert from_files.tables["criminal"].equals(odd)


def test_tables_are_read_from_the_files_when_asked(
    records: MemoryRecords, small_store: Path
) -> None:
    for source in SOURCE_NAMES:
        assert records.tables[source].equals(pq.read_table(source_file(small_store, source)))


def test_a_table_without_record_ids_is_refused() -> None:
    with pytest.raises(ValueError, match="record_id"):
        MemoryRecords({"status": pa.table({"id": ["A"]})})


def test_null_and_integer_record_ids_answer_as_before() -> None:
    """Keys are ``str`` of the stored id, as the record-id map always made them."""
    table = pa.table({"record_id": pa.array([5, None], pa.int64()), "v": pa.array([1, 2])})
    records = MemoryRecords({"warrants": table})
    keys = [("warrants", "None"), ("warrants", "5")]
    _assert_same(records.fetch(keys), _reference({"warrants": table}, keys))


# Awkward strings: quotes, backslashes, every control character, non-ASCII names,
# astral-plane characters, JSON-looking text; no surrogates (Arrow strings are UTF-8).
_AWKWARD = st.text(
    alphabet=st.one_of(
        st.sampled_from(['"', "\\", "/", "\x00", "\x1f", "\x7f", "\u2028", "\ufeff", "𝔘"]),
        st.characters(codec="utf-8"),
        st.sampled_from(list(string.printable)),
    ),
    max_size=24,
) | st.sampled_from(["null", "[1,2]", '{"a":1}', "-0", "1e5", "", "ÑÚÑEZ-O'BRIEN"])

_INT_TYPES = {
    "int8": (pa.int8(), -(2**7), 2**7 - 1),
    "int16": (pa.int16(), -(2**15), 2**15 - 1),
    "int64": (pa.int64(), -(2**63), 2**63 - 1),
    "uint32": (pa.uint32(), 0, 2**32 - 1),
}


@st.composite
def _tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(1, 8))
    ids = [f"R{i}" for i in range(n)]
    columns: dict[str, pa.Array] = {}
    for c in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["text", "large_text", "bool", *_INT_TYPES]))
        if kind in ("text", "large_text"):
            values: list[Any] = draw(st.lists(st.none() | _AWKWARD, min_size=n, max_size=n))
            dtype = pa.string() if kind == "text" else pa.large_string()
        elif kind == "bool":
            values = draw(st.lists(st.none() | st.booleans(), min_size=n, max_size=n))
            dtype = pa.bool_()
        else:
            dtype, low, high = _INT_TYPES[kind]
            values = draw(st.lists(st.none() | st.integers(low, high), min_size=n, max_size=n))
        name = draw(st.sampled_from(["name", 'we"ird', "dob year", "line", "sélect"]))
        columns[f"{name}{c}"] = pa.array(values, dtype)
    return _table(ids, columns)


@settings(max_examples=80, deadline=None)
@given(table=_tables(), order=st.randoms(use_true_random=False))
def test_any_strings_and_integers_round_trip_exactly(table: pa.Table, order: random.Random) -> None:
    keys = [("status", rid) for rid in table.column("record_id").to_pylist()]
    order.shuffle(keys)
    tables = {"status": table, "court": table.slice(1)}  # a second, sliced (offset) table
    keys += [("court", rid) for rid in table.column("record_id").to_pylist()]
    _assert_same(MemoryRecords(tables).fetch(keys), _reference(tables, keys))
    with tempfile.TemporaryDirectory() as folder:  # the same rows as DuckDB reads the file
        files = {source: Path(folder) / f"{source}.parquet" for source in tables}
        for source, file in files.items():
            pq.write_table(tables[source], file)
        read = {source: pq.read_table(file) for source, file in files.items()}
        _assert_same(MemoryRecords(dict(files)).fetch(keys), _reference(read, keys))


def test_many_chunk_tables_are_encoded_whole() -> None:
    chunks = [_table([f"K{i}"], {"name": pa.array([f"n{i}"])}) for i in range(5)]
    table = pa.concat_tables(chunks)
    assert table.column("name").num_chunks == 5
    records = MemoryRecords({"biometric": table})
    keys = [("biometric", f"K{i}") for i in (4, 0, 2)]
    _assert_same(records.fetch(keys), _reference({"biometric": table}, keys))


@pytest.mark.parametrize("dtype", [pa.string(), pa.large_string()])
def test_offsets_of_a_sliced_string_array(dtype: pa.DataType) -> None:
    strings = pa.array(["a", "bc", None, "d"], dtype).slice(1)
    assert _offsets(strings).tolist() == [1, 3, 3, 4]
    assert _offsets(pa.array([], dtype)).tolist() == [0]
