"""The filters a template may use beyond Jinja2's own: money in the store's format, dates in
the store's time zone, and Code 128 / QR codes as inline SVG (no network, no images)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import barcode
import segno
from markupsafe import Markup

from orderhub.domain.dates import WIRE_FORMAT, store_zone
from orderhub.domain.errors import OrderhubError

MAX_CODE_CHARS = 200
DEFAULT_DATE_FORMAT = "%Y-%m-%d %H:%M"
_PATTERN = re.compile(r"0([.,])00")


def money(value: Any, pattern: str) -> str:
    """`pattern` is the store's `money_format`, e.g. `$0.00`, `0,00 €`: the amount replaces
    its `0.00` (or `0,00`), with the other mark grouping thousands."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    found = _PATTERN.search(pattern)
    if found is None:
        return f"{amount:,.2f}"
    decimal_mark = found.group(1)
    text = f"{abs(amount):,.2f}"
    if decimal_mark == ",":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    sign = "-" if amount < 0 else ""
    return sign + pattern[: found.start()] + text + pattern[found.end() :]


def local_time(value: Any, zone_name: str, fmt: str = DEFAULT_DATE_FORMAT) -> str:
    """A stored time (naive UTC, or the wire's `YYYY-MM-DD HH:MM:SS`) in the store's zone."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.strptime(value, WIRE_FORMAT)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return str(value)
    try:
        zone = store_zone(zone_name)
    except OrderhubError:
        zone = store_zone("UTC")
    return value.replace(tzinfo=UTC).astimezone(zone).strftime(str(fmt)[:100])


def _svg_text(value: Any) -> str:
    text = "" if value is None else str(value)
    if not text or len(text) > MAX_CODE_CHARS:
        raise ValueError(f"a code needs 1 to {MAX_CODE_CHARS} characters")
    return text


def barcode_svg(value: Any, height: int = 40, module: int = 2) -> Markup:
    """Code 128 of `value`, as an inline SVG: one <rect> per bar, widths in modules×`module`
    px (python-barcode encodes; the bars are drawn here, so no inline style is needed)."""
    text = _svg_text(value)
    [modules] = barcode.get("code128", text).build()
    quiet = 10 * module
    rects, x, i = [], quiet, 0
    while i < len(modules):
        run = len(modules[i:]) - len(modules[i:].lstrip(modules[i]))
        if modules[i] == "1":
            rects.append(f'<rect x="{x}" y="0" width="{run * module}" height="{height}"/>')
        x += run * module
        i += run
    width = x + quiet
    # The text is escaped; the rest is numbers this function wrote.
    return Markup(  # noqa: S704
        f'<svg class="barcode" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{Markup.escape(text)}"><g fill="#000">{"".join(rects)}</g></svg>'
    )


def qrcode_svg(value: Any, scale: int = 3) -> Markup:
    """A QR code of `value`, as an inline SVG (segno)."""
    text = _svg_text(value)
    # segno writes the SVG from the code's modules; the text never appears in it.
    return Markup(segno.make(text).svg_inline(scale=max(1, min(int(scale), 10))))  # noqa: S704
