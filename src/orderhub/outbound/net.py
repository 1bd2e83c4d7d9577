"""Outbound HTTP made safely: every request orderhub sends to a URL someone configured
(print-on-demand notifications, webhooks, forwarding to a print provider and polling it)
goes through here, and no other module opens a connection (tests/outbound/test_one_way_out.py).

A configured URL must not become a way into the server's own network (SSRF), so:

- only `http` and `https`;
- `ORDERHUB_OUTBOUND_DENY_HOSTS` is always refused; when `ORDERHUB_OUTBOUND_ALLOW_HOSTS` is
  set, nothing else is reached (entries are host names, `.example.com` for a domain and its
  subdomains, or IP literals) — the allow list restricts, it does not lift the address check;
- the host is resolved and *every* address it resolves to must be global unicast
  (addresses.py: every IANA special-purpose range is refused, embedded IPv4 forms included)
  unless `ORDERHUB_OUTBOUND_ALLOW_PRIVATE=1`;
- the connection is made to the address that was checked (the URL is rewritten to it, with
  the original `Host` header and TLS server name), so a DNS answer that changes between the
  check and the connect (rebinding) cannot move the request elsewhere;
- redirects are never followed (a 3xx is returned as it is), no proxy is read from the
  environment, at most `max_response_bytes` of the answer is read, and the whole exchange —
  resolving, connecting, sending, the answer's head and body — ends by one overall deadline
  (a receiver that drips a byte a second cannot hold a request longer than that).

`GuardedTransport` does all of it for any httpx client that uses it (the print-on-demand
client the forwarder uses gets one from `transport()`); `OutboundClient` is such a client
for plain sends (notifications, webhooks).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx

from orderhub.domain.errors import InvalidInput
from orderhub.outbound.addresses import refusal_reason

MAX_RESPONSE_BYTES = 64 * 1024
MAX_URL_LENGTH = 2000

Resolver = Callable[[str, int], list[str]]


class OutboundRefused(InvalidInput):
    """The URL may not be contacted; the message says why and which setting would allow it."""


class OutboundSettings(Protocol):
    outbound_allow_hosts: str
    outbound_deny_hosts: str
    outbound_allow_private: bool


def _host_list(text: str) -> tuple[str, ...]:
    return tuple(h.strip().lower().rstrip(".") for h in text.split(",") if h.strip())


@dataclass(frozen=True)
class OutboundPolicy:
    allow_hosts: tuple[str, ...] = ()
    deny_hosts: tuple[str, ...] = ()
    allow_private: bool = False
    max_response_bytes: int = MAX_RESPONSE_BYTES

    @classmethod
    def from_settings(cls, settings: OutboundSettings) -> OutboundPolicy:
        return cls(
            allow_hosts=_host_list(settings.outbound_allow_hosts),
            deny_hosts=_host_list(settings.outbound_deny_hosts),
            allow_private=settings.outbound_allow_private,
        )


def _policy(settings: OutboundSettings | OutboundPolicy) -> OutboundPolicy:
    if isinstance(settings, OutboundPolicy):
        return settings
    return OutboundPolicy.from_settings(settings)


def _matches(host: str, entries: tuple[str, ...]) -> bool:
    for entry in entries:
        domain = entry.removeprefix("*")
        if host == entry or (
            domain.startswith(".") and (host.endswith(domain) or host == domain[1:])
        ):
            return True
    return False


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OutboundRefused(f"cannot resolve host {host!r}: {exc.strerror}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Target:
    """A URL whose host passed the checks, with the address to connect to."""

    url: httpx.URL
    host: str
    address: str

    @property
    def pinned_url(self) -> httpx.URL:
        return self.url.copy_with(host=self.address)

    @property
    def host_header(self) -> str:
        return host_header(self.url)


def resolve(
    url: str | httpx.URL,
    settings: OutboundSettings | OutboundPolicy,
    *,
    resolver: Resolver = system_resolver,
) -> Target:
    """Check `url` against the policy and pick the (checked) address to connect to."""
    policy = _policy(settings)
    text = str(url)
    if len(text) > MAX_URL_LENGTH:
        raise OutboundRefused(f"URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parsed = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise OutboundRefused(f"invalid URL: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise OutboundRefused(f"URL scheme must be http or https, not {parsed.scheme or 'none'!r}")
    host = parsed.host.lower().rstrip(".")
    if not host:
        raise OutboundRefused("URL has no host")
    if parsed.userinfo:
        raise OutboundRefused("URL must not carry a user name or password")
    if _matches(host, policy.deny_hosts):
        raise OutboundRefused(f"host {host} is refused by ORDERHUB_OUTBOUND_DENY_HOSTS")
    if policy.allow_hosts and not _matches(host, policy.allow_hosts):
        raise OutboundRefused(f"host {host} is not in ORDERHUB_OUTBOUND_ALLOW_HOSTS")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = resolver(host, port)
    if not addresses:
        raise OutboundRefused(f"host {host} has no address")
    if not policy.allow_private:
        for address in addresses:
            reason = refusal_reason(ipaddress.ip_address(address.split("%")[0]))
            if reason:
                raise OutboundRefused(
                    f"host {host} resolves to {address} ({reason} address); outbound "
                    "requests to private networks are refused (ORDERHUB_OUTBOUND_ALLOW_PRIVATE=1 "
                    "allows them)"
                )
    return Target(parsed, host, addresses[0])


def check_url(url: str, settings: OutboundSettings | OutboundPolicy) -> None:
    """Raise OutboundRefused (an InvalidInput, so a 400) unless `url` may be contacted now."""
    resolve(url, settings)


class DeadlineExceeded(httpx.TimeoutException, TimeoutError):
    """No complete answer within the overall deadline (a transport error: nothing is known
    about whether the receiver acted on the request)."""


class ResponseTooLarge(httpx.TransportError):
    """The answer is longer than the client may read, and a cut answer is of no use to it."""


@dataclass(frozen=True)
class OutboundResponse:
    status_code: int
    headers: httpx.Headers
    body: bytes  # at most max_response_bytes
    truncated: bool
    seconds: float

    @property
    def is_redirect(self) -> bool:
        return 300 <= self.status_code < 400

    def excerpt(self, limit: int = 500) -> str:
        """The start of the body as text, at most `limit` bytes of UTF-8."""
        return self.body[:limit].decode("utf-8", errors="ignore")


TRUNCATED = "orderhub.truncated"  # response extension: the body was cut at the bound


class GuardedTransport(httpx.AsyncBaseTransport):
    """Every request checked and pinned (`resolve`), its whole exchange within `deadline`
    seconds, and at most `max_response_bytes` of its answer read (cut and marked with the
    TRUNCATED extension, or refused with ResponseTooLarge when `truncate` is False)."""

    def __init__(
        self,
        settings: OutboundSettings | OutboundPolicy,
        *,
        deadline: float,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        truncate: bool = True,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.policy = _policy(settings)
        self.deadline = deadline
        self.max_response_bytes = max_response_bytes
        self.truncate = truncate
        self.resolver = resolver
        self.inner = httpx.AsyncHTTPTransport(trust_env=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Raises OutboundRefused (before any connection) for a URL the policy refuses,
        DeadlineExceeded when the deadline passes, httpx errors as they come."""
        try:
            async with asyncio.timeout(self.deadline):
                target = await asyncio.to_thread(
                    resolve, request.url, self.policy, resolver=self.resolver
                )
                request.url = target.pinned_url
                request.headers["Host"] = target.host_header
                if target.url.scheme == "https":
                    request.extensions = {**request.extensions, "sni_hostname": target.host}
                response = await self.inner.handle_async_request(request)
                try:
                    body, truncated = await self._read(response)
                finally:
                    await response.aclose()
        except TimeoutError:
            raise DeadlineExceeded(
                f"no complete answer within {self.deadline:g} s", request=request
            ) from None
        if truncated and not self.truncate:
            raise ResponseTooLarge(
                f"answer longer than {self.max_response_bytes} bytes", request=request
            )
        return httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request,
            extensions={**response.extensions, TRUNCATED: truncated},
        )  # fmt: skip

    async def _read(self, response: httpx.Response) -> tuple[bytes, bool]:
        """The raw (still encoded) body, up to the bound."""
        body = bytearray()
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        async for chunk in stream:
            body += chunk
            if len(body) > self.max_response_bytes:
                return bytes(body[: self.max_response_bytes]), True
        return bytes(body), False

    async def aclose(self) -> None:
        await self.inner.aclose()


