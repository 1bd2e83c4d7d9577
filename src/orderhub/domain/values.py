"""Coercion primitives every door shares (both protocols, the desk, the importer, the CLI):
what counts as a whole number, an id, a piece of text, and how deep a JSON value may go.

Only ASCII digits make numbers: `str.isdigit()` also accepts `²` or `١`, which `int()` then
refuses or reads as another number.
"""

from __future__ import annotations

import math
import re
from typing import Any

import orjson

from orderhub.domain.limits import MAX_ID, MAX_JSON_DEPTH, MAX_JSON_INT, MIN_JSON_INT

__all__ = ["MAX_ID", "MAX_JSON_DEPTH"]
NUL = "\x00"

_DIGITS = re.compile(r"[0-9]+")
_SIGNED = re.compile(r"[+-]?[0-9]+")


def ascii_digits(text: str) -> bool:
    return _DIGITS.fullmatch(text) is not None


def parse_id(text: str) -> int | None:
    """A record id from a path, header or list: ASCII digits within the id range, else None."""
    text = text.strip()
    if not ascii_digits(text) or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def whole_number(value: Any) -> int | None:
    """An int, an integral float or a string of ASCII digits (with an optional sign);
    None for anything else. Range checks are the caller's (they differ per field)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if _SIGNED.fullmatch(text) is None or len(text) > 20:
            return None
        return int(text)
    return None


def whole_between(value: Any, low: int, high: int) -> int | None:
    """`whole_number` within [low, high], else None."""
    number = whole_number(value)
    return number if number is not None and low <= number <= high else None


def clamped_count(text: str, maximum: int) -> int | None:
    """A count of at least 1 in ASCII digits, clamped to `maximum` however many digits it
    has (a page size: asking for too many gets the most there is); None if not a count."""
    text = text.strip()
    if not ascii_digits(text):
        return None
    digits = text.lstrip("0")
    if not digits:
        return None
    return maximum if len(digits) > 18 else min(int(digits), maximum)


def text(value: Any) -> str:
    """Loose text as clients send it: numbers become their digits, booleans "1"/"0", null
    "". Objects and lists are not text (ValueError)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str | int | float):
        return str(value)
    raise ValueError("must be a string")


def depth_of(value: Any) -> int:
    """How deeply lists and objects nest (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict):
            children: Any = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, level) for child in children)
    return deepest


def check_depth(value: Any) -> bool:
    return depth_of(value) <= MAX_JSON_DEPTH


def json_problem(value: Any) -> str | None:
    """Why a free-form JSON value cannot be stored and shown again, or None: nested deeper
    than MAX_JSON_DEPTH, a NUL character (PostgreSQL text cannot hold one), a key that is not
    text, an integer orjson cannot write, or a number that is not finite."""
    if depth_of(value) > MAX_JSON_DEPTH:
        return f"nested deeper than {MAX_JSON_DEPTH} levels"
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key in current:
                if not isinstance(key, str):
                    return "keys must be text"
                if NUL in key:
                    return "contains a NUL character"
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, str):
            if NUL in current:
                return "contains a NUL character"
        elif isinstance(current, bool) or current is None:
            continue
        elif isinstance(current, int):
            if not MIN_JSON_INT <= current <= MAX_JSON_INT:
                return "holds an integer beyond 64 bits"
        elif isinstance(current, float):
            if not math.isfinite(current):
                return "holds a number that is not finite"
        else:
            return f"holds a {type(current).__name__}, which is not JSON"
    return None


def dumps_php(value: Any) -> str:
    """PHP-style JSON text: an empty map or list is stored (and shown) as []."""
    return "[]" if not value else orjson.dumps(value).decode()


def loads_map(raw: str) -> dict[str, Any]:
    """Stored JSON text back to a map; `[]` (PHP's empty map) and anything else to {}."""
    value = orjson.loads(raw)
    return value if isinstance(value, dict) else {}


def like_contains(needle: str) -> str:
    """A LIKE pattern (escape character `\\`) matching values that contain `needle`."""
    escaped = needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
