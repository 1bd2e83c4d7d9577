"""A JSON Lines file cut into byte ranges on line boundaries, so that worker processes read
the lines themselves and only the prepared rows pass through the writer's process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

RANGE_BYTES = 512 * 1024  # about 300 of the bench's large orders


def byte_ranges(path: Path, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) offsets covering the file, each ending just after a newline (or at the
    end of the file)."""
    with path.open("rb") as f:
        start = 0
        while start < size:
            f.seek(start + RANGE_BYTES)
            f.readline()  # to the end of the line the cut fell in
            end = min(f.tell(), size)
            yield start, end
            start = end


def read_lines(path: str, start: int, end: int) -> list[bytes]:
    """The range's lines as iterating the file gives them: split at b"\\n" only, each with
    its newline (the file's last line may have none)."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    pieces = data.split(b"\n")
    tail = pieces.pop()  # what follows the last newline: empty unless the file's last line
    lines = [piece + b"\n" for piece in pieces]
    if tail:
        lines.append(tail)
    return lines
