"""Times as archivists type them, and as we print them so they can be typed back.

The index keeps microseconds, so a printed time must carry them too: two captures of a URL
within one second are told apart by ``2025-01-01T12:00:00.000100Z`` and ``...900000Z`` (or
the 20-digit ``20250101120000000100``), never by a 14-digit Wayback timestamp alone.

A typed time names a span as wide as its precision: ``20250101120000`` (or
``2025-01-01T12:00:00``) is the whole second, ``2025-01-01`` the whole day, ``2025`` the whole
year. "The version at or before TIME" therefore includes every capture inside that span, so a
14-digit timestamp copied from a CDXJ line or a Memento URL finds the capture it came from.
Times without a zone are UTC, as WARC and Wayback times are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

_DIGITS = re.compile(r"[0-9]+")
# (digits typed, the step a span of that precision covers); beyond 14 digits: fractions.
_DIGIT_SPANS = {4: "year", 6: "month", 8: timedelta(days=1), 10: timedelta(hours=1),
                12: timedelta(minutes=1), 14: timedelta(seconds=1)}
_ISO_FRACTION = re.compile(r"[T ]\d{2}:\d{2}:\d{2}[.,](\d+)")
_ISO_SECONDS = re.compile(r"[T ]\d{2}:\d{2}:\d{2}")
_ISO_MINUTES = re.compile(r"[T ]\d{2}:\d{2}")
_ISO_HOURS = re.compile(r"[T ]\d{2}(?![:\d])")

TIME_HELP = ("ISO 8601 (2025-01-01T12:00:00.123456Z, +08:00 offsets allowed; no zone = UTC) "
             "or a 4-20 digit timestamp (20250101120000, 20250101120000123456). A time covers "
             "its whole precision: 20250101120000 is the whole second.")


class BadTime(ValueError):
    """A time we cannot read; the message says which forms we accept."""


@dataclass(frozen=True)
class TimeSpan:
    """A typed time: ``start`` and the last microsecond it covers, both naive UTC."""

    text: str
    start: datetime
    end: datetime


def parse_time(text: str) -> TimeSpan:
    value = text.strip()
    try:
        return _digit_span(value) if _DIGITS.fullmatch(value) else _iso_span(value)
    except (ValueError, OverflowError):
        raise BadTime(f"cannot read the time {text!r}; expected {TIME_HELP}") from None


def _digit_span(value: str) -> TimeSpan:
    if len(value) not in (*_DIGIT_SPANS, *range(15, 21)):
        raise BadTime(f"{len(value)} digits")
    padded = value[:14].ljust(14, "0")
    if len(value) < 8:  # year or year+month: no day digits to pad with zeros
        padded = (value + "01" * ((8 - len(value)) // 2)).ljust(14, "0")
    start = datetime.strptime(padded, "%Y%m%d%H%M%S")
    if len(value) > 14:
        fraction = value[14:]
        start = start.replace(microsecond=int(fraction.ljust(6, "0")))
        step: timedelta | str = timedelta(microseconds=10 ** (6 - len(fraction)))
    else:
        step = _DIGIT_SPANS[len(value)]
    return TimeSpan(value, start, _end(start, step))


def _iso_span(value: str) -> TimeSpan:
    month_only = re.fullmatch(r"\d{4}-\d{2}", value) is not None  # 3.11 wants a day
    moment = datetime.fromisoformat(value + "-01" if month_only else value.replace("z", "Z"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    step: timedelta | str
    if fraction := _ISO_FRACTION.search(value):
        step = timedelta(microseconds=10 ** max(0, 6 - len(fraction.group(1))))
    elif _ISO_SECONDS.search(value):
        step = timedelta(seconds=1)
    elif _ISO_MINUTES.search(value):
        step = timedelta(minutes=1)
    elif _ISO_HOURS.search(value):
        step = timedelta(hours=1)
    elif month_only:
        step = "month"
    else:
        step = timedelta(days=1)
    return TimeSpan(value, moment, _end(moment, step))


def _end(start: datetime, step: timedelta | str) -> datetime:
    if step == "year":
        following = start.replace(year=start.year + 1)
    elif step == "month":
        following = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    else:
        assert isinstance(step, timedelta)
        following = start + step
    return following - timedelta(microseconds=1)


def iso(moment: datetime) -> str:
    """The one form every command, export and API prints times in: ISO 8601, UTC, ``Z``,
    always with microseconds, so a printed capture time selects exactly that capture.

    Naive times are UTC (as the database keeps them); aware ones are converted."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def timestamp14(moment: datetime) -> str:
    """The Wayback/CDXJ form: second resolution."""
    return moment.strftime("%Y%m%d%H%M%S")


def timestamp20(moment: datetime) -> str:
    """The 14-digit form plus microseconds: exact, and still sorts as text."""
    return moment.strftime("%Y%m%d%H%M%S%f")
