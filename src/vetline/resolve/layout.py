"""Where identity resolution keeps its files in the data folder (see README.md), and the
one reader of the person files.

The person files (``persons/records.parquet``, ``persons.parquet``, ``links.parquet``)
are a **base** written whole by ``vetline build`` plus **parts** written by each
``vetline update`` (``persons/parts/<n>-records.parquet`` …), listed in
``persons/manifest.json``. Why: an update rewrote all three files (and read them whole)
for a delta of 50,000 records — ≈ 8 CPU s at 1M records, ≈ 80 s at 10M (bench/README.md,
issue 18 goal 4). A part holds, for the persons an update touched, their current rows:

* records: every record of a touched person (a newer row replaces the same
  ``unique_id`` of an older file);
* persons: the touched persons' rows; ``<n>-superseded.parquet`` lists every person id
  the update replaced (touched, merged away, split), so a retired person's older row and
  every older link naming a superseded person drop out;
* links: the touched persons' links, recomputed.

``read_person_records``, ``read_persons``, ``read_person_links`` return what one whole
file used to hold (same columns, same row order), so every reader — build's previous
ids, batch presets, the resolver's links, the benches, the tests — calls them and never
opens a file by path. A folder without a manifest (built before parts existed) is its
base alone. The manifest also keeps the ingest journal position the persons reflect
(``journal``: ``vetline.records.journal``) and the totals an update reports.

Edit here: the file names, the part rules (``_read``), the manifest's fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vetline.records.layout import publish


def model_file(data_dir: Path) -> Path:
    return data_dir / "model" / "model.json"


def persons_dir(data_dir: Path) -> Path:
    return data_dir / "persons"


def person_records_file(data_dir: Path) -> Path:
    """The base's records (``read_person_records`` reads base and parts together)."""
    return persons_dir(data_dir) / "records.parquet"


def persons_file(data_dir: Path) -> Path:
    """The base's persons (``read_persons`` reads base and parts together)."""
    return persons_dir(data_dir) / "persons.parquet"


def index_dir(data_dir: Path) -> Path:
    return data_dir / "index"


def build_report_file(data_dir: Path) -> Path:
    return data_dir / "model" / "build.json"


def links_file(data_dir: Path) -> Path:
    """ "Possible same person" links of the base (``read_person_links``: with parts)."""
    return persons_dir(data_dir) / "links.parquet"


def manifest_file(data_dir: Path) -> Path:
    return persons_dir(data_dir) / "manifest.json"


def parts_dir(data_dir: Path) -> Path:
    return persons_dir(data_dir) / "parts"


#: The three kinds of person file: base name, the key a newer row replaces by.
KINDS: dict[str, str] = {"records": "unique_id", "persons": "person_id", "links": ""}


def part_file(data_dir: Path, number: int, kind: str) -> Path:
    """One update's part of ``kind`` (``records``, ``persons``, ``links``, ``superseded``)."""
    return parts_dir(data_dir) / f"{number:06d}-{kind}.parquet"


def _base_file(data_dir: Path, kind: str) -> Path:
    return persons_dir(data_dir) / f"{kind}.parquet"


@dataclass
class Manifest:
    """``persons/manifest.json``: the parts on top of the base, in order, and totals."""

    parts: list[int] = field(default_factory=list)
    #: the last ingest journal entry the persons reflect (None: unknown, scan the store)
    journal: int | None = None
    records: int = 0
    persons: int = 0
    links: int = 0

    @classmethod
    def read(cls, data_dir: Path) -> Manifest | None:
        path = manifest_file(data_dir)
        if not path.exists():
            return None
        raw = json.loads(path.read_text())
        return cls(**{k: raw[k] for k in asdict(cls()) if k in raw})

    def write(self, data_dir: Path) -> None:
        """Replace the manifest atomically (a reader sees the old or the new list)."""
        path = manifest_file(data_dir)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1))
        publish(tmp, path)  # on disk before it is the manifest

    def next_part(self) -> int:
        return max(self.parts, default=0) + 1


def _is_in(column: pa.ChunkedArray | pa.Array, values: pa.Array) -> pa.Array:
    return pc.is_in(column, value_set=values)


def _superseded(data_dir: Path, number: int) -> pa.Array:
    table = pq.read_table(part_file(data_dir, number, "superseded"))
    return table.column("person_id").combine_chunks()


