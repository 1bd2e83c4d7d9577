"""Coercion primitives every door shares (both protocols, the desk, the importer, the CLI):
what counts as a whole number, an id, a piece of text, and how deep a JSON value may go.

Only ASCII digits make numbers: `str.isdigit()` also accepts `²` or `١`, which `int()` then
refuses or reads as another number.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

# Ids are positive 63-bit integers on both databases.
MAX_ID = 2**63 - 1
# Metadata, checkout data and every other free-form value: deeper than this is refused.
MAX_JSON_DEPTH = 32

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
