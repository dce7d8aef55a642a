"""The saved index mapped, not copied (issue 18 goal 2): every worker process reads the
same pages, answers are the same as from an index held in memory, live adds and in-place
rewrites still work without touching the files, and an index saved in the older
``arrays.npz`` format still loads."""

from __future__ import annotations

import hashlib
import json
import mmap
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pytest

from conftest import BuiltWorld
from vetline.resolve import Resolver
from vetline.resolve import index as index_module
from vetline.resolve import keys as keys_module
from vetline.resolve.comparisons import BLOCKING_RULES
from vetline.resolve.index import CODED_COLUMNS, RecordIndex
from vetline.resolve.links import LINK_SCHEMA, LinkTable, read_links
from vetline.resolve.mapped import MappedStrings
from vetline.resolve.match_table import _read_records, build_match_table
from vetline.resolve.regroup import match_rows


@pytest.fixture(scope="module")
def table(built_world: BuiltWorld) -> pd.DataFrame:
    records = _read_records(built_world.data).drop(columns=["content_hash"])
    return build_match_table(records)


def _mapped(array: np.ndarray) -> bool:
    base = array
    while base is not None and not isinstance(base, mmap.mmap):
        base = base.base
    return isinstance(base, mmap.mmap)


def _answers(index: RecordIndex, rows: list[dict[str, object]]) -> list[list[object]]:
    out = []
    for row in rows:
        found = index.candidates(row, 10_000)
        out.append([index.coded[c].values(found).tolist() for c in CODED_COLUMNS])
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def test_every_array_and_large_vocabulary_is_mapped(table: pd.DataFrame, tmp_path: Path) -> None:
    ids = [f"P{i}" for i in range(len(table))]
    memory = RecordIndex.from_match_table(table, ids)
    memory.save(tmp_path)
    loaded = RecordIndex.load(tmp_path, map_min=0)
    for column in CODED_COLUMNS:
        assert _mapped(loaded.coded[column].codes), column
        assert isinstance(loaded.coded[column].vocab, MappedStrings), column
    assert all(_mapped(t.keys) and _mapped(t.rows) for t in loaded.keys)
    assert all(_mapped(v) for v in loaded.ints.values())
    sample = match_rows(table.iloc[::5])
    assert _answers(loaded, sample) == _answers(memory, sample)
    for column in CODED_COLUMNS:  # every value found by its code, and back
        vocab = memory.coded[column].vocab
        for code in range(0, len(vocab), 37):
            assert loaded.coded[column].code_of(vocab[code]) == code
        assert loaded.coded[column].code_of("NO SUCH VALUE") == -1
    for person in ids[::50]:
        assert loaded.rows_of_person(person).tolist() == memory.rows_of_person(person).tolist()
    small = RecordIndex.load(tmp_path)  # default: small vocabularies become lists
    assert isinstance(small.coded["sex"].vocab, list)


