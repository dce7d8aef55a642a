"""Which build of the person index a process holds, and noticing a newer one on disk.

``vetline build`` and ``vetline update`` write a new index folder under a temporary name
and rename it into place last (after persons and links), so a new ``index/index.json``
— a new file: a new inode and modification time — marks a complete new generation. A
running server polls that stamp (one ``stat`` a second) and, when it changes, loads the
new generation beside the old one and swaps it in (``GenerationWatch``); queries in
flight keep the generation they started with. No restart, no admin call.

Edit here: the stamp (``stamp``), the poll interval (``POLL_SECONDS``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from vetline.resolve import layout

POLL_SECONDS = 1.0
log = logging.getLogger("vetline.resolve.generation")

Stamp = tuple[int, int, int]


def stamp(data_dir: Path) -> Stamp | None:
    """The index generation on disk (inode, mtime, size of ``index.json``); None: none."""
    try:
        st = (layout.index_dir(data_dir) / "index.json").stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class GenerationWatch:
    """A daemon thread calling ``reload`` once for each new generation it sees.

    ``seen``: the generation the caller already holds (take the stamp *before* loading,
    so a generation written during the load is not missed). A failed reload keeps the
    old generation serving, is logged with its reason and kept in ``last_error`` (and
    the next generation is tried again); ``reloads`` counts the successful ones.
    """

    def __init__(
        self,
        data_dir: Path,
        reload: Callable[[], None],
        seen: Stamp | None,
        interval: float = POLL_SECONDS,
    ) -> None:
        self.data_dir = data_dir
        self.reload = reload
        self.seen = seen
        self.interval = interval
        self.reloads = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-watch", daemon=True)

    def start(self) -> GenerationWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def check(self) -> bool:
        """Reload if the generation on disk is new; whether a reload happened."""
        now = stamp(self.data_dir)
        if now is None or now == self.seen:
            return False
        self.seen = now
        try:
            self.reload()
        except Exception as exc:  # the old generation keeps serving
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.error("index reload failed, still serving the previous one: %s", exc)
            return False
        self.reloads += 1
        self.last_error = None
        log.info("index reloaded (generation %s)", now)
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()
