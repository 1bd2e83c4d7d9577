"""The outbound guards of net.py as an httpx transport, for a client that builds its own
requests (the print-on-demand client the forwarder uses): every request's URL is checked
with `net.resolve` and the connection is made to the checked address, with the original
Host header and TLS server name — exactly what `net.send` does for webhooks."""

from __future__ import annotations

import asyncio

import httpx

from orderhub.outbound import net


class GuardedTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        settings: net.OutboundSettings | net.OutboundPolicy,
        *,
        resolver: net.Resolver = net.system_resolver,
    ) -> None:
        self.policy = settings if isinstance(settings, net.OutboundPolicy) else (
            net.OutboundPolicy.from_settings(settings)
        )  # fmt: skip
        self.resolver = resolver
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Raises net.OutboundRefused (before any connection) for a URL the policy refuses."""
        target = await asyncio.to_thread(
            net.resolve, request.url, self.policy, resolver=self.resolver
        )
        request.url = target.pinned_url
        request.headers["Host"] = target.host_header
        if target.url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": target.host}
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
