"""Serials as the registry writes them.

A lot's `serial_range` is the registry's own text for its block of units, e.g. Verra's
`10845-245676789-245709788-VCS-VCU-…` or the CDM's `CN-5-512000001-512120000-1-1-0-4521`: the
block's first and last unit numbers stand next to each other in it, separated by a dash (or
another short separator), padded or not. A sub-block (one unit, or the units a certificate took)
is written the same way with those two numbers replaced, keeping their padding, which is how the
registries themselves write a block split off another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

NUMBER = re.compile(r"\d+")
MAX_SEPARATOR = 3  # characters between the block's first and last numbers ("-", " - ", "–")


@dataclass(frozen=True)
class _Slots:
    """Where the first and last unit numbers stand in a serial range (text offsets)."""

    first: tuple[int, int]
    last: tuple[int, int]


def _slots(serial_range: str, first_unit: int, last_unit: int) -> _Slots | None:
    """The leftmost pair of adjacent numbers equal to the lot's first and last units, or (for
    a lot of one unit) the leftmost number equal to it."""
    found = list(NUMBER.finditer(serial_range))
    for a, b in pairwise(found):
        gap = serial_range[a.end() : b.start()]
        if (
            int(a.group()) == first_unit
            and int(b.group()) == last_unit
            and 0 < len(gap) <= MAX_SEPARATOR
            and not gap.isspace()
        ):
            return _Slots(a.span(), b.span())
    if first_unit == last_unit:
        for m in found:
            if int(m.group()) == first_unit:
                return _Slots(m.span(), m.span())
    return None


def names_its_units(serial_range: str, first_unit: int, last_unit: int) -> bool:
    """Whether the text names the lot's first and last units as the registry writes a block
    (so each unit's own serial can be written)."""
    return _slots(serial_range, first_unit, last_unit) is not None


def _like(number: int, written: str) -> str:
    """`number` padded as `written` is (registries zero-pad to a fixed width, or not at all)."""
    if len(written) > 1 and written.startswith("0"):
        return str(number).zfill(len(written))
    return str(number)


def block(serial_range: str, first_unit: int, last_unit: int, start: int, end: int) -> str:
    """Units `start`..`end` of a lot as the registry writes them: its serial range with the
    block's numbers replaced. A range that does not name its units (lots added before this was
    checked) keeps its text and gets the unit numbers after it."""
    slots = _slots(serial_range, first_unit, last_unit)
    if slots is None:
        numbers = str(start) if start == end else f"{start}–{end}"
        return f"{serial_range} ({numbers})"
    (a0, a1), (b0, b1) = slots.first, slots.last
    if slots.first == slots.last:  # a lot of one unit: nothing to split
        return serial_range
    return (
        serial_range[:a0]
        + _like(start, serial_range[a0:a1])
        + serial_range[a1:b0]
        + _like(end, serial_range[b0:b1])
        + serial_range[b1:]
    )


def unit(serial_range: str, first_unit: int, last_unit: int, number: int) -> str:
    """One unit's serial, as the registry writes a block of one."""
    return block(serial_range, first_unit, last_unit, number, number)
