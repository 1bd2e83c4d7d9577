"""What the HTTP outbox workers share (print-on-demand notifications, webhooks): the guarded
client with its overall deadline, the sends in flight, and the poll loop that hands each pass
that client. A worker adds its claim and its send (`start_due`)."""

from __future__ import annotations

import logging

from orderhub.config import Settings
from orderhub.outbound import net
from orderhub.outbound.background import BackgroundLoop
from orderhub.outbound.in_flight import InFlight


class HttpSender:
    def __init__(
        self,
        what: str,
        settings: Settings,
        *,
        poll_seconds: float,
        timeout: float,
        per_receiver: int,
        log: logging.Logger,
    ) -> None:
        self.poll_seconds = poll_seconds
        self.timeout = timeout
        self.policy = net.OutboundPolicy.from_settings(settings)
        self.in_flight = InFlight(settings.outbound_concurrency, per_receiver, log)
        self._loop = BackgroundLoop(what, poll_seconds, log)

    def client(self) -> net.OutboundClient:
        return net.OutboundClient(self.policy, deadline=self.timeout)

    def start(self) -> None:
        self._loop.start(self.start_due, self.client(), self.in_flight)

    async def stop(self) -> None:
        await self._loop.stop()

    async def start_due(self, client: net.OutboundClient) -> int:
        """One pass: claim what is due and start sending it; how many rows were claimed."""
        raise NotImplementedError
