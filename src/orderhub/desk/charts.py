"""Charts as inline SVG, drawn on the server (no script, no library, nothing fetched): a
stacked bar per day, and horizontal bars per named row. Each chart scales to its box
(`viewBox`, width 100%), so it reads on a phone; each has a title for screen readers, and
the page shows the same numbers as a table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 210, 34, 22, 18
PALETTE = ("#2f6fde", "#e07b18", "#2a9d62", "#9b51e0", "#c0392b", "#6b7280")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    color: str


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def day_bars(title: str, days: Sequence[date], series: Sequence[Series]) -> Markup:
    """One stacked bar per day; each segment's tooltip says the day, series and count."""
    totals = [sum(s.values[i] for s in series) for i in range(len(days))]
    top = max(totals, default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(days), 1)
    bar = max(step * 0.72, 1.0)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 4}" y2="{TOP + plot_h}" '
        'class="axis"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 8}" class="tick" text-anchor="end">{top}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" class="tick" text-anchor="end">0</text>',
    ]
    for i, day in enumerate(days):
        x, y = LEFT + i * step + (step - bar) / 2, float(TOP + plot_h)
        for s in series:
            value = s.values[i]
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            tip = f"{day.isoformat()}: {s.name} {value}"
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(bar)}" height="{_num(h)}" '
                f'fill="{s.color}"><title>{escape(tip)}</title></rect>'
            )
    ends = {0: "start", len(days) // 2: "middle", len(days) - 1: "end"} if days else {}
    for i, anchor in ends.items():
        x = LEFT + i * step + (step / 2 if anchor == "middle" else step if anchor == "end" else 0)
        label = days[i].strftime("%d %b")
        parts.append(
            f'<text x="{_num(x)}" y="{HEIGHT - 6}" class="tick" text-anchor="{anchor}">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in it went through escape())


def row_bars(title: str, rows: Sequence[tuple[str, int]], color: str = PALETTE[0]) -> Markup:
    """One horizontal bar per row, the label and count beside it."""
    width, row_h, label_w = 380, 24, 160
    height = max(len(rows), 1) * row_h + 4
    top = max((n for _, n in rows), default=0) or 1
    plot_w = width - label_w - 50
    parts = [
        f'<svg class="chart rows" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, n) in enumerate(rows):
        y = 2 + i * row_h
        w = plot_w * n / top
        short = label if len(label) <= 18 else label[:17] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" class="label" text-anchor="end">'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{_num(max(w, 1 if n else 0))}" '
            f'height="{row_h - 7}" fill="{color}"><title>{escape(f"{label}: {n}")}</title></rect>'
            f'<text x="{_num(label_w + w + 6)}" y="{y + 15}" class="tick">{n}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in it went through escape())


def swatch(color: str) -> Markup:
    """A legend's colour square (an SVG fill: the page's CSP allows no inline style)."""
    return Markup(  # noqa: S704 (the colour is escaped)
        f'<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">'
        f'<rect width="10" height="10" fill="{escape(color)}"/></svg>'
    )
