"""How a figure is written wherever it is shown: one place of decimals, halves rounded up.

Charts, tables, descriptions, the report and reasons all write figures through :func:`one_place`
and shares through :func:`percent`
(templates through Django's ``floatformat:1``, which rounds the same way), so 3.55 reads 3.6 in
a chart and in the table beneath it. Binary floating point would round 3.55 down (it is stored
as 3.54999…); the figure is taken as its shortest decimal form, as it would be printed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"


def rounded(value: float, places: int = 1) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def one_place(value: float) -> str:
    """3.55 → "3.6", 2.25 → "2.3", −0.25 → "-0.3" (as ``floatformat:1`` writes it)."""
    figure = rounded(value)
    return "0.0" if figure == 0 else str(figure)


def signed(value: float) -> str:
    """A change with its sign: +0.4, −0.3 (a true minus sign), 0.0."""
    figure = rounded(value)
    if figure > 0:
        return f"+{figure}"
    if figure < 0:
        return f"{MINUS}{abs(figure)}"
    return "0.0"


def bound(value: float) -> str:
    """An end of an interval. Written like any figure, except that an end which is not zero but
    would read 0.0 gets a second place (0.04, not 0.0), so that an interval beside "improved"
    never seems to touch zero."""
    figure = rounded(value)
    if figure == 0 and rounded(value, 2) != 0:
        figure = rounded(value, 2)
    if figure < 0:
        return f"{MINUS}{abs(figure)}"  # as signed() writes it: −0.3 to +0.5 reads "minus"
    return "0.0" if figure == 0 else str(figure)


def percent(share: float) -> str:
    """A share as a whole percentage, halves rounded up: 0.125 → "13%", 0.375 → "38%"."""
    return f"{int(rounded(share, 2) * 100)}%"
