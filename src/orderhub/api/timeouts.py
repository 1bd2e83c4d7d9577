"""Time limits on slow clients, so a few thousand idle or trickling connections cannot
hold the server: the request head must arrive within ORDERHUB_HEADER_TIMEOUT_SECONDS of
the connection opening (or of the first byte of a keep-alive request), and the whole body
within ORDERHUB_BODY_TIMEOUT_SECONDS of the head.

uvicorn times out only an idle keep-alive connection, so the head limit is a small
subclass of its httptools protocol (passed as `http=` to uvicorn.run): a timer armed when
the connection opens or a request begins, disarmed when the head is complete, that closes
the connection when it fires. The body limit wraps the ASGI `receive` (see
api/middleware.py): past the deadline the request gets 408 and the connection is closed.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from asyncio import TimerHandle
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from starlette.types import Message
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from orderhub.config import Settings

log = logging.getLogger("orderhub.timeouts")


class BodyTimeout(Exception):
    """The request body did not arrive in time."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"request body: not received within {seconds:g} seconds")
        self.message = str(self)


def body_deadline(
    receive: Callable[[], Awaitable[Message]], seconds: float
) -> Callable[[], Awaitable[Message]]:
    """`receive`, limited to `seconds` from now for the body; once the body is complete
    (or the client is gone) later calls wait as long as they like (a streaming response
    may listen for the disconnect)."""
    deadline = asyncio.get_running_loop().time() + seconds
    complete = False

    async def receive_before_deadline() -> Message:
        nonlocal complete
        if complete:
            return await receive()
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            raise BodyTimeout(seconds) from None
        if message["type"] != "http.request" or not message.get("more_body", False):
            complete = True
        return message

    return receive_before_deadline


@cache
def header_timeout_seconds() -> float:
    """Read once per process (each worker reads the same environment)."""
    return Settings().header_timeout_seconds


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing connections whose request head is too slow,
    and with Nagle's algorithm off on every TCP connection.

    `orderhub serve` binds its listening socket itself and hands uvicorn the descriptor;
    uvicorn then takes it for a Unix socket, so the event loop does not switch Nagle off as it
    does for TCP. With it on, a keep-alive client's every request after the first waited
    ~40 ms for the delayed ACK of the response's first segment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: TimerHandle | None = None

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(header_timeout_seconds(), self._head_too_slow)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            log.debug("closing a connection whose request head took too long")
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:  # the socket object may claim AF_UNIX (see above) while being TCP
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass  # a real Unix socket: no Nagle to switch off
        self._arm_head_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_head_timer()

    def on_headers_complete(self) -> None:
        self._disarm_head_timer()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)
