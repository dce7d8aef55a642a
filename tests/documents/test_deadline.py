"""The custody deadline under both rules, table-driven, and the properties it guarantees."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vetline.documents import DeadlineRule, custody_deadline, excluded_day
from vetline.errors import BadInput

FLAT = DeadlineRule()
EXCL = DeadlineRule(exclude_weekends_holidays=True)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


# (what, release, rule, expected end, days the explanation must name as not counted)
CASES = [
    ("Thursday, flat", utc(2026, 3, 5, 18), FLAT, utc(2026, 3, 7, 18), []),
    ("Friday, flat: the weekend counts", utc(2026, 3, 6, 18), FLAT, utc(2026, 3, 8, 18), []),
    (
        "Friday 18:00, exclusion: 6 h Fri + 24 h Mon + 18 h Tue",
        utc(2026, 3, 6, 18),
        EXCL,
        utc(2026, 3, 10, 18),
        ["2026-03-07 Saturday", "2026-03-08 Sunday"],
    ),
    (
        "Friday before Memorial Day (holiday Monday)",
        utc(2026, 5, 22, 18),
        EXCL,
        utc(2026, 5, 27, 18),
        ["2026-05-23 Saturday", "2026-05-24 Sunday", "2026-05-25 Memorial Day"],
    ),
    (
        "Thursday before Independence Day observed on Friday 2026-07-03",
        utc(2026, 7, 2, 18),
        EXCL,
        utc(2026, 7, 7, 18),
        ["2026-07-03 Independence Day (observed)"],
    ),
    (
        "Christmas 2027 observed on Friday Dec 24",
        utc(2027, 12, 23, 12),
        EXCL,
        utc(2027, 12, 28, 12),
        ["2027-12-24 Christmas Day (observed)", "2027-12-25 Saturday", "2027-12-26 Sunday"],
    ),
    (
        "released on a Saturday: the clock starts Monday 00:00, ends at Tuesday's midnight",
        utc(2026, 3, 7, 10),
        EXCL,
        utc(2026, 3, 11, 0),
        ["2026-03-07 Saturday", "2026-03-08 Sunday"],
    ),
    (
        "released at Friday 00:00: all of Friday and Monday",
        utc(2026, 3, 6, 0),
        EXCL,
        utc(2026, 3, 10, 0),
        ["2026-03-07 Saturday"],
    ),
    ("a 24-hour rule", utc(2026, 3, 6, 18), DeadlineRule(hours=24), utc(2026, 3, 7, 18), []),
    (
        "a 24-hour rule with exclusion",
        utc(2026, 3, 6, 18),
        DeadlineRule(hours=24, exclude_weekends_holidays=True),
        utc(2026, 3, 9, 18),
        ["2026-03-07 Saturday"],
    ),
]


@pytest.mark.parametrize(
    ("release", "rule", "expected", "skipped"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_deadline_table(
    release: datetime, rule: DeadlineRule, expected: datetime, skipped: list[str]
) -> None:
    deadline = custody_deadline(release, rule)
    assert deadline.at == expected
    assert deadline.at.tzinfo is UTC
    assert deadline.rule_name == rule.name
    assert expected.strftime("%Y-%m-%dT%H:%MZ") in deadline.explanation
    for day in skipped:
        assert day in deadline.explanation
    if rule.exclude_weekends_holidays:
        assert "8 CFR 287.7(d)" in deadline.explanation
    else:
        assert "I-247A" in deadline.explanation


def test_rule_names_are_stable() -> None:
    assert FLAT.name == "HOURS_48"
    assert EXCL.name == "HOURS_48_EXCL_WEEKENDS_HOLIDAYS"
    assert custody_deadline(utc(2026, 3, 6, 18)).rule_name == "HOURS_48"  # the default rule


def test_daylight_saving_never_adds_or_removes_an_hour() -> None:
    """US clocks spring forward on 2026-03-08; 48 hours are 48 elapsed hours."""
    release = datetime(2026, 3, 7, 20, tzinfo=ZoneInfo("America/New_York"))  # 01:00Z on 03-08
    deadline = custody_deadline(release, FLAT)
    assert deadline.at == utc(2026, 3, 10, 1)
    assert deadline.at - release == timedelta(hours=48)


def test_naive_datetimes_are_refused_naming_the_field() -> None:
    with pytest.raises(BadInput) as err:
        custody_deadline(datetime(2026, 3, 6, 18), FLAT)  # naive on purpose
    assert err.value.field == "release_at"
    assert "naive" in err.value.problem


@pytest.mark.parametrize("hours", [0, -48])
def test_a_rule_needs_positive_hours(hours: int) -> None:
    with pytest.raises(BadInput) as err:
        DeadlineRule(hours=hours)
    assert err.value.field == "hours"


def _counted(start: datetime, end: datetime, zone: ZoneInfo) -> timedelta:
    """Time between two instants that falls on counted days of ``zone``'s calendar: an
    independent day-by-day sum over local days, not the walk the module uses."""

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)

    total = timedelta()
    day = start.astimezone(zone).date()
    while midnight(day) < end:
        lo, hi = max(start, midnight(day)), min(end, midnight(day + timedelta(days=1)))
        if excluded_day(day) is None and hi > lo:
            total += hi - lo
        day += timedelta(days=1)
    return total


RELEASES = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 20), timezones=st.just(UTC)
)
ZONES = st.sampled_from(["UTC", "America/Los_Angeles", "America/New_York", "Pacific/Guam"])


@settings(max_examples=300, deadline=None)
@given(release=RELEASES, hours=st.integers(1, 120), exclude=st.booleans(), tz=ZONES)
def test_deadline_properties(release: datetime, hours: int, exclude: bool, tz: str) -> None:
    """What the rule guarantees, for any release time and calendar zone:

    * the hold is never shorter than the rule's hours: ``at >= release + hours``;
    * without the exclusion it is exactly that (the zone plays no part);
    * with it, exactly ``hours`` of time on counted days (of the zone's calendar) lie
      between release and the end, and the instant just before the end is on a counted
      day: the deadline never falls inside a Saturday, Sunday or federal holiday (it may be
      the midnight closing a counted day, the same instant as the start of the next day).
    """
    rule = DeadlineRule(hours=hours, exclude_weekends_holidays=exclude, calendar_tz=tz)
    at = custody_deadline(release, rule).at
    assert at >= release + timedelta(hours=hours)
    if not exclude:
        assert at == release + timedelta(hours=hours)
    else:
        zone = ZoneInfo(tz)
        assert _counted(release, at, zone) == timedelta(hours=hours)
        last = (at - timedelta(microseconds=1)).astimezone(zone).date()
        assert excluded_day(last) is None


def test_a_facility_calendar_decides_what_is_saturday() -> None:
    """A Los Angeles jail's Friday 18:00 is Saturday 02:00 UTC: on the jail's calendar
    Friday still counts 6 hours, and Tuesday 18:00 local is after the spring-forward."""
    la = ZoneInfo("America/Los_Angeles")
    release = datetime(2026, 3, 6, 18, tzinfo=la)
    local = DeadlineRule(exclude_weekends_holidays=True, calendar_tz="America/Los_Angeles")
    deadline = custody_deadline(release, local)
    assert deadline.at == datetime(2026, 3, 10, 18, tzinfo=la)
    assert deadline.at == utc(2026, 3, 11, 1)
    assert deadline.rule_name == "HOURS_48_EXCL_WEEKENDS_HOLIDAYS@America/Los_Angeles"
    assert "days judged in America/Los_Angeles" in deadline.explanation
    # On the UTC calendar the same release starts on a Saturday: a different answer,
    # which is why the rule's name carries the zone.
    assert custody_deadline(release, EXCL).at == utc(2026, 3, 11, 0)


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(BadInput) as err:
        DeadlineRule(exclude_weekends_holidays=True, calendar_tz="Mars/Olympus")
    assert err.value.field == "calendar_tz"


def test_excluded_day_names_the_reason() -> None:
    assert excluded_day(date(2026, 3, 7)) == "Saturday"
    assert excluded_day(date(2026, 3, 8)) == "Sunday"
    assert excluded_day(date(2026, 11, 26)) == "Thanksgiving Day"
    assert excluded_day(date(2026, 3, 9)) is None
