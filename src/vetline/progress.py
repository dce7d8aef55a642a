"""A progress callback that keeps services free of any terminal library.

Services report ``(stage, done, total)``; the CLI draws Rich progress bars from it, tests
pass nothing.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The default callback: report nothing."""
