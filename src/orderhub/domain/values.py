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

from orderhub.domain.limits import MAX_ID as MAX_ID
from orderhub.domain.limits import MAX_JSON_DEPTH as MAX_JSON_DEPTH
from orderhub.domain.limits import MAX_JSON_INT, MIN_JSON_INT

NUL = "\x00"
# Characters no XML 1.0 document can hold, not even as a reference: NUL (which PostgreSQL
# text cannot hold either), the other C0 controls but tab, LF and CR, and U+FFFE/U+FFFF.
# Any text may be shown in the print-on-demand XML, so none of them is accepted anywhere.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# A URL the desk shows as a link (a tracking URL, an image a print-on-demand client names):
# http or https with a host, no spaces or control characters (which browsers strip, so
# `java\tscript:` would still be `javascript:`). Anything else, `javascript:` and `data:`
# included, is refused where it comes in.
_LINK = re.compile(r"https?://[^\x00-\x20\x7f/?#\\]+[^\x00-\x20\x7f]*", re.IGNORECASE)
LINK_RULE = "must be an http:// or https:// URL"

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


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored and shown in every format, or None."""
    found = _UNSHOWABLE.search(text)
    if found is None:
        return None
    if found.group() == NUL:
        return "contains a NUL character"
    return f"contains the control character U+{ord(found.group()):04X}"


def is_link(url: str) -> bool:
    """Whether `url` may become a link: see `_LINK`."""
    return _LINK.fullmatch(url) is not None


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


def echoed_text(value: Any) -> str:
    """A client's value as a result entry echoes it where the schema says string: text and
    numbers as their text, anything else (an object, a list, null, a boolean) as ""."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value)


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
    than MAX_JSON_DEPTH, a NUL or control character (see text_problem), a key that is not
    text, an integer orjson cannot write, or a number that is not finite. Too deep wins
    over any other problem; else the first one met, depth first from the end.

    One walk, not a depth pass and a value pass: every API body and every imported line
    goes through here."""
    found: str | None = None
    stack: list[tuple[Any, int]] = [(value, 0)]
    pop, push, unshowable = stack.pop, stack.append, _UNSHOWABLE.search
    while stack:
        current, level = pop()
        if isinstance(current, str):
            if found is None and unshowable(current) is not None:
                found = text_problem(current)
        elif isinstance(current, dict):
            level += 1
            if level > MAX_JSON_DEPTH:
                return f"nested deeper than {MAX_JSON_DEPTH} levels"
            if found is None:
                for key in current:
                    if not isinstance(key, str):
                        found = "keys must be text"
                        break
                    if unshowable(key) is not None:
                        found = text_problem(key)
                        break
            for child in current.values():
                push((child, level))
        elif isinstance(current, list):
            level += 1
            if level > MAX_JSON_DEPTH:
                return f"nested deeper than {MAX_JSON_DEPTH} levels"
            for child in current:
                push((child, level))
        elif found is not None or isinstance(current, bool) or current is None:
            continue
        elif isinstance(current, int):
            if not MIN_JSON_INT <= current <= MAX_JSON_INT:
                found = "holds an integer beyond 64 bits"
        elif isinstance(current, float):
            if not math.isfinite(current):
                found = "holds a number that is not finite"
        else:
            found = f"holds a {type(current).__name__}, which is not JSON"
    return found


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
