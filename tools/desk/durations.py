"""Parse and format short durations such as ``15m``, ``2h``, ``3d`` or ``-30m``."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_PATTERN = re.compile(r"^\s*([+-]?)\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")


def parse_duration(text: str) -> timedelta:
    """Turn ``"15m"``/``"-2h"`` into a timedelta; raise ValueError naming the format."""
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(
            f"{text!r} is not a duration; write a number and a unit s/m/h/d/w, e.g. 15m or -2h"
        )
    sign, amount, unit = match.groups()
    try:
        delta = timedelta(**{_UNITS[unit]: float(amount)})
    except OverflowError:
        raise ValueError(
            f"{text.strip()!r} is too long a duration; at most 999,999,999 days"
        ) from None
    return -delta if sign == "-" else delta


def format_duration(delta: timedelta) -> str:
    """Render a timedelta compactly (``1h 05m``, ``15m``, ``2d 3h``), negatives with ``-``."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{sign}{days}d {hours}h" if hours else f"{sign}{days}d"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m" if minutes else f"{sign}{hours}h"
    return f"{sign}{minutes}m"
