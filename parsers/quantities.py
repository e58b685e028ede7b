"""Counts and amounts: how a number a report prints is kept, so that counts stay integers.

Almost every number of the statistical tables is a count (applications, documents,
decisions, cases); two cells and one prose fact are money amounts with decimals (the fee
amount in 万元, the procurement amount, the processing fees in 元). The database keeps a
count in an INTEGER column (``value``) and an amount in a NUMERIC one (``amount``), so that
downstream SQL, CSV and Parquet see ``72`` and never ``72.0``.

A count printed with a fraction (``3.5`` in a count column: a typo or an OCR slip) is not
a count: it is never rounded or cut to an integer, but kept whole in ``amount`` with
``value`` null, and the parser says so in the report's warnings.
"""

from __future__ import annotations

Number = int | float


def whole(number: Number | None) -> Number | None:
    """A count as an int when it is a whole number (``72.0`` -> ``72``); anything else as it
    is (a fraction stays a fraction: it is a finding, not something to round)."""
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def is_fraction(number: Number | None) -> bool:
    return isinstance(number, float) and not number.is_integer()


def split(number: Number | None, amount: bool) -> tuple[int | None, float | None]:
    """(``value``, ``amount``) of a number as stored: an amount goes to ``amount``; a count
    to ``value`` as an int, unless it has a fraction, which goes to ``amount`` whole."""
    if number is None:
        return None, None
    if amount or is_fraction(number):
        return None, float(number)
    return int(number), None


def joined(value: int | None, amount: float | None) -> Number | None:
    """The number a stored (``value``, ``amount``) pair means, for JSON: an int for a count,
    the decimal number for an amount (an int when it is whole)."""
    if value is not None:
        return value
    return whole(amount)
