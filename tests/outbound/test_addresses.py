"""The address guard denies by default (outbound/addresses.py): only global unicast passes.
Every range of the IANA special-purpose registries is refused at its first and last address,
and IPv6 forms that carry a refused IPv4 address (mapped, NAT64, 6to4, Teredo) are refused
too — including the ones `ipaddress` calls global on Python 3.11.7."""

from __future__ import annotations

import ipaddress

import pytest

from orderhub.outbound import addresses
from orderhub.outbound.addresses import SPECIAL_IPV4, SPECIAL_IPV6, refusal_reason
from orderhub.outbound.net import OutboundPolicy, OutboundRefused, resolve

PUBLIC = OutboundPolicy()


def reason(text: str) -> str | None:
    return refusal_reason(ipaddress.ip_address(text))


@pytest.mark.parametrize(
    "special", SPECIAL_IPV4 + SPECIAL_IPV6, ids=lambda s: f"{s.network}-{s.name}"
)
def test_every_special_range_is_refused_at_both_ends(special: addresses.SpecialRange) -> None:
    for address in (special.network[0], special.network[-1]):
        assert refusal_reason(address) is not None, address


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("192.0.0.192", "IETF protocol assignments"),  # is_global on 3.11.7
        ("2002:a9fe:a9fe::1", "6to4 form of 169.254.169.254, link-local"),  # ditto
        ("100.64.0.1", "shared address space"),
        ("198.18.0.1", "benchmarking"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "this network"),
        ("255.255.255.255", "limited broadcast"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private-use"),
        ("172.31.255.255", "private-use"),
        ("192.168.1.1", "private-use"),
        ("169.254.169.254", "link-local"),
        ("192.0.2.10", "documentation"),
        ("198.51.100.7", "documentation"),
        ("203.0.113.9", "documentation"),
        ("192.88.99.1", "6to4 relay"),
        ("::ffff:127.0.0.1", "IPv4-mapped form of 127.0.0.1, loopback"),
        ("::ffff:10.0.0.1", "IPv4-mapped form of 10.0.0.1"),
        ("::127.0.0.1", "IPv4-compatible"),
        ("64:ff9b::a9fe:a9fe", "NAT64 form of 169.254.169.254"),
        ("64:ff9b::10.0.0.1", "NAT64 form of 10.0.0.1"),
        ("64:ff9b:1::8.8.8.8", "local-use IPv4/IPv6 translation"),
        ("2002:7f00:1::", "6to4 form of 127.0.0.1"),
        ("2002:c0a8:0101::1", "6to4 form of 192.168.1.1"),
        # Teredo: the client's address is the inverted last 32 bits (~0a000001 = f5fffffe)
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo form of 10.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo form of 127.0.0.1"),
        ("fc00::1", "unique-local"),
        ("fd12:3456::1", "unique-local"),
        ("fe80::1", "link-local"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("100::1", "discard-only"),
        ("2001:db8::1", "documentation"),
        ("2001:2::1", "benchmarking"),
        ("2001:1::1", "IETF protocol assignments"),
        ("3fff::1", "documentation"),
        ("5f00::1", "segment routing"),
        ("2620:4f:8000::1", "AS112"),
        ("4000::1", "not global unicast"),
    ],
)
def test_a_special_address_is_refused_with_its_range(address: str, why: str) -> None:
    found = reason(address)
    assert found is not None and why in found, found
    with pytest.raises(OutboundRefused, match="ORDERHUB_OUTBOUND_ALLOW_PRIVATE"):
        host = f"[{address}]" if ":" in address else address
        resolve(f"http://{host}/hook", PUBLIC)


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "93.184.215.14",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "2a00:1450:4001:81c::200e",
        "::ffff:8.8.8.8",  # mapped public
        "64:ff9b::808:808",  # NAT64 of 8.8.8.8
        "2002:808:808::1",  # 6to4 of 8.8.8.8
        "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo of 8.8.8.8
    ],
)
def test_global_unicast_passes(address: str) -> None:
    assert reason(address) is None


def test_allow_private_lifts_the_address_check_and_the_host_lists_keep_their_meaning() -> None:
    url = "http://[2002:a9fe:a9fe::1]/latest/meta-data/"
    resolve(url, OutboundPolicy(allow_private=True))
    # the allow list restricts which hosts are reached; it does not make a private one public
    with pytest.raises(OutboundRefused, match="ALLOW_PRIVATE"):
        resolve(url, OutboundPolicy(allow_hosts=("2002:a9fe:a9fe::1",)))
    resolve(url, OutboundPolicy(allow_hosts=("2002:a9fe:a9fe::1",), allow_private=True))
    # the deny list is refused whatever else is allowed
    with pytest.raises(OutboundRefused, match="DENY_HOSTS"):
        resolve(url, OutboundPolicy(deny_hosts=("2002:a9fe:a9fe::1",), allow_private=True))
