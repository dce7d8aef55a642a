""" "Possible same person" links: pairs of built persons that agree biographically but
were kept apart because nothing independent of name and date of birth corroborated them.

Why a file of its own: splitting one person in two costs an analyst a minute, merging a
citizen into a stranger can cost a liberty (issue 11). So the build keeps uncorroborated
pairs apart and records them here; the real-time path shows them as candidates and sends
a match with a link to an analyst, and the status engine reads the linked person's
records in the safe direction only (citizenship evidence counts, removal evidence does
not).

Edit here: the columns of ``links.parquet`` and how they are read. The build writes it
(``write_links``), the resolver reads it (``read_links``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from vetline.resolve.layout import links_file

#: Column order of ``<data>/persons/links.parquet``.
LINK_SCHEMA = pa.schema(
    [
        ("person_id_l", pa.string()),
        ("person_id_r", pa.string()),
        ("unique_id_l", pa.string()),
        ("unique_id_r", pa.string()),
        ("match_probability", pa.float64()),
        ("match_weight", pa.float64()),
        ("reason", pa.string()),
    ]
)


@dataclass(frozen=True)
class Link:
    """One side's view of a link: the other person, the strongest pair, why it was kept apart."""

    person_id: str
    other_person_id: str
    unique_id: str
    other_unique_id: str
    match_probability: float
    match_weight: float
    reason: str


def write_links(data_dir: Path, table: pa.Table) -> Path:
    """Write the links table (``LINK_SCHEMA``; an empty table is written, too)."""
    path = links_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.select(LINK_SCHEMA.names).cast(LINK_SCHEMA), path)
    return path


def read_links(data_dir: Path) -> dict[str, list[Link]]:
    """Links by person id, both directions; ``{}`` when the build wrote none."""
    path = links_file(data_dir)
    if not path.exists():
        return {}
    out: dict[str, list[Link]] = defaultdict(list)
    for row in pq.read_table(path).to_pylist():
        pl, pr = row["person_id_l"], row["person_id_r"]
        ul, ur = row["unique_id_l"], row["unique_id_r"]
        p, w, why = float(row["match_probability"]), float(row["match_weight"]), row["reason"] or ""
        out[pl].append(Link(pl, pr, ul, ur, p, w, why))
        out[pr].append(Link(pr, pl, ur, ul, p, w, why))
    return dict(out)
