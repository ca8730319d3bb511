"""Ruby's `Time#strftime`, which is what Braze's `date` filter runs.

Python's `strftime` hands most directives to the C library, so `%-d`, `%e`, `%s`, `%P` or
`%L` vary by platform, and `%s` ignores the datetime's zone. This module formats every
directive itself, with Ruby's meaning, English names and flags:

* flags `-` (no padding), `_` (pad with spaces), `0` (pad with zeros), `^` (upper case),
  `#` (swap case), then an optional minimum width: `%-d`, `%_m`, `%^b`, `%10A`, `%3N`;
* `%:z` / `%::z` for `+hh:mm` / `+hh:mm:ss`;
* an unknown directive is copied literally, as Ruby does.

Ruby's times reach far beyond Python's year 9999 (a millisecond timestamp read as seconds
lands in year 53392). The Gregorian calendar repeats every 400 years, weekdays included,
so such a time is formatted as the same moment some 400-year cycles earlier, with
`years` added back to the directives that print the year or the epoch seconds.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

_DIRECTIVE = re.compile(r"%([-_0^#]*)(\d*)(:{1,2}z|[A-Za-z%+])")

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

#: Directives that stand for a longer format.
_COMPOSITE = {
    "c": "%a %b %e %H:%M:%S %Y",
    "D": "%m/%d/%y",
    "x": "%m/%d/%y",
    "F": "%Y-%m-%d",
    "T": "%H:%M:%S",
    "X": "%H:%M:%S",
    "R": "%H:%M",
    "r": "%I:%M:%S %p",
    "v": "%e-%^b-%4Y",
}


def _hour12(moment: dt.datetime) -> int:
    return (moment.hour % 12) or 12


def _sunday_week(moment: dt.datetime) -> int:
    yday = moment.timetuple().tm_yday - 1
    weekday_from_sunday = (moment.weekday() + 1) % 7
    return (yday + 7 - weekday_from_sunday) // 7


def _monday_week(moment: dt.datetime) -> int:
    yday = moment.timetuple().tm_yday - 1
    return (yday + 7 - moment.weekday()) // 7


def epoch_seconds(moment: dt.datetime) -> int:
    """Whole seconds since 1970-01-01 UTC, rounded down like Ruby's `Time#to_i`."""
    return calendar.timegm(moment.utctimetuple())


#: Numeric directives: value, default width, default padding character.
_NUMERIC: dict[str, tuple[Callable[[dt.datetime], int], int, str]] = {
    "Y": (lambda m: m.year, 4, "0"),
    "C": (lambda m: m.year // 100, 2, "0"),
    "y": (lambda m: m.year % 100, 2, "0"),
    "m": (lambda m: m.month, 2, "0"),
    "d": (lambda m: m.day, 2, "0"),
    "e": (lambda m: m.day, 2, " "),
    "j": (lambda m: m.timetuple().tm_yday, 3, "0"),
    "H": (lambda m: m.hour, 2, "0"),
    "k": (lambda m: m.hour, 2, " "),
    "I": (_hour12, 2, "0"),
    "l": (_hour12, 2, " "),
    "M": (lambda m: m.minute, 2, "0"),
    "S": (lambda m: m.second, 2, "0"),
    "u": (lambda m: m.isoweekday(), 1, "0"),
    "w": (lambda m: m.isoweekday() % 7, 1, "0"),
    "G": (lambda m: m.isocalendar()[0], 4, "0"),
    "g": (lambda m: m.isocalendar()[0] % 100, 2, "0"),
    "V": (lambda m: m.isocalendar()[1], 2, "0"),
    "U": (_sunday_week, 2, "0"),
    "W": (_monday_week, 2, "0"),
    "s": (epoch_seconds, 1, "0"),
}

#: Text directives.
_TEXT: dict[str, Callable[[dt.datetime], str]] = {
    "A": lambda m: _DAYS[m.weekday()],
    "a": lambda m: _DAYS[m.weekday()][:3],
    "B": lambda m: _MONTHS[m.month - 1],
    "b": lambda m: _MONTHS[m.month - 1][:3],
    "h": lambda m: _MONTHS[m.month - 1][:3],
    "p": lambda m: "AM" if m.hour < 12 else "PM",
    "P": lambda m: "am" if m.hour < 12 else "pm",
    "Z": lambda m: m.tzname() or "",
    "n": lambda m: "\n",
    "t": lambda m: "\t",
    "%": lambda m: "%",
}


#: One Gregorian cycle: 400 years, 146097 days (a whole number of weeks).
CYCLE_YEARS = 400
CYCLE_SECONDS = 146097 * 86400
#: Directives whose value moves with the year, and by how much per 400-year cycle.
_PER_CYCLE = {"Y": 400, "C": 4, "y": 0, "G": 400, "g": 0, "s": CYCLE_SECONDS,
              "Q": CYCLE_SECONDS * 1000}  # fmt: skip


def ruby_strftime(moment: dt.datetime, fmt: str, *, cycles: int = 0) -> str:
    """Format `moment` with a Ruby strftime format string.

    `cycles`: the time to format is `moment` plus that many 400-year cycles (see above).
    """
    return _DIRECTIVE.sub(lambda match: _expand(moment, match, cycles), fmt)


def _expand(moment: dt.datetime, match: re.Match[str], cycles: int = 0) -> str:
    flags, width_text, conversion = match.groups()
    width = int(width_text) if width_text else None
    if conversion in _NUMERIC:
        getter, default_width, default_pad = _NUMERIC[conversion]
        value = getter(moment) + cycles * _PER_CYCLE.get(conversion, 0)
        return _pad_number(value, flags, width or default_width, default_pad)
    if conversion in ("L", "N"):
        digits = width or (3 if conversion == "L" else 9)
        return f"{moment.microsecond:06d}000".ljust(digits, "0")[:digits]
    if conversion.endswith("z"):
        text = _offset(moment, colons=len(conversion) - 1)
    elif conversion in _TEXT:
        text = _TEXT[conversion](moment)
    elif conversion in _COMPOSITE:
        text = ruby_strftime(moment, _COMPOSITE[conversion], cycles=cycles)
    else:
        return match.group(0)
    return _pad_text(text, flags, width)


def _pad_number(value: int, flags: str, width: int, pad: str) -> str:
    sign, digits = ("-", str(-value)) if value < 0 else ("", str(value))
    if "-" in flags:
        return sign + digits
    if "_" in flags:
        pad = " "
    elif "0" in flags:
        pad = "0"
    if pad == "0":
        return sign + digits.rjust(width - len(sign), "0")
    return (sign + digits).rjust(width)


def _pad_text(text: str, flags: str, width: int | None) -> str:
    if "^" in flags:
        text = text.upper()
    elif "#" in flags:
        text = text.lower() if text.isupper() else text.upper()
    if width and "-" not in flags:
        text = text.rjust(width, "0" if "0" in flags else " ")
    return text


def _offset(moment: dt.datetime, *, colons: int) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    total = abs(int(offset.total_seconds()))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if colons == 0:
        return f"{sign}{hours:02d}{minutes:02d}"
    if colons == 1:
        return f"{sign}{hours:02d}:{minutes:02d}"
    return f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}"