def _read(
    data_dir: Path,
    kind: str,
    columns: list[str] | None,
    keep: pc.Expression | None,
) -> pa.Table:
    """Base + parts of ``kind`` as one table (see the module); ``keep``: only rows it
    holds for (Parquet's filter, applied to each file before the part rules)."""
    manifest = Manifest.read(data_dir)
    base = _base_file(data_dir, kind)
    parts = manifest.parts if manifest else []
    key = KINDS[kind]
    need = None
    if columns is not None:
        extra = [key] if key else ["person_id_l", "person_id_r"]
        need = list(dict.fromkeys([*columns, *extra]))

    def one(path: Path) -> pa.Table:
        if need is not None:
            have = pq.read_schema(path).names
            return pq.read_table(path, columns=[c for c in need if c in have], filters=keep)
        return pq.read_table(path, filters=keep)

    tables: list[pa.Table] = []
    replaced: list[pa.Array] = []  # keys (records) or person ids newer parts replaced
    for number in reversed(parts):
        table = one(part_file(data_dir, number, kind))
        if replaced:
            table = _drop(table, kind, pa.concat_arrays(replaced))
        tables.append(table)
        if kind == "records":
            replaced.append(
                pq.read_table(part_file(data_dir, number, kind), columns=["unique_id"])
                .column("unique_id")
                .combine_chunks()
            )
        else:
            replaced.append(_superseded(data_dir, number))
    if base.exists():
        table = one(base)
        if replaced:
            table = _drop(table, kind, pa.concat_arrays(replaced))
        tables.append(table)
    if not tables:
        raise FileNotFoundError(base)
    tables.reverse()  # base first; a column an older file lacks is null there
    out = pa.concat_tables(tables, promote_options="permissive")
    if parts:  # the order one whole file had
        by = [(key, "ascending")] if key else [("person_id_l", "ascending"),
                                               ("person_id_r", "ascending")]  # fmt: skip
        out = out.sort_by(by)
    if columns is not None:
        out = out.select([c for c in columns if c in out.column_names])
    return out


def _drop(table: pa.Table, kind: str, replaced: pa.Array) -> pa.Table:
    if kind == "links":
        gone = pc.or_(
            _is_in(table.column("person_id_l"), replaced),
            _is_in(table.column("person_id_r"), replaced),
        )
    else:
        gone = _is_in(table.column(KINDS[kind]), replaced)
    return table.filter(pc.invert(gone))


def _stable(data_dir: Path, kind: str, *args: Any) -> pa.Table:
    """``_read``, again if an update or build replaced the manifest meanwhile."""
    for _ in range(5):
        before = _stamp(data_dir)
        try:
            table = _read(data_dir, kind, *args)
        except FileNotFoundError:
            if _stamp(data_dir) == before:
                raise
            continue
        if _stamp(data_dir) == before:
            return table
    return _read(data_dir, kind, *args)


def _stamp(data_dir: Path) -> tuple[int, int] | None:
    try:
        st = manifest_file(data_dir).stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def has_persons(data_dir: Path) -> bool:
    """Whether a build wrote persons here."""
    return person_records_file(data_dir).exists()


def _among(column: str, values: Iterable[str]) -> pc.Expression:
    return pc.field(column).isin(pa.array(sorted(set(values)), pa.string()))


def read_person_records(
    data_dir: Path, columns: list[str] | None = None, *, keys: Iterable[str] | None = None
) -> pa.Table:
    """Every resolved record (``source``, ``record_id``, ``unique_id``, ``person_id``,
    ``content_hash``), sorted by ``unique_id``; ``keys``: only these record keys."""
    return _stable(
        data_dir, "records", columns, None if keys is None else _among("unique_id", keys)
    )


def read_persons(
    data_dir: Path, columns: list[str] | None = None, *, ids: Iterable[str] | None = None
) -> pa.Table:
    """Every person (``person_id``, ``records``, ``first_record``, ``sources``, ``since``),
    sorted by ``person_id``; ``ids``: only these persons."""
    return _stable(data_dir, "persons", columns, None if ids is None else _among("person_id", ids))


def read_person_links(data_dir: Path, *, naming: Iterable[str] | None = None) -> pa.Table | None:
    """Every "possible same person" link (``links.LINK_SCHEMA``), sorted by person pair;
    ``naming``: only links naming one of these persons on either side (an update's).
    ``None`` when the build wrote none."""
    if not links_file(data_dir).exists():
        return None
    keep = None
    if naming is not None:
        ids = list(naming)
        keep = _among("person_id_l", ids) | _among("person_id_r", ids)
    return _stable(data_dir, "links", None, keep)


#: An update folds the parts into the base when there are this many (a read applies
#: every part's rules; one rewrite per this many updates keeps reads near one file's).
COMPACT_PARTS = 32


def compact(data_dir: Path) -> bool:
    """Fold every part into the base files (what they read as, written whole), then list
    no parts. Safe beside readers: applying a part again to a base that already holds it
    gives the same rows, and a reader that meets a removed part reads again."""
    manifest = Manifest.read(data_dir)
    if manifest is None or not manifest.parts:
        return False
    for kind in KINDS:
        base = _base_file(data_dir, kind)
        if not base.exists():
            continue
        table = _read(data_dir, kind, None, None)
        tmp = base.with_name(base.name + ".compact.tmp")
        pq.write_table(table, tmp)
        publish(tmp, base)
    parts = manifest.parts
    manifest.parts = []
    manifest.write(data_dir)
    for number in parts:
        for kind in (*KINDS, "superseded"):
            part_file(data_dir, number, kind).unlink(missing_ok=True)
    return True


def write_base(data_dir: Path, journal: int | None, totals: tuple[int, int, int]) -> None:
    """After a build wrote the base files: a manifest with no parts, old parts removed."""
    Manifest(parts=[], journal=journal, records=totals[0], persons=totals[1],
             links=totals[2]).write(data_dir)  # fmt: skip
    folder = parts_dir(data_dir)
    if folder.exists():
        for path in folder.iterdir():
            path.unlink(missing_ok=True)
