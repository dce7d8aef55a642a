"""Which file a job vets: the given list, a built-in list, or a roster's new bookings.

The derived file is written into ``<out>/input/`` once and reused when the job is resumed
(same file, same SHA-256, so the job's spec still matches).

Edit here: a new list kind (and ``presets.py`` for how it is derived).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vetline.batch.listfile import file_sha256
from vetline.batch.presets import (
    PRESETS,
    interpol_list,
    overstay_list,
    previous_roster,
    remember_roster,
    roster_delta,
)
from vetline.errors import BadInput


@dataclass(frozen=True)
class ListChoice:
    path: Path
    kind: str  # file | interpol | overstays | roster
    details: tuple[tuple[str, str], ...] = ()
    empty_reason: str | None = None  # a roster with no new booking: nothing to vet


def choose_list(
    list_path: Path | None, preset: str | None, roster_facility: str | None, data_dir: Path,
    out: Path, as_of: date,
) -> ListChoice:  # fmt: skip
    """The file to vet (see the module docstring)."""
    if preset is not None:
        if list_path is not None:
            raise BadInput("list", "give a list file or --list, not both")
        if preset not in PRESETS:
            raise BadInput("list", f"built-in lists: {', '.join(PRESETS)}; not {preset!r}")
        derived = out / "input" / f"{preset}.parquet"
        if not derived.exists():
            derived.parent.mkdir(parents=True, exist_ok=True)
            if preset == "interpol":
                interpol_list(data_dir, derived)
            else:
                from vetline.status import load_policy

                classes = load_policy().admission.nonimmigrant
                overstay_list(data_dir, as_of, frozenset(classes), derived)
        return ListChoice(derived, preset, (("derived_from", str(data_dir / "store")),))
    if list_path is None:
        raise BadInput("list", "required: a list file, or --list interpol|overstays")
    if roster_facility is None:
        return ListChoice(list_path, "file")
    if not list_path.is_file():
        raise BadInput("list", f"no such file: {list_path}")
    derived = out / "input" / "new_bookings.parquet"
    previous = previous_roster(data_dir, roster_facility)
    details: tuple[tuple[str, str], ...] = (
        ("facility", roster_facility.upper()),
        ("roster", str(list_path)),
        ("roster_sha256", file_sha256(list_path)),
        ("previous_roster_sha256", file_sha256(previous) if previous else ""),
    )
    if not derived.exists():
        derived.parent.mkdir(parents=True, exist_ok=True)
        _, total, new = roster_delta(list_path, data_dir, roster_facility, derived)
        details += (("roster_rows", str(total)), ("new_bookings", str(new)))
    import pyarrow.parquet as pq

    if pq.ParquetFile(derived).metadata.num_rows == 0:
        return ListChoice(derived, "roster", details, "no new bookings since the previous roster")
    return ListChoice(derived, "roster", details)


def after_finish(choice: ListChoice, data_dir: Path) -> None:
    """A finished roster job makes its roster the facility's previous one."""
    if choice.kind == "roster":
        facts = dict(choice.details)
        remember_roster(Path(facts["roster"]), data_dir, facts["facility"])
