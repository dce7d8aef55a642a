"""Canonical forms of names: the same person written ``García`` and ``GARCIA`` compares equal.

The canonical form is: Unicode NFKC, diacritics transliterated to ASCII (``unidecode``),
upper case, runs of whitespace collapsed to one space, ends trimmed. Hyphens and
apostrophes stay (``AL-HASSAN``, ``O'BRIEN``): they carry meaning that the matcher, not the
loader, should decide to ignore. Aliases are a ``|``-list of ``LAST, FIRST MIDDLE``; each
part is canonicalised the same way and rejoined as ``LAST, FIRST MIDDLE|...``.

The per-value functions are pure Python; ``canonical_column`` applies them once per
*distinct* value of an Arrow column (names repeat a lot), so a million rows cost a few
hundred thousand calls at most.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc
from unidecode import unidecode

_COMBINING = re.compile("[\u0300-\u036f]+")


def to_ascii(text: str) -> str:
    """ASCII transliteration: ``García`` → ``Garcia``, ``Łukasz`` → ``Lukasz``.

    Fast path: when the compatibility decomposition leaves only ASCII letters plus
    combining accents (most Latin-script names), dropping the accents is the answer;
    everything else goes through ``unidecode``, which gives the same result on the fast
    path's inputs and also handles other scripts and letters such as ``ß`` or ``Ł``.
    """
    if text.isascii():
        return text
    stripped = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    if stripped.isascii():
        return stripped
    return str(unidecode(unicodedata.normalize("NFKC", text)))


def canonical_name(value: str | None) -> str | None:
    """Canonical upper-case ASCII form of one name; ``None`` when nothing is left."""
    if value is None:
        return None
    text = to_ascii(unicodedata.normalize("NFKC", value))
    text = " ".join(text.upper().split())
    return text or None


def canonical_aliases(value: str | None) -> str | None:
    """Canonical form of a ``|``-list of ``LAST, FIRST MIDDLE`` aliases (empty parts dropped)."""
    if value is None:
        return None
    out: list[str] = []
    for part in value.split("|"):
        last, sep, rest = part.partition(",")
        last_c = canonical_name(last) or ""
        rest_c = canonical_name(rest) or ""
        if not last_c and not rest_c:
            continue
        out.append(f"{last_c}, {rest_c}" if sep else last_c)
    return "|".join(out) or None


def malformed_aliases(value: str | None) -> str | None:
    """The first alias that is not ``LAST, FIRST MIDDLE`` (no comma, or empty surname)."""
    if value is None:
        return None
    for part in value.split("|"):
        if not part.strip():
            continue
        last, sep, _ = part.partition(",")
        if not sep or not last.strip():
            return part.strip()
    return None


def map_distinct(
    column: pa.Array | pa.ChunkedArray,
    fn: Callable[[str | None], str | None],
    cache: dict[str, str | None] | None = None,
) -> pa.Array:
    """Apply ``fn`` to each distinct value of a string column and spread the results back.

    Dictionary-encoding gives the distinct values and, per row, an index into them; the
    result is one ``take``. This keeps Python work proportional to distinct values; a
    ``cache`` shared across the files of one extract makes it proportional to the distinct
    values of the whole extract (the same person's name recurs in every source).
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(column)
    assert isinstance(encoded, pa.DictionaryArray)
    values: list[str | None] = encoded.dictionary.to_pylist()
    if cache is None:
        mapped_values = [fn(v) for v in values]
    else:
        mapped_values = []
        for v in values:
            if v is not None and v in cache:
                mapped_values.append(cache[v])
                continue
            out = fn(v)
            if v is not None:
                cache[v] = out
            mapped_values.append(out)
    mapped = pa.array(mapped_values, type=pa.string())
    return mapped.take(encoded.indices)
