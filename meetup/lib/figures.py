"""How the report writes a figure, the same on its page and in its CSV.

One decimal, rounded half up as people round (4.25 is 4.3: Python's own
formatting gives 4.2, since it rounds the binary float half to even), whole
percentages rounded the same way, and "–" for what is not known yet (who
attended an event that has not started) or not at all (an average of no
answers).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

UNKNOWN = "–"


def _half_up(value: float, places: str, *, scale: int = 1) -> Decimal:
    # repr is the shortest decimal that reads back as the float: 4.25 stays
    # 4.25 and 0.145 stays 0.145 (times 100 in floats it would be
    # 14.499999999999998), so rounding sees the number people see.
    exact = Decimal(repr(value)) * scale
    return exact.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def count_text(value: int | None) -> str:
    return UNKNOWN if value is None else str(value)


def decimal_text(value: float | None) -> str:
    """4.25 → "4.3"; None → "–"."""
    return UNKNOWN if value is None else str(_half_up(value, "0.1"))


def percent_text(share: float | None) -> str:
    """0.125 → "13%"; None → "–"."""
    return UNKNOWN if share is None else f"{_half_up(share, '1', scale=100)}%"