def transport(
    settings: OutboundSettings | OutboundPolicy,
    *,
    deadline: float,
    max_response_bytes: int = MAX_RESPONSE_BYTES,
) -> GuardedTransport:
    """The transport for a client that must parse whole answers (the print-on-demand client
    the forwarder uses): an answer over the bound is an error, not a cut body."""
    return GuardedTransport(
        settings, deadline=deadline, max_response_bytes=max_response_bytes, truncate=False
    )


def host_header(url: httpx.URL) -> str:
    """The Host header for `url` (what the receiver sees whatever address is connected to)."""
    host = url.host.lower().rstrip(".")
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(url.scheme)
    return host if url.port in (None, default) else f"{host}:{url.port}"


class OutboundClient:
    """The client the workers send with: an httpx client over a GuardedTransport, no
    redirects, no proxies from the environment. Use as an async context manager."""

    def __init__(
        self,
        settings: OutboundSettings | OutboundPolicy,
        *,
        deadline: float,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.deadline = deadline
        self.max_response_bytes = max_response_bytes
        guarded = GuardedTransport(
            settings, deadline=deadline, max_response_bytes=max_response_bytes,
            resolver=resolver,
        )  # fmt: skip
        self._http = httpx.AsyncClient(
            transport=guarded, follow_redirects=False, trust_env=False, timeout=deadline
        )

    async def __aenter__(self) -> OutboundClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(
        self,
        method: str,
        url: str,
        *,
        content: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> OutboundResponse:
        """Check, connect to the checked address, and read a bounded answer, all within the
        deadline. `headers` are sent as given, after httpx's own (Host first). Raises
        OutboundRefused, DeadlineExceeded (a TimeoutError) or another httpx.HTTPError."""
        started = time.monotonic()
        if len(url) > MAX_URL_LENGTH:
            raise OutboundRefused(f"URL is longer than {MAX_URL_LENGTH} characters")
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise OutboundRefused(f"invalid URL: {exc}") from None
        response = await self._http.request(method, parsed, content=content, headers=headers)
        body = response.content  # decoded from at most max_response_bytes as received
        return OutboundResponse(
            response.status_code,
            response.headers,
            body[: self.max_response_bytes],
            bool(response.extensions.get(TRUNCATED)) or len(body) > self.max_response_bytes,
            time.monotonic() - started,
        )
