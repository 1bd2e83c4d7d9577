"""Outbound HTTP made safely: every request orderhub sends to a URL someone configured
(webhooks, print-provider forwarding) goes through here.

A configured URL must not become a way into the server's own network (SSRF), so:

- only `http` and `https`;
- `ORDERHUB_OUTBOUND_DENY_HOSTS` is always refused; when `ORDERHUB_OUTBOUND_ALLOW_HOSTS` is
  set, nothing else is reached (entries are host names, `.example.com` for a domain and its
  subdomains, or IP literals);
- the host is resolved and *every* address it resolves to must be public: private, loopback,
  link-local, multicast, reserved, shared and unspecified ranges are refused unless
  `ORDERHUB_OUTBOUND_ALLOW_PRIVATE=1`;
- the connection is made to the address that was checked (the URL is rewritten to it, with
  the original `Host` header and TLS server name), so a DNS answer that changes between the
  check and the connect (rebinding) cannot move the request elsewhere;
- redirects are never followed (a 3xx is returned as it is), no proxy is read from the
  environment, and at most `max_response_bytes` of the answer is read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from orderhub.domain.errors import InvalidInput

MAX_RESPONSE_BYTES = 64 * 1024
MAX_URL_LENGTH = 2000

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
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


def refusal_reason(address: IPAddress) -> str | None:
    """Why an address is not public, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal_reason(address.ipv4_mapped)
    for attribute in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(address, f"is_{attribute}"):
            return attribute.replace("_", "-")
    if not address.is_global:
        return "non-public"
    return None


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
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = {"http": 80, "https": 443}[self.url.scheme]
        port = self.url.port
        return host if port in (None, default) else f"{host}:{port}"


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


def make_async_client(timeout: float) -> httpx.AsyncClient:
    """A client with the guards that do not depend on the URL: no redirects, no proxies
    from the environment (a proxy would connect to the host name, not the checked address)."""
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False)


def make_client(timeout: float) -> httpx.Client:
    return httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)


def _request_args(target: Target, headers: Mapping[str, str] | None) -> dict[str, Any]:
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    return {
        "headers": {**(headers or {}), "Host": target.host_header},
        "extensions": extensions,
    }


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    settings: OutboundSettings | OutboundPolicy,
    *,
    content: bytes = b"",
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    resolver: Resolver = system_resolver,
) -> OutboundResponse:
    """Check, connect to the checked address, and read a bounded answer, all within
    `timeout` seconds. Raises OutboundRefused, httpx.HTTPError or TimeoutError."""
    policy = _policy(settings)
    started = time.monotonic()

    async def exchange() -> OutboundResponse:
        target = await asyncio.to_thread(resolve, url, policy, resolver=resolver)
        request = client.build_request(
            method, target.pinned_url, content=content, **_request_args(target, headers)
        )
        response = await client.send(request, stream=True)
        try:
            body, truncated = bytearray(), False
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > policy.max_response_bytes:
                    truncated = True
                    break
        finally:
            await response.aclose()
        return OutboundResponse(
            response.status_code,
            response.headers,
            bytes(body[: policy.max_response_bytes]),
            truncated,
            time.monotonic() - started,
        )

    return await asyncio.wait_for(exchange(), timeout)


def send_sync(
    client: httpx.Client,
    method: str,
    url: str,
    settings: OutboundSettings | OutboundPolicy,
    *,
    content: bytes = b"",
    headers: Mapping[str, str] | None = None,
    resolver: Resolver = system_resolver,
) -> OutboundResponse:
    """`send` for synchronous callers; the client's own timeout bounds each step."""
    policy = _policy(settings)
    started = time.monotonic()
    target = resolve(url, policy, resolver=resolver)
    request = client.build_request(
        method, target.pinned_url, content=content, **_request_args(target, headers)
    )
    response = client.send(request, stream=True)
    try:
        body, truncated = bytearray(), False
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > policy.max_response_bytes:
                truncated = True
                break
    finally:
        response.close()
    return OutboundResponse(
        response.status_code,
        response.headers,
        bytes(body[: policy.max_response_bytes]),
        truncated,
        time.monotonic() - started,
    )
