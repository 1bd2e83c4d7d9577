"""A small Code 128 decoder for the tests, independent of the encoder: bar and space widths
from an SVG's <rect>s, the standard symbol table, code sets A/B/C, and the checksum."""

from __future__ import annotations

import re

# Symbol values 0-105 as bar/space widths (bar first); 106 is the stop pattern.
_WIDTHS = """
212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232
122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122
321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311
211313 231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 231131 213113
213311 213131 311123 311321 331121 312113 312311 332111 314111 221411 431111 111224 111422
121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 241211 221114 413111
241112 134111 111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 214121
412121 111143 111341 131141 114113 114311 411113 411311 113141 114131 311141 411131 211412
211214 211232
""".split()
_VALUES = {w: i for i, w in enumerate(_WIDTHS)}
STOP = "2331112"
START_A, START_B, START_C = 103, 104, 105
CODE_C, CODE_B, CODE_A = 99, 100, 101


def widths_from_svg(svg: str) -> list[int]:
    """Alternating bar/space widths in modules, from the bars' x and width."""
    bars = sorted(
        (float(x), float(w))
        for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    )
    module = min(w for _, w in bars)
    widths: list[int] = []
    for i, (x, w) in enumerate(bars):
        if i:
            prev_x, prev_w = bars[i - 1]
            widths.append(round((x - prev_x - prev_w) / module))
        widths.append(round(w / module))
    return widths


def decode(widths: list[int]) -> str:
    text = "".join(map(str, widths))
    assert text.endswith(STOP), "no stop pattern"
    body = text[: -len(STOP)]
    assert len(body) % 6 == 0
    values = [_VALUES[body[i : i + 6]] for i in range(0, len(body), 6)]
    start, *data, check = values
    assert start in (START_A, START_B, START_C), "no start code"
    assert (start + sum(i * v for i, v in enumerate(data, 1))) % 103 == check, "bad checksum"
    code = {START_A: "A", START_B: "B", START_C: "C"}[start]
    out = []
    for v in data:
        if code == "C" and v < 100:
            out.append(f"{v:02d}")
        elif (code, v) in (("A", CODE_C), ("B", CODE_C)):
            code = "C"
        elif v == CODE_B and code != "B":
            code = "B"
        elif v == CODE_A and code != "A":
            code = "A"
        elif code == "B":
            out.append(chr(v + 32))
        elif code == "A":
            out.append(chr(v + 32) if v < 64 else chr(v - 64))
        else:
            raise AssertionError(f"symbol {v} not handled")
    return "".join(out)
