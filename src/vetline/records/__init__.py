"""Records: the extract contract, validation, normalisation, rejects and the record store.

Public surface (everything else is internal and may change):

* ``ingest_extract(extract_dir, data_dir, progress=None)`` → ``IngestReport``: load an
  extract; idempotent; bad rows go to a rejects file, never stop the load.
* ``RecordStore(data_dir)``: read the normalised records (``sources``, ``rows_sql``,
  ``read_source``, ``read_columns``, ``read_identities``, ``fetch``, ``counts``); a
  source is a base file plus appended segments, each key's newest version winning
  (``current.py``, the one reader of the files).
* ``canonical_name`` / ``canonical_aliases``: the name normalisation the store applies, for
  code that must normalise a query the same way; ``vetline.records.identifiers`` holds the
  one validator per identity field (names, date of birth, identifiers) that the loader and
  IAQ intake share.

Where to edit what: identity-field rules and forms in ``identifiers.py`` (shared with
intake), other row rules in ``checks.py``, other canonical forms in ``canonical.py``, file
formats in ``readers.py``, idempotence, history, segments and their fold in ``merge.py``,
how base and segments combine in ``current.py``, the on-disk layout in
``layout.py``, the ingest journal (the keys each ingest added or changed, read by
``vetline update`` instead of the whole store) in ``journal.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vetline.records.identifiers import canonical_aliases, canonical_name
from vetline.records.report import IngestReport, SourceCounts

if TYPE_CHECKING:
    from vetline.records.ingest import ingest_extract
    from vetline.records.store import RecordStore

# The loader and the store pull in DuckDB and pyarrow; code that only normalises a query
# (the desk) must not pay for them, so these two are imported on first use.
_LAZY = {"ingest_extract": "vetline.records.ingest", "RecordStore": "vetline.records.store"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "IngestReport",
    "RecordStore",
    "SourceCounts",
    "canonical_aliases",
    "canonical_name",
    "ingest_extract",
]
