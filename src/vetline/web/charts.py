"""Dashboard charts: Vega-Lite specs built with Altair, rendered to SVG on the server.

Why server-side SVG (``vl-convert-python``) and not a vendored vega-embed, measured
(bench/README.md, "web"): the browser bundle (vega 5.33 + vega-lite 5.23 + vega-embed
6.29) is 828 KB minified (278 KB gzipped) — past the 300 KB page budget before any data —
and vega's expression evaluator builds code with ``new Function``, which needs
``'unsafe-eval'`` in the CSP (or the slower interpreter build). An SVG is 6-20 KB, needs
no script at all, prints, and works on a locked-down wall screen.

Its cost is server time: one chart takes 80-400 ms to render on this (shared) machine,
far over the 50 ms page budget. So rendered SVGs are kept by chart slot and
spec hash: an unchanged chart is served from memory; a changed one is re-rendered by one
background thread while the page shows the previous drawing, marked with the time it was
drawn. The numbers table beside each chart is always computed for the request, so what
the page states is never stale — only a picture may lag by one refresh.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import json
import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_log = logging.getLogger("vetline.web.charts")

CHART_WIDTH = 520
CHART_HEIGHT = 180


@dataclass(frozen=True)
class Drawing:
    """An SVG (as the page's ``data:`` URI, encoded once when drawn) and when it was
    drawn; ``stale`` when newer numbers are being drawn."""

    uri: str
    drawn_at: str
    stale: bool


class ChartCache:
    """Last drawing per chart slot; redraws changed specs on one background thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: dict[str, tuple[str, str, str]] = {}  # slot → (hash, svg, drawn_at)
        self._pending: set[str] = set()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vetline-charts")

    def drawing(self, slot: str, spec: dict[str, Any]) -> Drawing:
        """The drawing of ``spec`` for ``slot``, or the slot's previous one while redrawn."""
        text = json.dumps(spec, sort_keys=True, default=str)
        digest = hashlib.sha256(text.encode()).hexdigest()
        with self._lock:
            done = self._done.get(slot)
            if done is not None and done[0] == digest:
                return Drawing(done[1], done[2], stale=False)
            if done is not None:
                if digest not in self._pending:
                    self._pending.add(digest)
                    self._pool.submit(self._draw, slot, digest, text)
                return Drawing(done[1], done[2], stale=True)
        self._draw(slot, digest, text)  # the first drawing of a slot: wait for it
        with self._lock:
            found = self._done[slot]
        return Drawing(found[1], found[2], stale=False)

    def _draw(self, slot: str, digest: str, text: str) -> None:
        svg = to_svg(json.loads(text))
        svg = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode()
        with self._lock:
            self._done[slot] = (digest, svg, datetime.now(UTC).strftime("%H:%M:%SZ"))
            self._pending.discard(digest)


def to_svg(spec: dict[str, Any]) -> str:
    """One Vega-Lite spec as SVG (vl-convert's bundled engine; no browser, no network)."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(spec))


def warm_up(attempts: int = 3, pause: float = 2.0) -> None:
    """Pay vl-convert's start-up (about two seconds) before the first dashboard.

    It runs in a thread while the server's main thread loads the desk, and both import
    pandas (altair reads it while validating): when the two imports meet, Python's
    deadlock avoidance hands this thread a half-initialised pandas (``AttributeError``).
    Nothing is wrong then but the timing, so the warm-up waits and tries again; a
    warm-up that never succeeds only leaves the first dashboard to pay the start-up.
    """
    for attempt in range(1, attempts + 1):
        try:
            to_svg(bar([{"label": "warm", "value": 1}], "label", "value", "warm-up"))
            return
        except (AttributeError, ImportError) as exc:
            if attempt == attempts:
                _log.warning("chart warm-up skipped (%s); the first chart pays it", exc)
                return
            time.sleep(pause)


def bar(rows: Sequence[dict[str, Any]], x: str, y: str, title: str, *,
        x_title: str | None = None, y_title: str | None = None,
        rule: float | None = None, rule_label: str = "") -> dict[str, Any]:  # fmt: skip
    """A bar chart spec (optionally with a horizontal rule: a clock, a target).

    The chart is designed once with Altair per shape (cached: building it takes tens of
    milliseconds) over named data sets; each request only puts its numbers in.
    """
    spec = copy.deepcopy(_bar_design(x, y, title, x_title or x, y_title or y, rule is not None))
    spec["datasets"] = {"table": list(rows) or [{x: "none", y: 0}]}
    if rule is not None:
        spec["datasets"]["rule"] = [{"at": rule, "label": rule_label}]
    return spec


@functools.cache
def _bar_design(x: str, y: str, title: str, x_title: str, y_title: str, ruled: bool
                ) -> dict[str, Any]:  # fmt: skip
    import altair as alt

    chart = (
        alt.Chart(alt.NamedData("table"), title=title)
        .mark_bar(color="#1f4e79")
        .encode(
            x=alt.X(f"{x}:N", title=x_title, sort=None),
            y=alt.Y(f"{y}:Q", title=y_title),
            tooltip=[alt.Tooltip(f"{x}:N"), alt.Tooltip(f"{y}:Q")],
        )
        .properties(width=CHART_WIDTH, height=CHART_HEIGHT)
    )
    if not ruled:
        return dict(chart.to_dict())
    line = alt.Chart(alt.NamedData("rule"))
    ruler = line.mark_rule(color="#b00020", strokeDash=[4, 3]).encode(y="at:Q")
    text = line.mark_text(align="left", dx=4, dy=-6, color="#b00020").encode(
        y="at:Q", text="label:N"
    )
    return dict((chart + ruler + text).to_dict())
