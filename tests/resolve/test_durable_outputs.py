"""What ``vetline build`` and ``vetline update`` publish is on disk before it is published:
every file a server maps or reads (the index, the person files and their parts, the
manifest, the model) was ``fsync``-ed by the command that wrote it. Why: a file renamed
into place unsynced can, after a power cut, carry its name over pages that never reached
the disk, and a server would then map them (a zeroed index column is a wrong person)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import world
from test_delta import split_extract

from vetline.records import ingest_extract
from vetline.resolve import build_persons, layout
from vetline.resolve.delta import update_persons


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[tuple[int, int]]]:
    """The (device, inode) of every file or folder ``os.fsync`` was called on."""
    seen: set[tuple[int, int]] = set()
    real = os.fsync

    def fsync(fd: int) -> None:
        st = os.fstat(fd)
        seen.add((st.st_dev, st.st_ino))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    yield seen


def _served(data: Path) -> list[Path]:
    """The files a server reads after a build or an update (a lock file holds no data)."""
    files = [p for d in (layout.index_dir(data), layout.persons_dir(data))
             for p in d.rglob("*") if p.is_file() and p.suffix != ".lock"]  # fmt: skip
    return [*files, layout.model_file(data)]


def _unsynced(paths: list[Path], seen: set[tuple[int, int]]) -> list[str]:
    return [str(p) for p in paths if (p.stat().st_dev, p.stat().st_ino) not in seen]


def test_build_and_update_sync_what_they_publish(
    tmp_path: Path, synced: set[tuple[int, int]]
) -> None:
    world.write_extract(tmp_path / "all", world.make_people(300, seed=3), seed=4)
    split_extract(tmp_path / "all", tmp_path / "base", tmp_path / "delta")
    data = tmp_path / "data"
    ingest_extract(tmp_path / "base", data)
    synced.clear()
    build_persons(data)
    served = _served(data)
    assert len(served) > 20  # the index's arrays, the person files, the model
    assert _unsynced(served, synced) == []
    assert (data.stat().st_dev, data.stat().st_ino) in synced  # the index's rename

    ingest_extract(tmp_path / "delta", data)  # what the update adds is new files: new inodes
    report = update_persons(data)
    assert report.records_new > 0
    served = _served(data)
    manifest = layout.Manifest.read(data)
    assert manifest is not None and manifest.parts
    assert _unsynced(served, synced) == []
    assert not (layout.index_dir(data).with_name("index.old")).exists()
