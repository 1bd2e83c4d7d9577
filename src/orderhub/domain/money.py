"""Exact decimal money: parsing what clients send, and the JSON numbers the wire expects."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from orderhub.domain.errors import InvalidInput

FOUR_PLACES = Decimal("0.0001")
MAX_ABS = Decimal("1e12")


def parse_decimal(value: object, field: str) -> Decimal:
    """Accept numbers and numeric strings ("10", "1.70"); reject floats' binary noise by
    going through str(), and anything finer than 1/10,000 or absurdly large."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(f"{field}: must be a number")
    if isinstance(value, str) and value.strip() == "":
        return Decimal(0)
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput(f"{field}: {value!r} is not a number") from None
    if not result.is_finite() or abs(result) >= MAX_ABS:
        raise InvalidInput(f"{field}: {value!r} is out of range")
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
