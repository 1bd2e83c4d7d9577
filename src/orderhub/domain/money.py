"""Exact decimal money: parsing what clients send, and the JSON numbers the wire expects."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import MAX_MONEY

FOUR_PLACES = Decimal("0.0001")
MAX_ABS = MAX_MONEY
# ASCII only: Decimal() also reads `١٠` (Arabic-Indic) as 10.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Digits of MAX_ABS before the decimal point: Decimal.adjusted() of anything in range is less.
_MAX_ADJUSTED = MAX_ABS.adjusted()


def parse_decimal(value: object, field: str) -> Decimal:
    """Accept numbers and numeric strings ("10", "1.70"); reject floats' binary noise by
    going through str(), and anything finer than 1/10,000 or absurdly large (|x| ≥ 1e12).
    Range is checked on the exponent first, so `1E+999999999` is refused, not computed."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(f"{field}: must be a number")
    if isinstance(value, str) and value.strip() == "":
        return Decimal(0)
    raw = str(value).strip()
    if isinstance(value, float) and raw in ("inf", "-inf", "nan"):
        raise InvalidInput(f"{field}: {value!r} is out of range")
    if _NUMBER.fullmatch(raw) is None:
        raise InvalidInput(f"{field}: {value!r} is not a number")
    try:
        result = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(f"{field}: {value!r} is not a number") from None
    if not result:
        return Decimal(0)
    if result.adjusted() >= _MAX_ADJUSTED or abs(result) >= MAX_ABS:
        raise InvalidInput(f"{field}: {value!r} is out of range (|x| < 1e12)")
    if result != result.quantize(FOUR_PLACES):
        raise InvalidInput(f"{field}: {value!r} has more than 4 decimal places")
    return result


def json_number(value: Decimal) -> int | float:
    """19.0000 -> 19, 21.1700 -> 21.17: the plain JSON numbers Order Desk sends."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return float(normal)


def money_string(value: Decimal) -> str:
    """At least two decimals: Decimal('1.7') -> '1.70'."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return format(normal, "f")
    return format(value.quantize(Decimal("0.01")), "f")


UNITS = 10_000  # money is stored as a whole count of 1/10,000 (storage's Fixed4)
_MAX_UNITS = int(MAX_ABS) * UNITS


def fixed4_units(value: int | float) -> int | None:
    """A JSON number as a count of 1/10,000 when `parse_decimal` takes it as it is (at most
    4 decimals, |x| < 1e12), else None — the caller lets `parse_decimal` judge it then. The
    bulk importer's shortcut past Decimal: a float is read from its shortest text (`repr`),
    which is what `parse_decimal` reads too."""
    if type(value) is int:
        return value * UNITS if -_MAX_UNITS < value * UNITS < _MAX_UNITS else None
    if value in _float_units:  # prices repeat: most floats of a file were read before
        return _float_units[value]
    if len(_float_units) > 100_000:
        _float_units.clear()
    found = _float_units[value] = _float_to_units(value)
    return found


_float_units: dict[float, int | None] = {}
_ZERO = Decimal(0)


def json_decimal(value: int | float) -> Decimal | None:
    """A JSON number as the Decimal `parse_decimal` makes of it, when `fixed4_units` says
    it takes it as it is; else None (the caller lets `parse_decimal` judge it). The API
    create's shortcut past the text checks: `Decimal(repr(x))` is what `parse_decimal`
    reads, with the same exponent (19.99 -> Decimal('19.99'), 1000.0 -> Decimal('1000.0'))."""
    units = fixed4_units(value)
    if units is None:
        return None
    if not units:
        return _ZERO
    return Decimal(value) if type(value) is int else Decimal(repr(value))


def _float_to_units(value: float) -> int | None:
    text = repr(value)
    whole, dot, fraction = text.partition(".")
    if not dot or len(fraction) > 4 or not fraction.isdigit() or not whole.lstrip("-").isdigit():
        return None
    units = abs(int(whole)) * UNITS + int(fraction.ljust(4, "0"))
    if units >= _MAX_UNITS:
        return None
    return -units if text.startswith("-") else units