def test_live_adds_and_rewrites_leave_the_files_alone(
    table: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live add moves columns to owned buffers; a rewrite in place writes a
    copy-on-write page: the mapped files (another worker's pages) never change."""
    monkeypatch.setattr(keys_module, "TAIL_MIN", 16)
    ids = [f"P{i}" for i in range(len(table))]
    head = len(table) - 40
    RecordIndex.from_match_table(table.iloc[:head], ids[:head]).save(tmp_path / "base")
    before = _digest(tmp_path / "base")
    grown = RecordIndex.load(tmp_path / "base", map_min=0)
    for i in range(head, len(table), 7):
        grown.add(table.iloc[i : i + 7], ids[i : i + 7])
    changed = table.iloc[[len(table) - 1]].copy()
    target = table.iloc[[3]]
    for column in ("unique_id", "source", "record_id"):
        changed[column] = target[column].to_numpy()
    rows = grown.rows_of_keys([str(target["unique_id"].iloc[0])])
    assert rows.tolist() == [3]
    grown.replace(rows, changed)
    grown.set_persons(rows, ["PNEW"])
    assert _digest(tmp_path / "base") == before

    expected = table.copy()
    expected.iloc[3] = changed.iloc[0]
    full = RecordIndex.from_match_table(expected, [*ids[:3], "PNEW", *ids[4:]])
    sample = match_rows(table.iloc[::7])
    assert _answers(grown, sample) == _answers(full, sample)
    assert grown.rows_of_person("PNEW").tolist() == [3]
    for column in RecordIndex.TF_COLUMNS:
        for value in full.coded[column].vocab[:50]:
            assert grown.tf_of(column, value) == full.tf_of(column, value)
    grown.save(tmp_path / "base")  # saved over the mapped files: new files, renamed in
    assert _answers(RecordIndex.load(tmp_path / "base", map_min=0), sample) == _answers(
        full, sample
    )


def _save_format1(index: RecordIndex, folder: Path) -> None:
    """The folder as vetline wrote it before issue 18 goal 2 (``arrays.npz``)."""
    folder.mkdir()
    arrays = {f"codes__{c}": col.codes for c, col in index.coded.items()}
    arrays.update({f"int__{c}": v for c, v in index.ints.items()})
    for i, t in enumerate(index.keys):
        t.compact()
        arrays[f"keys__{i}"], arrays[f"rows__{i}"] = t.keys, t.rows
    np.savez(folder / "arrays.npz", **arrays)
    for c, col in index.coded.items():
        vocab = ["|".join(v) if isinstance(v, tuple) else v for v in col.vocab]
        feather.write_feather(pa.table({"v": pa.array(vocab, pa.string())}),
                              folder / f"vocab__{c}.arrow")  # fmt: skip
    given = list(index.symbols)
    feather.write_feather(
        pa.table({"given": given, "symbols": ["|".join(index.symbols[g]) for g in given]}),
        folder / "given_symbols.arrow",
    )
    meta = {"rules": [list(r) for r in BLOCKING_RULES], "records": len(index)}
    (folder / "index.json").write_text(json.dumps(meta))


def test_an_index_saved_before_the_mapped_format_still_loads(
    table: pd.DataFrame, tmp_path: Path
) -> None:
    memory = RecordIndex.from_match_table(table, [f"P{i}" for i in range(len(table))])
    _save_format1(memory, tmp_path / "old")
    old = RecordIndex.load(tmp_path / "old", map_min=0)
    assert isinstance(old.coded["unique_id"].vocab, list)  # read into memory, as before
    sample = match_rows(table.iloc[::5])
    assert _answers(old, sample) == _answers(memory, sample)
    old.save(tmp_path / "new")  # the next build or update writes the mapped format
    assert json.loads((tmp_path / "new" / "index.json").read_text())["format"] == 2
    assert _answers(RecordIndex.load(tmp_path / "new", map_min=0), sample) == _answers(
        memory, sample
    )


def test_resolver_answers_the_same_from_mapped_vocabularies(
    built_world: BuiltWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same persons, same probabilities, same explanations: the resolver over every
    vocabulary mapped against the same index read as Python lists."""
    lists = Resolver.load(built_world.data)
    monkeypatch.setattr(index_module, "MAP_MIN", 0)
    mapped = Resolver.load(built_world.data)
    assert isinstance(mapped.index.coded["surname"].vocab, MappedStrings)
    assert isinstance(lists.index.coded["surname"].vocab, list)
    for person in built_world.people[:150]:
        subject = {k: person.get(k) for k in ("last_name", "first_name", "dob", "sex")}
        a, b = mapped.resolve(subject), lists.resolve(subject)
        assert (a.level, a.person_id, a.probability, a.records, a.candidates) == (
            b.level,
            b.person_id,
            b.probability,
            b.records,
            b.candidates,
        )
        assert a.explanation == b.explanation


def test_the_link_table_answers_as_the_links_read_as_objects(built_world: BuiltWorld) -> None:
    """``LinkTable`` (a server's links: one Arrow table, looked up) gives every person
    the same links, in the same order, as ``read_links``."""
    objects = read_links(built_world.data)
    table = LinkTable.read(built_world.data)
    assert objects, "the test world has links"
    assert dict(table) == objects
    assert len(table) == len(objects)
    assert "NO SUCH PERSON" not in table and table.get("NO SUCH PERSON", []) == []
    assert LinkTable(LINK_SCHEMA.empty_table()).get("P1") is None


def test_long_and_short_decodes_agree(
    table: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``MappedStrings.take`` slices a few entries one by one and many through Arrow."""
    from vetline.resolve import mapped

    RecordIndex.from_match_table(table, [f"P{i}" for i in range(len(table))]).save(tmp_path)
    loaded = RecordIndex.load(tmp_path, map_min=0)
    for column in CODED_COLUMNS:
        codes = [-1, *loaded.coded[column].codes[::3].tolist(), -1]
        short = loaded.coded[column].decode(codes)
        monkeypatch.setattr(mapped, "TAKE_MIN", 0)
        assert loaded.coded[column].decode(codes) == short, column
        monkeypatch.setattr(mapped, "TAKE_MIN", 10**9)
        assert short[0] is None and short[-1] is None
