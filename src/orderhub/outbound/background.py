"""The loop every background worker runs (print-on-demand notifications, webhooks,
forwarding): one pass every `poll_seconds` until stopped.

A pass that raises is logged and the loop goes on (what it had claimed stays queued and is
claimed again when its lease runs out). A pass may leave sends running (in_flight.py);
stopping lets the pass and those sends finish — so a request that went out is recorded as
sent and not sent again after its lease — and cancels them only after a grace period.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

from orderhub.outbound.in_flight import InFlight

OnePass = Callable[[Any], Awaitable[object]]


class BackgroundLoop:
    def __init__(self, what: str, poll_seconds: float, log: logging.Logger) -> None:
        self.what = what
        self.poll_seconds = poll_seconds
        self.log = log
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def stopping(self) -> bool:
        """True once stop() was called: a pass should not start new work."""
        return self._stopping.is_set()

    def start(
        self,
        one_pass: OnePass,
        resource: AbstractAsyncContextManager[Any] | None = None,
        in_flight: InFlight | None = None,
    ) -> None:
        """Run `one_pass(value)` repeatedly, `value` being what `resource` (an async context
        manager held for the loop's lifetime, e.g. an HTTP client) gives, or None; at the
        end, wait for what the passes left `in_flight` before the resource is closed."""
        self._stopping = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(
            self._run(one_pass, resource, in_flight)
        )

    async def stop(self, grace_seconds: float = 15.0) -> None:
        if self._task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(self._task, grace_seconds)
        except (TimeoutError, asyncio.CancelledError):
            pass

    async def _run(self, one_pass: OnePass, resource: Any, in_flight: InFlight | None) -> None:
        async with resource if resource is not None else nullcontext() as value:
            while not self._stopping.is_set():
                try:
                    await one_pass(value)
                except Exception:  # keep the loop alive; the rows stay queued
                    self.log.exception("%s pass failed", self.what)
                try:
                    await asyncio.wait_for(self._stopping.wait(), self.poll_seconds)
                except TimeoutError:
                    pass
            if in_flight is not None:
                await in_flight.wait()
