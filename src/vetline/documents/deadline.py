"""When an agency's hold on a detainer runs out: the custody deadline, by a named rule.

The law does not give one answer, so the rule is configurable and its name is recorded
with every deadline (reference §4.2):

* 8 CFR 287.7(d): the agency "shall maintain custody of the alien for a period not to
  exceed 48 hours, excluding Saturdays, Sundays, and holidays";
* the I-247A (02/17) and ICE Policy 10074.2 ask to hold "for a period not to exceed 48 hours
  beyond the time when he/she would otherwise have been released", with no exclusion.

The plain 48 hours is the default: it is the shorter hold, and a hold beyond it is the harm
the detainer cases were about (§6). With ``exclude_weekends_holidays`` the hours run only
on days that are neither a Saturday, a Sunday nor an observed federal holiday
(``holidays.py``, 5 U.S.C. 6103): a Friday 18:00 release counts 6 hours on Friday, none on
the weekend, 24 on Monday and 18 on Tuesday, so the hold ends Tuesday 18:00.

Elapsed time is always measured in UTC, so a daylight-saving change never adds or removes
an hour. Which calendar day an instant belongs to (is it Saturday yet?) is judged in the
rule's ``calendar_tz``: UTC by default, the holding facility's zone when the caller knows
it (a Los Angeles jail's Friday 18:00 is already Saturday 02:00 in UTC). Pure: no clock.

Edit here: a new rule is a new ``DeadlineRule`` setting, never a change of what an existing
``rule_name`` means (recorded deadlines refer to it).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vetline.documents.holidays import holiday_name
from vetline.errors import BadInput

CITATION_REGULATION = "8 CFR 287.7(d)"
CITATION_FORM = "DHS Form I-247A (02/17); ICE Policy 10074.2"


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """How long an agency may hold a person beyond release, and which days count.

    ``hours``: 48 on the form and in the regulation. ``exclude_weekends_holidays``: the
    regulation's text (8 CFR 287.7(d)) that Saturdays, Sundays and holidays do not count;
    off by default because the current I-247A asks for 48 hours flat. ``calendar_tz``: the
    IANA zone whose calendar decides what is a weekend or holiday (only used with the
    exclusion).
    """

    hours: int = 48
    exclude_weekends_holidays: bool = False
    calendar_tz: str = "UTC"

    def __post_init__(self) -> None:
        if not isinstance(self.hours, int) or isinstance(self.hours, bool) or self.hours <= 0:
            raise BadInput("hours", f"must be a positive whole number of hours, got {self.hours}")
        try:
            ZoneInfo(self.calendar_tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise BadInput("calendar_tz", f"unknown time zone {self.calendar_tz!r}") from None

    @property
    def name(self) -> str:
        """The stable name recorded with each deadline.

        ``HOURS_48``; ``HOURS_48_EXCL_WEEKENDS_HOLIDAYS`` (UTC calendar);
        ``HOURS_48_EXCL_WEEKENDS_HOLIDAYS@America/Chicago`` (a facility's calendar).
        """
        if not self.exclude_weekends_holidays:
            return f"HOURS_{self.hours}"
        zone = "" if self.calendar_tz == "UTC" else f"@{self.calendar_tz}"
        return f"HOURS_{self.hours}_EXCL_WEEKENDS_HOLIDAYS{zone}"


@dataclass(frozen=True, slots=True)
class Deadline:
    """The instant the hold ends (UTC), the rule's name, and a sentence saying why."""

    at: datetime
    rule_name: str
    explanation: str


def excluded_day(day: date) -> str | None:
    """Why ``day`` does not count under the exclusion (its name), or None if it counts."""
    if day.weekday() == calendar.SATURDAY:
        return "Saturday"
    if day.weekday() == calendar.SUNDAY:
        return "Sunday"
    return holiday_name(day)


def custody_deadline(release_at: datetime, rule: DeadlineRule | None = None) -> Deadline:
    """The end of the hold for a person who would otherwise be released at ``release_at``.

    Guarantees (tested as properties): ``at >= release_at + hours``; without the exclusion
    ``at == release_at + hours``; with it, exactly ``hours`` of time on counted days lie
    between ``release_at`` and ``at``, and the instant just before ``at`` is on a counted
    day (so the deadline never falls inside a weekend or holiday; it may be the midnight
    that ends a counted day, which is also the first instant of the next day).
    """
    rule = rule or DeadlineRule()
    if not isinstance(release_at, datetime):
        raise BadInput("release_at", "must be a datetime")
    if release_at.tzinfo is None or release_at.utcoffset() is None:
        raise BadInput("release_at", "must be timezone-aware (UTC), got a naive datetime")
    start = release_at.astimezone(UTC)
    if not rule.exclude_weekends_holidays:
        at = start + timedelta(hours=rule.hours)
        return Deadline(
            at=at,
            rule_name=rule.name,
            explanation=(
                f"{rule.hours} hours beyond release at {_iso(start)}, every day counted "
                f"({CITATION_FORM}): hold ends {_iso(at)}"
            ),
        )
    zone = ZoneInfo(rule.calendar_tz)
    at, skipped = _count_on_working_days(start, timedelta(hours=rule.hours), zone)
    skipped_text = "; ".join(f"{d.isoformat()} {why}" for d, why in skipped) or "none"
    return Deadline(
        at=at,
        rule_name=rule.name,
        explanation=(
            f"{rule.hours} hours beyond release at {_iso(start)}, not counting Saturdays, "
            f"Sundays and federal holidays ({CITATION_REGULATION}; holidays per 5 U.S.C. "
            f"6103; days judged in {rule.calendar_tz}); days not counted: {skipped_text}: "
            f"hold ends {_iso(at)}"
        ),
    )


def calendar_day(t: datetime, zone: ZoneInfo) -> date:
    """The date of instant ``t`` on ``zone``'s calendar."""
    return t.astimezone(zone).date()


def _next_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` ends on ``zone``'s calendar."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def _count_on_working_days(
    start: datetime, remaining: timedelta, zone: ZoneInfo
) -> tuple[datetime, list[tuple[date, str]]]:
    """Walk day by day from ``start``, spending ``remaining`` only on counted days.

    All arithmetic is on UTC instants (Python subtracts two times of one zone by their wall
    clocks, which would gain or lose the daylight-saving hour).
    """
    t = start
    skipped: list[tuple[date, str]] = []
    while True:
        day = calendar_day(t, zone)
        midnight = _next_midnight(day, zone)
        why = excluded_day(day)
        if why is not None:
            skipped.append((day, why))
            t = midnight
            continue
        available = midnight - t
        if available >= remaining:
            return t + remaining, skipped
        remaining -= available
        t = midnight


def _iso(t: datetime) -> str:
    if t.second == 0 and t.microsecond == 0:
        return t.strftime("%Y-%m-%dT%H:%MZ")
    return t.isoformat()
