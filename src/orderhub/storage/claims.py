"""Claiming outbox rows fairly across receivers (outbound/in_flight.py): a receiver with no
room is left out in SQL, and of the rows selected each receiver takes at most its room, so a
backlog at one receiver cannot fill a claim. Rows not taken stay due, unleased."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TypeVar

Row = TypeVar("Row")
Room = Callable[[int], int]


def admit(
    rows: Iterable[Row],
    receiver: Callable[[Row], int],
    room: Room | None,
    total: int | None = None,
) -> list[Row]:
    """The rows, in order, each receiver taking at most `room(receiver)` (all when None),
    and at most `total` in all."""
    taken: Counter[int] = Counter()
    admitted: list[Row] = []
    for row in rows:
        if total is not None and len(admitted) >= total:
            break
        key = receiver(row)
        if room is None or taken[key] < room(key):
            taken[key] += 1
            admitted.append(row)
    return admitted
