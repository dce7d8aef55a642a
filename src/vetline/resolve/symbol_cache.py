"""Given-name symbols from the name library, computed once per name and kept.

Why: rigour's name tagger (``standardise.given_symbols``) builds its tables on first use,
8-15 s on this machine with the GIL held throughout — most of a small build's
standardisation, and a frozen progress display meanwhile. So:

* ``<data>/model/given_symbols.json`` keeps every given name's symbols a build computed,
  stamped with the versions of rigour and nicknames that computed them (another version:
  ignored, recomputed). The next build of the folder needs the library only for names it
  has not seen.
* :class:`SymbolWorker` computes the missing names in a child process: the build's own
  process keeps the GIL, so its progress moves per chunk of names; ``vetline demo``
  starts the worker before synthesising, so the library loads while the world is made.
* Without a worker (library use in tests, ``bench``) the names are computed in-process,
  where the loaded library stays for the process's next builds.

The symbols are the same either way (the same function computes them); the index keeps
them for the real-time resolver (``RecordIndex.symbols``), which is why a query with a
name seen at build time never loads the library.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from vetline.progress import ProgressFn, no_progress
from vetline.resolve import layout
from vetline.resolve.standardise import given_symbols, is_known, remember_symbols

CACHE_FILE = "given_symbols.json"
STAGE = "name symbols"
#: Names per request to the worker: each answer moves the progress bar.
CHUNK = 250

Table = dict[str, tuple[str, ...]]


def library_versions() -> dict[str, str]:
    """The versions of the name libraries whose output the cache holds."""
    out = {}
    for name in ("rigour", "nicknames"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - both are dependencies
            out[name] = "unknown"
    return out


def cache_path(data_dir: Path) -> Path:
    return layout.model_file(data_dir).parent / CACHE_FILE


def load(data_dir: Path) -> Table:
    """The cached symbols of a data folder (empty when absent, unreadable or stale)."""
    path = cache_path(data_dir)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("library") != library_versions():
        return {}
    symbols = stored.get("symbols")
    if not isinstance(symbols, dict):
        return {}
    return {str(k): tuple(str(s) for s in v) for k, v in symbols.items() if isinstance(v, list)}


def save(data_dir: Path, table: Table) -> None:
    """Write the cache (atomically: a reader sees the old file or the new one)."""
    path = cache_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "library": library_versions(),
        "symbols": {k: list(v) for k, v in sorted(table.items())},
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)


def _serve(conn: Connection) -> None:
    """The worker process: load the library, then answer lists of names until ``None``."""
    given_symbols.cache_clear()
    given_symbols("JOHN")  # builds the tagger now, while the parent does other work
    while True:
        names = conn.recv()
        if names is None:
            break
        conn.send({n: given_symbols(n) for n in names})
    conn.close()


class SymbolWorker:
    """A child process holding the name library (see the module docstring)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")  # no copy of the parent's threads
        self._conn, child = context.Pipe()
        self._process: Any = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()

    def compute(self, names: list[str], progress: ProgressFn = no_progress) -> Table:
        """Symbols of ``names``, a chunk at a time (progress per chunk)."""
        out: Table = {}
        progress(STAGE, 0, len(names))
        for start in range(0, len(names), CHUNK):
            self._conn.send(names[start : start + CHUNK])
            answer = self._conn.recv()
            out.update({str(k): tuple(v) for k, v in answer.items()})
            progress(STAGE, len(out), len(names))
        return out

    def close(self) -> None:
        """Stop the worker (idempotent)."""
        if self._process.is_alive():
            with contextlib.suppress(OSError):  # already gone
                self._conn.send(None)
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()
        self._conn.close()


def prime(
    data_dir: Path,
    names: Iterable[str],
    worker: SymbolWorker | None = None,
    progress: ProgressFn = no_progress,
) -> int:
    """Make the symbols of ``names`` known to ``standardise`` before a build standardises:
    from the folder's cache, then the worker (or in-process). Returns how many names had
    to be computed."""
    remember_symbols(load(data_dir))
    missing = sorted({n for n in names if n and not is_known(n)})
    if not missing:
        progress(STAGE, 1, 1)
        return 0
    if worker is not None:
        remember_symbols(worker.compute(missing, progress))
    else:
        progress(STAGE, 0, len(missing))
        for done, name in enumerate(missing, start=1):
            remember_symbols({name: given_symbols(name)})
            if done % CHUNK == 0 or done == len(missing):
                progress(STAGE, done, len(missing))
    return len(missing)
