"""What an ingest run tells its caller: counts per source, where rejects went, how long.

Invariant per source: ``accepted + rejected + duplicate`` equals the data rows of the file
(a file rejected as a whole counts all of its rows as rejected). ``updated`` is the part of
``accepted`` that replaced an older version of the same key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SourceCounts:
    """Rows of one source file in one ingest run."""

    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
    updated: int = 0
    file: str = ""
    ignored_columns: tuple[str, ...] = ()
    seconds: float = 0.0
    #: Field values set aside in loaded rows (bad optional fields; the rows were kept).
    set_aside: int = 0
    #: Why the file was rejected as a whole ("" when it was read): ``vetline ingest``
    #: prints it and exits 2, since none of the file's rows were loaded.
    file_rejected: str = ""

    @property
    def rows(self) -> int:
        """Data rows read from the file (or counted in it, when it was rejected whole)."""
        return self.accepted + self.rejected + self.duplicate


@dataclass
class IngestReport:
    """The outcome of ``ingest_extract``."""

    extract_id: str
    store_dir: Path
    rejects_path: Path
    #: Lines in the rejects file: one per problem, plus one per file rejected whole (which
    #: may hold no countable rows, e.g. an unreadable Parquet file), so > 0 means "look".
    reject_lines: int = 0
    sources: dict[str, SourceCounts] = field(default_factory=dict)
    ignored_files: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def total_accepted(self) -> int:
        """New or updated rows written to the store."""
        return sum(c.accepted for c in self.sources.values())

    @property
    def total_rejected(self) -> int:
        """Rows that broke the contract (see the rejects file for each reason)."""
        return sum(c.rejected for c in self.sources.values())

    @property
    def total_set_aside(self) -> int:
        """Field values set aside in loaded rows (see the rejects file for each reason)."""
        return sum(c.set_aside for c in self.sources.values())

    @property
    def total_duplicate(self) -> int:
        """Rows identical to a record already in the store."""
        return sum(c.duplicate for c in self.sources.values())
