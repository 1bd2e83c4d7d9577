"""The outbound guards (outbound/net.py): refused ranges and hosts, the connection pinned to
the checked address, no redirects, a bounded read, a total timeout."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from orderhub.config import Settings
from orderhub.outbound import net
from orderhub.outbound.net import OutboundPolicy, OutboundRefused, check_url, resolve
from tests.outbound.receiver import Answer, Receiver

PUBLIC = OutboundPolicy()
PRIVATE_OK = OutboundPolicy(allow_private=True)


def fixed(*addresses: str) -> net.Resolver:
    return lambda host, port: list(addresses)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1.2.3:8080/hook",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://240.0.0.1/",
        "http://localhost/",
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_refused(url: str) -> None:
    with pytest.raises(OutboundRefused, match="ORDERHUB_OUTBOUND_ALLOW_PRIVATE"):
        resolve(url, PUBLIC)


def test_a_name_is_refused_when_any_of_its_addresses_is_private() -> None:
    with pytest.raises(OutboundRefused, match="10.0.0.5"):
        resolve("https://shop.example/hook", PUBLIC, resolver=fixed("93.184.215.14", "10.0.0.5"))


def test_a_public_address_is_allowed_and_pinned() -> None:
    target = resolve("https://shop.example:8443/h?x=1", PUBLIC, resolver=fixed("93.184.215.14"))
    assert target.address == "93.184.215.14"
    assert str(target.pinned_url) == "https://93.184.215.14:8443/h?x=1"
    assert target.host_header == "shop.example:8443"


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "file:///etc/passwd", "gopher://x/", "http://u:p@example.com/"]
)
def test_only_plain_http_and_https_urls(url: str) -> None:
    with pytest.raises(OutboundRefused):
        resolve(url, PRIVATE_OK, resolver=fixed("93.184.215.14"))


def test_deny_and_allow_lists() -> None:
    public = fixed("93.184.215.14")
    deny = OutboundPolicy(deny_hosts=("evil.example", ".internal.example"))
    with pytest.raises(OutboundRefused, match="DENY_HOSTS"):
        resolve("http://evil.example/", deny, resolver=public)
    with pytest.raises(OutboundRefused, match="DENY_HOSTS"):
        resolve("http://a.internal.example/", deny, resolver=public)
    resolve("http://fine.example/", deny, resolver=public)

    allow = OutboundPolicy(allow_hosts=(".shop.example", "erp.example"))
    resolve("http://hooks.shop.example/", allow, resolver=public)
    resolve("http://erp.example/", allow, resolver=public)
    with pytest.raises(OutboundRefused, match="ALLOW_HOSTS"):
        resolve("http://other.example/", allow, resolver=public)


def test_check_url_reads_the_settings() -> None:
    settings = Settings(_env_file=None, outbound_deny_hosts="bad.example, worse.example")  # type: ignore[call-arg]
    with pytest.raises(OutboundRefused, match="DENY_HOSTS"):
        check_url("http://worse.example/", settings)
    with pytest.raises(OutboundRefused):
        check_url("http://127.0.0.1:9/", settings)
    allowed = Settings(_env_file=None, outbound_allow_private=True)  # type: ignore[call-arg]
    check_url("http://127.0.0.1:9/", allowed)


def _send(
    url: str,
    policy: OutboundPolicy,
    timeout: float = 5.0,
    resolver: net.Resolver = net.system_resolver,
    method: str = "POST",
) -> net.OutboundResponse:
    async def go() -> net.OutboundResponse:
        async with net.OutboundClient(policy, deadline=timeout, resolver=resolver) as client:
            return await client.send(method, url, content=b"x")

    return asyncio.run(go())


def test_the_connection_goes_to_the_checked_address_with_the_original_host() -> None:
    """DNS rebinding: whatever the name resolves to later, the request goes to the address
    that was checked, and the receiver still sees the name in Host."""
    with Receiver() as receiver:
        answer = _send(
            f"http://rebind.example:{receiver.port}/hook",
            PRIVATE_OK,
            resolver=fixed("127.0.0.1"),
        )
    assert answer.status_code == 200
    assert receiver.received[0].headers["Host"] == f"rebind.example:{receiver.port}"
    assert receiver.received[0].path == "/hook"


def test_a_refused_address_is_never_contacted() -> None:
    with Receiver() as receiver, pytest.raises(OutboundRefused):
        _send(f"http://rebind.example:{receiver.port}/", PUBLIC, resolver=fixed("127.0.0.1"))
    assert receiver.received == []


def test_redirects_are_not_followed() -> None:
    with Receiver(Answer(302, b"", {"Location": "http://169.254.169.254/"})) as receiver:
        answer = _send(receiver.url + "/hook", PRIVATE_OK)
    assert answer.status_code == 302 and answer.is_redirect
    assert len(receiver.received) == 1


def test_the_answer_is_read_up_to_the_bound() -> None:
    with Receiver(Answer(200, b"a" * 1_000_000)) as receiver:
        answer = _send(receiver.url, PRIVATE_OK)
    assert answer.truncated
    assert len(answer.body) == net.MAX_RESPONSE_BYTES
    assert len(answer.excerpt()) == 500


def test_a_slow_answer_times_out() -> None:
    with Receiver(Answer(200, b"late", delay=3)) as receiver, pytest.raises(TimeoutError):
        _send(receiver.url, PRIVATE_OK, timeout=0.5)


def test_a_get_has_the_same_guards() -> None:
    with Receiver(Answer(301, b"", {"Location": "/elsewhere"})) as receiver:
        answer = _send(receiver.url, PRIVATE_OK, method="GET")
        with pytest.raises(OutboundRefused):
            _send(receiver.url, PUBLIC, method="GET")
    assert answer.status_code == 301
    assert len(receiver.received) == 1


def test_an_unresolvable_host_is_a_clear_refusal() -> None:
    with pytest.raises(OutboundRefused, match="cannot resolve"):
        check_url("http://no-such-host.invalid/", PUBLIC)


def test_httpx_errors_pass_through() -> None:
    with pytest.raises(httpx.ConnectError):
        _send("http://127.0.0.1:1/", PRIVATE_OK)
