"""Reading one extract file into an all-text Arrow table, with each row's line number.

Every value is read as text, whatever the format, so that validation sees what the
customer wrote (``02134`` stays ``02134``) and decides itself what is a date or a number.
A row the parser cannot split (wrong number of fields in a CSV, a JSON line that is not an
object) becomes a ``ParseReject``; the rest of the file still loads. A file that cannot be
read at all raises ``FileRejected`` with the reason, and the other files still load.

Line numbers: CSV counts the header as line 1, so the first data row is line 2 (a quoted
value spanning several physical lines counts as one); JSON Lines uses the physical line;
Parquet uses the 1-based row position.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

LINE: str = "__line"


class FileRejected(Exception):
    """The whole file is unusable; the message says why, naming the column if there is one."""

    def __init__(self, reason: str, field: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


@dataclass(frozen=True)
class ParseReject:
    """A row the parser could not turn into fields."""

    line: int
    reason: str


@dataclass
class RawFile:
    """An extract file as text columns (lower-case header names) plus ``__line``."""

    table: pa.Table
    rejects: list[ParseReject]


def _normalise_header(names: list[str]) -> list[str]:
    """Header names trimmed and lower-cased; a repeated name makes the file ambiguous."""
    clean = [n.strip().lower().lstrip("\ufeff") for n in names]
    seen: set[str] = set()
    for name in clean:
        if name in seen:
            raise FileRejected(f"column {name!r} appears twice in the header", name)
        seen.add(name)
    return clean


def read_csv(path: Path) -> RawFile:
    """A UTF-8 CSV with a header row.

    Lines that are not valid UTF-8 become rejects of their own (``_drop_bad_utf8``) instead
    of failing the whole file; that slower path runs only when the fast read fails on
    encoding.
    """
    try:
        header = list(pacsv.read_csv(pa.py_buffer(_first_line(path))).column_names)
    except UnicodeDecodeError as exc:
        raise FileRejected("the header row is not valid UTF-8") from exc
    except pa.ArrowInvalid as exc:
        raise FileRejected(f"unreadable CSV header: {_short(exc)}") from exc
    clean_header = _normalise_header(header)
    encoding_rejects: list[ParseReject] = []
    kept: np.ndarray | None = None  # original line numbers of the lines parsed, if any dropped
    try:
        table, bad, blank = _parse_csv(path, header)
    except pa.ArrowInvalid as exc:
        if "utf8" not in str(exc).lower().replace("-", ""):
            raise FileRejected(f"not a readable CSV file: {_short(exc)}") from exc
        data, dropped, kept = _drop_bad_utf8(path.read_bytes())
        encoding_rejects = [ParseReject(n, "not valid UTF-8 text") for n in dropped]
        try:
            table, bad, blank = _parse_csv(pa.py_buffer(data), header)
        except pa.ArrowInvalid as exc2:
            raise FileRejected(f"not a readable CSV file: {_short(exc2)}") from exc2
        bad = [int(kept[n - 1]) if 0 < n <= len(kept) else n for n in bad]
        blank = [int(kept[n - 1]) if 0 < n <= len(kept) else n for n in blank]
    data_lines = None if kept is None else kept[1:]
    lines = _surviving_lines(table.num_rows, bad + blank, first_data_line=2, candidates=data_lines)
    rejects = encoding_rejects + [
        ParseReject(n, f"row has a different number of fields than the header ({len(header)})")
        for n in bad
    ]
    rejects.sort(key=lambda r: r.line)
    table = table.rename_columns(clean_header)
    table = table.append_column(LINE, pa.array(lines, pa.int64()))
    return RawFile(_without_empty_rows(table), rejects)


def _without_empty_rows(table: pa.Table) -> pa.Table:
    """Drop rows whose every field is empty (blank lines), which are not records at all."""
    empty: pa.ChunkedArray | None = None
    for name in table.column_names:
        if name == LINE:
            continue
        this = pc.equal(pc.utf8_length(table.column(name)), 0)
        empty = this if empty is None else pc.and_(empty, this)
    if empty is None or not pc.any(empty).as_py():
        return table
    return table.filter(pc.invert(empty))


def _parse_csv(
    source: Path | pa.Buffer, header: list[str]
) -> tuple[pa.Table, list[int], list[int]]:
    """Parse with every column as text.

    Returns the table, the line numbers of rows with the wrong number of fields and those
    of blank lines (skipped silently, but counted so later line numbers stay right).
    """
    types = {name: pa.string() for name in header}
    bad: list[int] = []
    blank: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = row.number if row.number is not None else -1
        (blank if not row.text.strip() else bad).append(number)
        return "skip"

    def read(use_threads: bool) -> pa.Table:
        return pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(use_threads=use_threads, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )

    table = read(True)
    if bad or blank:  # line numbers of bad rows are only known to the single-threaded reader
        bad.clear()
        blank.clear()
        table = read(False)
    return table, bad, blank


def _drop_bad_utf8(data: bytes) -> tuple[bytes, list[int], np.ndarray]:
    """Remove lines that are not valid UTF-8.

    Returns the remaining bytes, the (1-based) numbers of the removed lines and the original
    numbers of the kept lines. A bad header line makes the whole file unreadable.
    """
    lines = data.split(b"\n")
    kept: list[int] = []
    dropped: list[int] = []
    out: list[bytes] = []
    for number, line in enumerate(lines, start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            if number == 1:
                raise FileRejected("the header row is not valid UTF-8") from None
            dropped.append(number)
            continue
        kept.append(number)
        out.append(line)
    return b"\n".join(out), dropped, np.array(kept, dtype=np.int64)


def _first_line(path: Path) -> bytes:
    with path.open("rb") as fh:
        first = fh.readline()
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    if not first.strip():
        raise FileRejected("empty file: no header row")
    return first


def _surviving_lines(
    n_good: int, bad: list[int], first_data_line: int, candidates: np.ndarray | None = None
) -> np.ndarray:
    """Line numbers of the rows that parsed, given the line numbers of those that did not.

    ``candidates`` are the line numbers of the data lines handed to the parser (all lines
    from ``first_data_line`` on, unless some were removed before parsing).
    """
    if candidates is None:
        total = n_good + len(bad)
        candidates = np.arange(first_data_line, first_data_line + total, dtype=np.int64)
    if bad:
        candidates = candidates[~np.isin(candidates, np.array(bad, dtype=np.int64))]
    return candidates[:n_good]


def read_parquet(path: Path) -> RawFile:
    """A Parquet file; every column cast to text (dates become ISO strings)."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise FileRejected(f"not a readable Parquet file: {_short(exc)}") from exc
    names = _normalise_header(table.column_names)
    columns = []
    for name, col in zip(names, table.columns, strict=True):
        try:
            columns.append(col.cast(pa.string()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise FileRejected(f"column {name!r} has type {col.type}, expected text", name) from exc
    table = pa.table(columns, names=names)
    lines = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return RawFile(table.append_column(LINE, pa.array(lines, pa.int64())), [])


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def read_jsonl(path: Path) -> RawFile:
    """JSON Lines: one object per line; blank lines skipped; keys are the columns.

    Read with the standard ``json`` module, line by line, so that one bad line (not UTF-8,
    not JSON, not an object) is one reject with its line number instead of a failed file.
    Numbers become their text (``2134``), booleans ``Y``/``N``, nested values JSON text.
    """
    rows: list[dict[str, str | None]] = []
    lines: list[int] = []
    rejects: list[ParseReject] = []
    columns: dict[str, None] = {}
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                rejects.append(ParseReject(number, "not valid UTF-8 text"))
                continue
            except json.JSONDecodeError as exc:
                rejects.append(ParseReject(number, f"not valid JSON: {exc.msg}"))
                continue
            if not isinstance(obj, dict):
                rejects.append(ParseReject(number, "not a JSON object"))
                continue
            row = {str(k).strip().lower(): _as_text(v) for k, v in obj.items()}
            columns.update(dict.fromkeys(row))
            rows.append(row)
            lines.append(number)
    names = list(columns)
    data = {n: pa.array([r.get(n) for r in rows], pa.string()) for n in names}
    data[LINE] = pa.array(lines, pa.int64())
    return RawFile(pa.table(data), rejects)


def read_file(path: Path) -> RawFile:
    """Dispatch on the suffix (``.csv``, ``.parquet``, ``.jsonl``)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".parquet":
        return read_parquet(path)
    if suffix == ".jsonl":
        return read_jsonl(path)
    raise FileRejected(f"unsupported file type {suffix!r}")


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
