"""The outbound work a worker has in flight, so that one slow or dead receiver cannot hold
back another store's deliveries.

A worker's pass claims only as much as there is room for and starts each piece as its own
task; the pass does not wait for them, so the next pass (a second later) claims what has
become due meanwhile — another store's delivery goes out while a slow receiver still holds
its request, until the overall deadline (net.py) ends it. At most `capacity` tasks run at
once, and at most `per_receiver` for one receiver (a webhook endpoint, a store's
notification URL, a supplier): a receiver at its bound is left out of the next claims, so
its backlog cannot take every slot.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Coroutine
from typing import Any


class InFlight:
    def __init__(self, capacity: int, per_receiver: int, log: logging.Logger) -> None:
        self.capacity = capacity
        self.per_receiver = per_receiver
        self.log = log
        self._tasks: set[asyncio.Task[object]] = set()
        self._counts: Counter[int] = Counter()

    @property
    def free(self) -> int:
        """How many more tasks may start now."""
        return max(self.capacity - len(self._tasks), 0)

    def busy(self) -> frozenset[int]:
        """Receivers at their bound: the next claim leaves their rows alone."""
        return frozenset(key for key, count in self._counts.items() if count >= self.per_receiver)

    def room(self, receiver: int) -> int:
        return max(self.per_receiver - self._counts[receiver], 0)

    def start(self, receiver: int, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        self._counts[receiver] += 1
        task.add_done_callback(lambda done: self._done(receiver, done))

    def _done(self, receiver: int, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        self._counts[receiver] -= 1
        if self._counts[receiver] <= 0:
            del self._counts[receiver]
        if not task.cancelled() and task.exception() is not None:
            # the row's lease runs out and it is claimed again
            self.log.error("outbound work failed unexpectedly", exc_info=task.exception())

    async def wait(self) -> None:
        """Until everything in flight has finished; cancelled, it cancels them."""
        try:
            while self._tasks:
                await asyncio.wait(set(self._tasks))
        except asyncio.CancelledError:
            left = set(self._tasks)
            for task in left:
                task.cancel()
            await asyncio.gather(*left, return_exceptions=True)  # before the client closes
            raise
