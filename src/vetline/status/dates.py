"""Partial dates as spans, so that every comparison can choose its safe side.

Records carry full (``1985-03-02``) or partial (``1985-03``, ``1985``) dates. A partial
date is the span of days it may mean. A rule that would move a person *towards*
enforcement must hold for every day of the span (``certainly_before``); a rule that
protects a person may hold for any day of it (``possibly_before``). Pure, no clock.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from vetline.errors import BadInput


@dataclass(frozen=True, slots=True)
class DateSpan:
    """The first and last day a recorded (possibly partial) date may mean."""

    lo: date
    hi: date
    text: str

    @property
    def partial(self) -> bool:
        return self.lo != self.hi

    def certainly_before(self, other: DateSpan | date) -> bool:
        """True when every day of this span is before every day of ``other``."""
        return self.hi < (other.lo if isinstance(other, DateSpan) else other)

    def possibly_before(self, other: DateSpan | date) -> bool:
        """True when some day of this span is before some day of ``other``."""
        return self.lo < (other.hi if isinstance(other, DateSpan) else other)

    def add_years(self, years: int) -> DateSpan:
        """The span shifted by whole years (29 February becomes 28 February)."""
        return DateSpan(_add_years(self.lo, years), _add_years(self.hi, years), self.text)

    def __str__(self) -> str:
        return self.text


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a non-leap year
        return d.replace(year=d.year + years, day=28)


@lru_cache(maxsize=65536)
def _parse(text: str) -> DateSpan | None:
    parts = text.split("-")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            d = date(int(parts[0]), int(parts[1]), int(parts[2][:2]))
            if len(parts[2]) > 2 and parts[2][2] not in "T ":
                return None
            return DateSpan(d, d, d.isoformat())
        if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
            y, m = int(parts[0]), int(parts[1])
            last = calendar.monthrange(y, m)[1]
            return DateSpan(date(y, m, 1), date(y, m, last), text)
        if len(parts) == 1 and len(text) == 4 and text.isdigit():
            y = int(text)
            return DateSpan(date(y, 1, 1), date(y, 12, 31), text)
    except ValueError:
        return None
    return None


#: Recorded date texts already parsed, as given (the store's strings): the span each
#: means. A batch job types hundreds of thousands of records; the checks below cost more
#: than the parse they guard. Bounded: emptied when full.
_SPANS: dict[str, DateSpan] = {}
_SPANS_SIZE = 262_144


def parse_span_at(value: object, where: str, key: str) -> DateSpan | None:
    """``parse_span(value, f"{where}.{key}")``, the field's name written only when needed."""
    if value is None:
        return None
    if type(value) is str:
        span = _SPANS.get(value)
        if span is not None:
            return span
    return parse_span(value, f"{where}.{key}")


def parse_span(value: object, field: str) -> DateSpan | None:
    """Parse a recorded date (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or a ``date``).

    Blank means unknown (``None``); anything else that is not a date is bad input, named
    by ``field``, because guessing a date could move a person across a legal deadline.
    """
    if value is None:
        return None
    if type(value) is str:
        known = _SPANS.get(value)
        if known is not None:
            return known
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return DateSpan(value, value, value.isoformat())
    text = str(value).strip()
    if not text or text.lower() in {"nan", "nat", "none"}:
        return None
    span = _parse(text)
    if span is None:
        raise BadInput(field, f"not a date (YYYY-MM-DD, YYYY-MM or YYYY): {text!r}")
    if type(value) is str:
        if len(_SPANS) >= _SPANS_SIZE:
            _SPANS.clear()
        _SPANS[value] = span
    return span


def on(d: DateSpan | None) -> str:
    """A recorded date for a sentence, saying so when there is none."""
    return d.text if d is not None else "(date not recorded)"
