"""The index folder: what ``RecordIndex.save`` writes and ``RecordIndex.load`` reads.

Format 2 (issue 18 goal 2, ``index.json`` says ``"format": 2``): one uncompressed
``.npy`` per array (codes, number columns, key tables, each vocabulary's hashes, the
rows grouped by person) and one Arrow IPC file per vocabulary, all mapped at load
(``mapped.py``) so the worker processes of one server share them. Vocabularies of at
least ``map_min`` entries stay mapped (``MappedStrings``); smaller ones (sex, state,
birth country, …) become Python lists, where a lookup is fastest and the copy costs
nothing.

Format 1 (``arrays.npz``, written before this): still loads, into process memory as
before (nothing shared), so a data folder built by an older vetline keeps serving; the
next ``vetline build`` or ``vetline update`` writes format 2.

Edit here: a file of the folder, the fallback for format 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.feather as feather

from vetline.resolve.mapped import (
    MappedStrings,
    as_text,
    hash_order,
    load_array,
    load_strings,
    save_array,
    save_strings,
)

FORMAT = 2
Vocab = list[Any] | MappedStrings


@dataclass
class Saved:
    """An index's parts as stored (``RecordIndex`` builds itself from them)."""

    codes: dict[str, npt.NDArray[np.int32]]
    vocabs: dict[str, Vocab]
    ints: dict[str, npt.NDArray[np.float64]]
    keys: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32]]] | None
    symbols: dict[str, tuple[str, ...]]
    #: each vocabulary's entry hashes in code order (format 2; computed when absent)
    hashes: dict[str, npt.NDArray[np.uint64]] = field(default_factory=dict)
    #: rows sorted by person code and where each person starts (``index._PersonRows``)
    by_person: tuple[npt.NDArray[np.int32], npt.NDArray[np.intp]] | None = None


def _vocab_arrow(vocab: Vocab) -> pa.Array:
    if isinstance(vocab, MappedStrings):
        return vocab.as_arrow()
    return pa.array([as_text(v) for v in vocab], pa.large_string())


def _hash_order(
    vocab: Vocab, hashes: npt.NDArray[np.uint64]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32]]:
    """``hash_order(hashes)``; for a mapped vocabulary, its loaded order with the entries
    added since merged in (an update adds ~50k to a 10M-entry vocabulary: re-sorting
    every hash was most of an update's index save). The same arrays: a stable sort puts
    an added entry, whose code is higher, after a loaded one of the same hash."""
    if not isinstance(vocab, MappedStrings) or len(vocab.sorted_hashes) != vocab.base:
        return hash_order(hashes)
    if len(hashes) == vocab.base:
        return vocab.sorted_hashes, vocab.order
    added = hashes[vocab.base :]
    by = np.argsort(added, kind="stable")
    at = np.searchsorted(vocab.sorted_hashes, added[by], side="right")
    codes = (by + vocab.base).astype(np.int32)
    return np.insert(vocab.sorted_hashes, at, added[by]), np.insert(vocab.order, at, codes)


def write(directory: Path, saved: Saved, rules: list[list[str]]) -> None:
    """Write format 2 into ``directory`` (every file new: mapped old ones stay valid)."""
    directory.mkdir(parents=True, exist_ok=True)
    for column, codes in saved.codes.items():
        save_array(directory / f"codes__{column}.npy", codes)
        save_strings(directory / f"vocab__{column}.arrow", _vocab_arrow(saved.vocabs[column]))
        hashes = saved.hashes[column]
        ordered, order = _hash_order(saved.vocabs[column], hashes)
        save_array(directory / f"vhash__{column}.npy", hashes)
        save_array(directory / f"vsorted__{column}.npy", ordered)
        save_array(directory / f"vorder__{column}.npy", order)
    for column, values in saved.ints.items():
        save_array(directory / f"int__{column}.npy", values)
    for i, (keys, rows) in enumerate(saved.keys or []):
        save_array(directory / f"keys__{i}.npy", keys)
        save_array(directory / f"rows__{i}.npy", rows)
    if saved.by_person is not None:
        save_array(directory / "person_order.npy", saved.by_person[0])
        save_array(directory / "person_starts.npy", saved.by_person[1])
    given = list(saved.symbols)
    feather.write_feather(
        pa.table({"given": given, "symbols": ["|".join(saved.symbols[g]) for g in given]}),
        directory / "given_symbols.arrow",
        compression="uncompressed",
    )
    records = len(next(iter(saved.codes.values()))) if saved.codes else 0
    meta = {"format": FORMAT, "rules": rules, "records": records}
    tmp = directory / "index.json.tmp"
    tmp.write_text(json.dumps(meta))
    tmp.replace(directory / "index.json")  # last: a new index.json marks a new generation


