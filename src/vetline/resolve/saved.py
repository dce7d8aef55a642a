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

Key tables as a base plus a tail (issue 18 goal 4): a key table is saved as its sorted
main arrays (``keys__<i>.npy``, ``rows__<i>.npy``) and, when it has one, the sorted tail
of its insertions since (``tkeys__<i>.npy``, ``trows__<i>.npy``; ``index.json`` lists
the rules that have one under ``"tails"``), loaded into ``KeyTable``'s own tail. Why: an
update adds ~50k entries to tables of ~9M each at 10M records; merging them and writing
every table again was most of the 3.4 GB an update's index save wrote (≈ 2.3 GB of key
tables). A main table an update did not change (its arrays are the ones mapped at load)
is **hard-linked** from the generation it was loaded from, not written (``Origin``): the
new folder still holds every file, renamed in whole; a running server's old generation
keeps its own link, and both share the pages. The tail is merged into the main arrays
by ``KeyTable.insert`` past 1/16 of the table (then that table is written whole), so it
stays small; ``vetline build`` writes no tails.

Edit here: a file of the folder, the fallback for format 1.
"""

from __future__ import annotations

import json
import os
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
KeyArrays = tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32]]


def _identity(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_dev, st.st_ino)


@dataclass(frozen=True)
class Origin:
    """The files a key table's main arrays were mapped from, and which files they were
    (device, inode: a later generation may have put another file under the name)."""

    keys: Path
    rows: Path
    ids: tuple[tuple[int, int], tuple[int, int]]

    @classmethod
    def of(cls, directory: Path, rule: int) -> Origin:
        keys, rows = directory / f"keys__{rule}.npy", directory / f"rows__{rule}.npy"
        return cls(keys, rows, (_identity(keys), _identity(rows)))

    def link_into(self, directory: Path, rule: int) -> bool:
        """Hard-link both files into ``directory`` as rule ``rule``'s; False (nothing
        left behind) when they are no longer the files mapped, or cannot be linked."""
        made: list[Path] = []
        try:
            if (_identity(self.keys), _identity(self.rows)) != self.ids:
                return False
            for source, name in ((self.keys, "keys"), (self.rows, "rows")):
                target = directory / f"{name}__{rule}.npy"
                os.link(source, target)
                made.append(target)
        except OSError:
            for target in made:
                target.unlink(missing_ok=True)
            return False
        return True


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
    #: rows sorted by person code and where each person starts (``person_rows._PersonRows``)
    by_person: tuple[npt.NDArray[np.int32], npt.NDArray[np.intp]] | None = None
    #: each key table's tail (``KeyTable.tail_keys``, ``tail_rows``; empty: none)
    tails: list[KeyArrays] | None = None
    #: each key table's main arrays' files when they are still the ones mapped at load
    #: (written as links to them), else None (written)
    origins: list[Origin | None] | None = None


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
    tails = []
    for i, (keys, rows) in enumerate(saved.keys or []):
        origin = saved.origins[i] if saved.origins else None
        if origin is None or not origin.link_into(directory, i):
            save_array(directory / f"keys__{i}.npy", keys)
            save_array(directory / f"rows__{i}.npy", rows)
        if saved.tails and len(saved.tails[i][0]):
            save_array(directory / f"tkeys__{i}.npy", saved.tails[i][0])
            save_array(directory / f"trows__{i}.npy", saved.tails[i][1])
            tails.append(i)
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
    meta = {"format": FORMAT, "rules": rules, "records": records, "tails": tails}
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
    keys = tails = None
    origins: list[Origin | None] | None = None
    if same_rules:
        keys = [
            (load_array(directory / f"keys__{i}.npy"), load_array(directory / f"rows__{i}.npy"))
            for i in range(len(rules))
        ]
        origins = [Origin.of(directory, i) for i in range(len(rules))]
        tailed = set(meta.get("tails", []))
        tails = [
            (load_array(directory / f"tkeys__{i}.npy"), load_array(directory / f"trows__{i}.npy"))
            if i in tailed
            else (np.zeros(0, np.uint64), np.zeros(0, np.int32))
            for i in range(len(rules))
        ]
    by_person = None
    if (directory / "person_order.npy").exists():
        by_person = (
            load_array(directory / "person_order.npy"),
            load_array(directory / "person_starts.npy"),
        )
    symbols = _symbols(directory)
    return Saved(codes, vocabs, ints, keys, symbols, hashes, by_person, tails, origins)


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
