"""U.S. federal holidays as observed, computed from 5 U.S.C. 6103 (no hand-kept list).

Why computed: a table typed by hand goes wrong silently on the observed-day shifts (a
Saturday holiday is observed the Friday before, a Sunday one the Monday after, 5 U.S.C.
6103(b) and Executive Order 11582), and stops at its last year. The rules are few:

* fixed dates: New Year's Day (Jan 1), Juneteenth (Jun 19, from 2021: Pub. L. 117-17),
  Independence Day (Jul 4), Veterans Day (Nov 11), Christmas (Dec 25);
* Monday holidays (Uniform Monday Holiday Act, from 1971): Birthday of Martin Luther King,
  Jr. (3rd Monday of January, from 1986), Washington's Birthday (3rd Monday of February),
  Memorial Day (last Monday of May), Labor Day (1st Monday of September), Columbus Day
  (2nd Monday of October); Thanksgiving (4th Thursday of November).

Not included, on purpose: Inauguration Day (6103(c) covers only employees in the D.C. area)
and one-off closures by executive order (e.g. Dec 24 2024), which are not holidays under
6103(a). A year before 1986 is refused rather than answered with today's list.

Edit here: a new holiday enacted by Congress goes in ``_fixed`` or ``_floating`` with its
first year and public law.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

from vetline.errors import BadInput

#: The first year the computation is right for (MLK Day first observed in 1986).
FIRST_YEAR = 1986


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` (Monday=0) of a month; n=-1 is the last one."""
    days = [
        date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    return days[n if n < 0 else n - 1]


def _fixed(year: int) -> list[tuple[date, str]]:
    """The fixed-date holidays on their actual (not observed) dates."""
    out = [
        (date(year, 1, 1), "New Year's Day"),
        (date(year, 7, 4), "Independence Day"),
        (date(year, 11, 11), "Veterans Day"),
        (date(year, 12, 25), "Christmas Day"),
    ]
    if year >= 2021:  # Juneteenth National Independence Day Act, Pub. L. 117-17
        out.append((date(year, 6, 19), "Juneteenth National Independence Day"))
    return out


def _floating(year: int) -> list[tuple[date, str]]:
    mon, thu = calendar.MONDAY, calendar.THURSDAY
    return [
        (_nth_weekday(year, 1, mon, 3), "Birthday of Martin Luther King, Jr."),
        (_nth_weekday(year, 2, mon, 3), "Washington's Birthday"),
        (_nth_weekday(year, 5, mon, -1), "Memorial Day"),
        (_nth_weekday(year, 9, mon, 1), "Labor Day"),
        (_nth_weekday(year, 10, mon, 2), "Columbus Day"),
        (_nth_weekday(year, 11, thu, 4), "Thanksgiving Day"),
    ]


def _observed(day: date) -> date:
    """5 U.S.C. 6103(b): Saturday → the Friday before, Sunday → the Monday after."""
    if day.weekday() == calendar.SATURDAY:
        return day - timedelta(days=1)
    if day.weekday() == calendar.SUNDAY:
        return day + timedelta(days=1)
    return day


def federal_holidays(year: int) -> Mapping[date, str]:
    """The observed federal holidays that fall in ``year``, date → name, in date order.

    A holiday observed in another year is listed in the year it is observed: New Year's Day
    2022 (a Saturday) was observed on Friday Dec 31 2021, so it is in 2021's list. Names of
    observed days say so ("Independence Day (observed)").
    """
    if not isinstance(year, int) or isinstance(year, bool) or year < FIRST_YEAR:
        raise BadInput("year", f"federal holidays are computed from {FIRST_YEAR} on, got {year}")
    return _computed(year)


@cache
def _computed(year: int) -> Mapping[date, str]:
    """Cached per year, read-only (a caller must not change the shared table)."""
    found: dict[date, str] = {}
    for y in (year - 1, year, year + 1):  # an observed day may cross the year boundary
        if y < FIRST_YEAR:
            continue
        for actual, name in _fixed(y):
            observed = _observed(actual)
            if observed.year == year:
                found[observed] = name if observed == actual else f"{name} (observed)"
        if y == year:
            for day, name in _floating(y):
                found[day] = name
    return MappingProxyType(dict(sorted(found.items())))


def holiday_name(day: date) -> str | None:
    """The observed federal holiday on ``day``, or None."""
    return federal_holidays(day.year).get(day)