def read(
    directory: Path,
    columns: tuple[str, ...],
    list_columns: frozenset[str] | set[str],
    int_columns: tuple[str, ...] | list[str],
    rules: list[tuple[str, ...]],
    map_min: int,
) -> Saved:
    """Read either format; key tables only if saved under ``rules`` (else ``None``)."""
    meta = json.loads((directory / "index.json").read_text())
    same_rules = [tuple(r) for r in meta["rules"]] == rules
    if meta.get("format", 1) < FORMAT:
        return _read_format1(directory, columns, list_columns, int_columns, rules, same_rules)
    missing = [c for c in columns if not (directory / f"codes__{c}.npy").exists()]
    if missing:
        raise ValueError(f"index lacks columns {missing}; rebuild it (`vetline build`)")
    codes: dict[str, npt.NDArray[np.int32]] = {}
    vocabs: dict[str, Vocab] = {}
    hashes: dict[str, npt.NDArray[np.uint64]] = {}
    for c in columns:
        codes[c] = load_array(directory / f"codes__{c}.npy")
        strings = load_strings(directory / f"vocab__{c}.arrow")
        hashes[c] = load_array(directory / f"vhash__{c}.npy")
        if len(strings) >= map_min:
            vocabs[c] = MappedStrings(
                strings,
                load_array(directory / f"vsorted__{c}.npy"),
                load_array(directory / f"vorder__{c}.npy"),
                split=c in list_columns,
            )
        else:
            texts = strings.to_pylist()
            vocabs[c] = [tuple(t.split("|")) for t in texts] if c in list_columns else texts
    ints = {c: load_array(directory / f"int__{c}.npy") for c in int_columns}
    keys = (
        [
            (load_array(directory / f"keys__{i}.npy"), load_array(directory / f"rows__{i}.npy"))
            for i in range(len(rules))
        ]
        if same_rules
        else None
    )
    by_person = None
    if (directory / "person_order.npy").exists():
        by_person = (
            load_array(directory / "person_order.npy"),
            load_array(directory / "person_starts.npy"),
        )
    return Saved(codes, vocabs, ints, keys, _symbols(directory), hashes, by_person)


def _symbols(directory: Path) -> dict[str, tuple[str, ...]]:
    table = feather.read_table(directory / "given_symbols.arrow").to_pydict()
    return {
        g: tuple(v.split("|")) if v else ()
        for g, v in zip(table["given"], table["symbols"], strict=True)
    }


def _read_format1(
    directory: Path,
    columns: tuple[str, ...],
    list_columns: frozenset[str] | set[str],
    int_columns: tuple[str, ...] | list[str],
    rules: list[tuple[str, ...]],
    same_rules: bool,
) -> Saved:
    """``arrays.npz`` + feather vocabularies, read into process memory (nothing mapped)."""
    arrays = np.load(directory / "arrays.npz")
    missing = [c for c in columns if f"codes__{c}" not in arrays.files]
    if missing:
        raise ValueError(f"index lacks columns {missing}; rebuild it (`vetline build`)")
    codes: dict[str, npt.NDArray[np.int32]] = {}
    vocabs: dict[str, Vocab] = {}
    for c in columns:
        texts = feather.read_table(directory / f"vocab__{c}.arrow")["v"].to_pylist()
        vocabs[c] = [tuple(v.split("|")) for v in texts] if c in list_columns else texts
        codes[c] = arrays[f"codes__{c}"]
    ints = {c: arrays[f"int__{c}"] for c in int_columns}
    keys = (
        [(arrays[f"keys__{i}"], arrays[f"rows__{i}"]) for i in range(len(rules))]
        if same_rules
        else None  # saved under other blocking rules: rebuilt from the columns
    )
    return Saved(codes, vocabs, ints, keys, _symbols(directory))
