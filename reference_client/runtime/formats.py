"""The string formats of ``ajv-formats`` (full mode) that Segment validates, with JS regex rules.

JavaScript's ``\\d`` is ASCII only and ``$`` is the absolute end, hence ``[0-9]`` and ``\\Z``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_IPV4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\Z"
)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_TIME = re.compile(
    r"([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(z|[+-][0-9]{2}(?::?[0-9]{2})?)?\Z", re.I
)
_DATE_TIME_SPLIT = re.compile(r"t|\s", re.I)
_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\Z",
    re.I,
)
_UUID = re.compile(r"(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\Z", re.I)
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def is_date(text: str) -> bool:
    """``YYYY-MM-DD`` with a real month and day (year 0000 allowed)."""
    match = _DATE.match(text)
    if not match:
        return False
    year, month, day = (int(g) for g in match.groups())
    return _date_in_range(year, month, day)


def is_time(text: str) -> bool:
    """``HH:MM:SS[.frac][zone]``; the zone is optional in practice (an upstream quirk)."""
    match = _TIME.match(text)
    if not match:
        return False
    return _time_in_range(int(match[1]), int(match[2]), int(match[3]))


# The usual spelling in one match: no "t" or whitespace can occur inside either part, so a
# match splits exactly as _DATE_TIME_SPLIT would, and the same range checks decide.
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[t ]"
    r"([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(?:z|[+-][0-9]{2}(?::?[0-9]{2})?)?\Z",
    re.I,
)


def _date_in_range(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    return 1 <= day <= (29 if month == 2 and _is_leap(year) else _DAYS[month])


def _time_in_range(hour: int, minute: int, second: int) -> bool:
    return (hour <= 23 and minute <= 59 and second <= 59) or (hour, minute, second) == (23, 59, 60)


# Most timestamps in one match with no number to convert: a day up to 28 exists in every
# month, and hours, minutes and seconds in range; anything else goes on to the checks below.
_DATE_TIME_PLAIN = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])[t ]"
    r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?(?:z|[+-][0-9]{2}(?::?[0-9]{2})?)?\Z",
    re.I,
)


def is_date_time(text: str) -> bool:
    """RFC 3339 date-time as ajv-formats 2.1.1 checks it (``T``, ``t`` or a space separator)."""
    if _DATE_TIME_PLAIN.match(text) is not None:
        return True
    match = _DATE_TIME.match(text)
    if match is not None:
        year, month, day, hour, minute, second = map(int, match.groups())
        return _date_in_range(year, month, day) and _time_in_range(hour, minute, second)
    parts = _DATE_TIME_SPLIT.split(text)
    return len(parts) == 2 and is_date(parts[0]) and is_time(parts[1])


def is_ipv4(text: str) -> bool:
    """Dotted-quad IPv4 (leading zeros accepted)."""
    return _IPV4.match(text) is not None


FORMATS: dict[str, Callable[[str], bool]] = {
    "ipv4": is_ipv4,
    "date-time": is_date_time,
    "date": is_date,
    "time": is_time,
    "email": lambda text: _EMAIL.match(text) is not None,
    "uuid": lambda text: _UUID.match(text) is not None,
    "text": lambda text: True,
    "password": lambda text: True,
}
"""Format name -> checker."""

FORMAT_LABELS: dict[str, str] = {
    "ipv4": "IPv4 address",
    "date-time": "date and time",
    "date": "date",
    "time": "time",
    "email": "email address",
    "uuid": "UUID",
}
"""How ``@segment/ajv-human-errors`` names a format in messages."""
