"""Where identity resolution keeps its files in the data folder (see README.md)."""

from __future__ import annotations

from pathlib import Path


def model_file(data_dir: Path) -> Path:
    return data_dir / "model" / "model.json"


def persons_dir(data_dir: Path) -> Path:
    return data_dir / "persons"


def person_records_file(data_dir: Path) -> Path:
    return persons_dir(data_dir) / "records.parquet"


def persons_file(data_dir: Path) -> Path:
    return persons_dir(data_dir) / "persons.parquet"


def index_dir(data_dir: Path) -> Path:
    return data_dir / "index"


def build_report_file(data_dir: Path) -> Path:
    return data_dir / "model" / "build.json"


def links_file(data_dir: Path) -> Path:
    """ "Possible same person" links between built persons (see ``links.py``)."""
    return persons_dir(data_dir) / "links.parquet"
