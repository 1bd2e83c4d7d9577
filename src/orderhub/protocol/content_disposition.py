"""`Content-Disposition` for a download whose file name comes from data (RFC 6266, RFC 5987).

A folder name is chosen by API clients, so it may hold quotes, semicolons or any Unicode: put
raw into the header it could add parameters (`x";filename*=utf-8''invoice.html;x="` made
browsers save an export as `invoice.html`) or fail to encode (a 500 for `Versand 🚚`). The
header carries an ASCII fallback made only of `[A-Za-z0-9._-]` and the exact name
percent-encoded as UTF-8 in `filename*`, so no data-borne character can end a value.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# RFC 5987 attr-char besides letters and digits (quote() keeps "_.-~" and alphanumerics).
_ATTR_SAFE = "!#$&+^`|"


def ascii_fallback(filename: str, default: str = "download") -> str:
    """The name with every run of other characters turned into one `-`."""
    stem, dot, suffix = filename.rpartition(".")
    if not dot:
        stem, suffix = filename, ""
    clean_stem = _UNSAFE.sub("-", stem).strip("-.") or default
    clean_suffix = _UNSAFE.sub("", suffix)
    return f"{clean_stem}.{clean_suffix}" if clean_suffix else clean_stem


def attachment(filename: str) -> str:
    """The header value that makes a browser download the body as `filename`."""
    encoded = quote(filename, safe=_ATTR_SAFE, encoding="utf-8")
    return f"attachment; filename=\"{ascii_fallback(filename)}\"; filename*=UTF-8''{encoded}"
