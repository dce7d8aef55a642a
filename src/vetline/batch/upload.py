"""A submitted list written into its job's folder: streamed, hashed as it goes, durable.

Why streamed: a list sent over the API may be hundreds of megabytes (a year of overstays,
a state's offender registry), far past what the API takes for any other body
(``Settings.max_body_bytes``); the upload arrives as a spooled temporary file
(``UploadFile.file``) and is copied here a block at a time, so neither the serve process nor
this copy ever holds the list in memory, and its SHA-256 (the job's ``input_sha256``) needs
no second read. Durable before the job row is committed: the file and its folder are
fsynced, so an acknowledged job's list survives a crash.

Edit here: the block size, what counts as an empty list.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from vetline.records.layout import fsync

BLOCK = 1 << 20


@dataclass(frozen=True)
class StoredList:
    """A list written: its size in bytes, SHA-256 (hex), and whether it held anything but
    white space (a list of nothing is refused, whatever its format)."""

    size: int
    sha256: str
    blank: bool


def store_list(content: bytes | BinaryIO, path: Path) -> StoredList:
    """Write ``content`` (the bytes, or a binary file read from its current position to its
    end) to ``path``, a new file; fsync it and its folder. Never loads a file whole."""
    digest = hashlib.sha256()
    size, blank = 0, True
    with path.open("xb") as handle:
        for block in _blocks(content):
            handle.write(block)
            digest.update(block)
            size += len(block)
            blank = blank and not block.strip()
        handle.flush()
        os.fsync(handle.fileno())
    fsync(path.parent)
    return StoredList(size=size, sha256=digest.hexdigest(), blank=blank)


def _blocks(content: bytes | BinaryIO) -> Iterator[bytes]:
    if isinstance(content, bytes | bytearray | memoryview):
        yield bytes(content)
        return
    yield from iter(lambda: content.read(BLOCK), b"")
