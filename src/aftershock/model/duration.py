"""Durations as the model writes them (``90s``, ``5m``, ``4h``, ``3d``, ``1h30m``), in seconds."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from aftershock.errors import quoted

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_WHOLE = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$")

DURATION_HINT = "write a duration like 0, 90s, 5m, 4h, 3d or 1h30m"
MAX_DURATION_S = 100 * 365 * 86400.0
"""The longest duration accepted anywhere (a model, a scenario, --horizon): 100 years."""


class DurationTooLong(ValueError):
    """A duration written correctly but longer than any outage, plan or simulation."""


def parse_duration(value: object) -> float:
    """Return the duration in seconds; raise ValueError naming the bad value.

    A bare number is not accepted (except 0): ``5`` could mean seconds or minutes.
    """
    if isinstance(value, bool):
        raise ValueError(f"invalid duration {value!r}; {DURATION_HINT}")
    if isinstance(value, int | float):
        if value == 0:
            return 0.0
        raise ValueError(f"invalid duration {value!r} (a bare number has no unit); {DURATION_HINT}")
    if not isinstance(value, str):
        raise ValueError(f"invalid duration {value!r}; {DURATION_HINT}")
    text = value.strip().replace(" ", "")
    if text == "0":
        return 0.0
    if not _WHOLE.match(text):
        raise ValueError(f"invalid duration {quoted(value)}; {DURATION_HINT}")
    seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(text))
    if not seconds <= MAX_DURATION_S:
        raise DurationTooLong(
            f"duration {quoted(value)} is longer than the limit of {MAX_DURATION_S / 86400:.0f}d "
            "(100 years)"
        )
    return seconds


def format_duration(seconds: float) -> str:
    """Return a compact human form: ``0s``, ``90s`` -> ``1m30s``, ``3h``, ``2d4h``."""
    if seconds <= 0:
        return "0s"
    total = round(seconds)
    if total == 0:
        return f"{seconds * 1000:.0f}ms"
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, total = divmod(total, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^(0|(\d+(\.\d+)?(ms|s|m|h|d|w))+)$"},
                {"const": 0},
            ],
            "description": "a duration: 0, 90s, 5m, 4h, 3d, 1h30m",
            "examples": ["90s", "5m", "4h", "3d"],
        }
    ),
]
"""A duration field: accepts ``90s``/``5m``/``4h``/``3d``, holds seconds as a float."""
