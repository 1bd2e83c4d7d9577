"""Which IP addresses an outbound request may reach: only global unicast, denied by default.

`ipaddress`' own classification is not trusted alone (on Python 3.11.7 `192.0.0.192` and the
6to4 form of 169.254.169.254, `2002:a9fe:a9fe::1`, count as global). Instead every range of
the IANA special-purpose registries is listed below and refused — whatever the registry says
about its global reachability (an anycast relay or a documentation prefix is no receiver of
a store's) — and IPv6 must moreover lie in the global unicast space 2000::/3.

Sources (as of 2025-11):
- IANA IPv4 Special-Purpose Address Registry,
  https://www.iana.org/assignments/iana-ipv4-special-registry/
- IANA IPv6 Special-Purpose Address Registry,
  https://www.iana.org/assignments/iana-ipv6-special-registry/
- plus the multicast blocks (224.0.0.0/4, ff00::/8: IANA IPv4 / IPv6 Multicast Address
  Space registries), the deprecated site-local fec0::/10 (RFC 3879) and 2000::/3 as the IPv6
  global unicast space (IANA IPv6 Address Space registry).

IPv6 forms that carry an IPv4 address — IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96),
6to4 (2002::/16, the IPv4 address in bits 16–47) and Teredo (2001::/32, the client's IPv4
address inverted in the last 32 bits) — are judged by the IPv4 address inside them.
IPv4-compatible (::/96) and local-use NAT64 (64:ff9b:1::/48) are refused outright.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class SpecialRange:
    network: IPNetwork
    name: str


def _table(*rows: tuple[str, str]) -> tuple[SpecialRange, ...]:
    return tuple(SpecialRange(ipaddress.ip_network(cidr), name) for cidr, name in rows)


# More specific ranges first, so a refusal names the narrowest range.
SPECIAL_IPV4 = _table(
    ("0.0.0.0/8", "this network"),  # RFC 791; 0.0.0.0/32 "this host" inside
    ("10.0.0.0/8", "private-use"),  # RFC 1918
    ("100.64.0.0/10", "shared address space"),  # RFC 6598 (carrier-grade NAT)
    ("127.0.0.0/8", "loopback"),  # RFC 1122
    ("169.254.0.0/16", "link-local"),  # RFC 3927 (cloud metadata lives here)
    ("172.16.0.0/12", "private-use"),  # RFC 1918
    ("192.0.0.0/24", "IETF protocol assignments"),  # RFC 6890; /29, .8, .9, .10, .170, .171
    ("192.0.2.0/24", "documentation (TEST-NET-1)"),  # RFC 5737
    ("192.31.196.0/24", "AS112-v4"),  # RFC 7535
    ("192.52.193.0/24", "AMT"),  # RFC 7450
    ("192.88.99.0/24", "deprecated 6to4 relay anycast"),  # RFC 7526
    ("192.168.0.0/16", "private-use"),  # RFC 1918
    ("192.175.48.0/24", "direct delegation AS112 service"),  # RFC 7534
    ("198.18.0.0/15", "benchmarking"),  # RFC 2544
    ("198.51.100.0/24", "documentation (TEST-NET-2)"),  # RFC 5737
    ("203.0.113.0/24", "documentation (TEST-NET-3)"),  # RFC 5737
    ("224.0.0.0/4", "multicast"),  # RFC 5771
    ("255.255.255.255/32", "limited broadcast"),  # RFC 919 (inside 240/4; named first)
    ("240.0.0.0/4", "reserved"),  # RFC 1112
)

SPECIAL_IPV6 = _table(
    ("::1/128", "loopback"),  # RFC 4291
    ("::/128", "unspecified"),  # RFC 4291
    ("::/96", "IPv4-compatible (deprecated)"),  # RFC 4291 §2.5.5.1
    ("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),  # RFC 8215
    ("100::/64", "discard-only"),  # RFC 6666
    ("100:0:0:1::/64", "dummy IPv6 prefix"),  # RFC 9780
    ("2001:2::/48", "benchmarking"),  # RFC 5180
    ("2001:10::/28", "deprecated ORCHID"),  # RFC 4843
    ("2001:20::/28", "ORCHIDv2"),  # RFC 7343
    ("2001::/23", "IETF protocol assignments"),  # RFC 2928 (Teredo is judged before this)
    ("2001:db8::/32", "documentation"),  # RFC 3849
    ("2620:4f:8000::/48", "direct delegation AS112 service"),  # RFC 7534
    ("3fff::/20", "documentation"),  # RFC 9637
    ("5f00::/16", "segment routing SIDs"),  # RFC 9602
    ("fc00::/7", "unique-local"),  # RFC 4193
    ("fe80::/10", "link-local"),  # RFC 4291
    ("fec0::/10", "site-local (deprecated)"),  # RFC 3879
    ("ff00::/8", "multicast"),  # RFC 4291
)

GLOBAL_UNICAST_IPV6 = ipaddress.IPv6Network("2000::/3")

_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")
_LOW_32 = 0xFFFFFFFF


def embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 address stands for, with the name of its form, if any."""
    value = int(address)
    if address in _MAPPED:
        return "IPv4-mapped", ipaddress.IPv4Address(value & _LOW_32)
    if address in _NAT64:
        return "NAT64", ipaddress.IPv4Address(value & _LOW_32)
    if address in _SIX_TO_FOUR:
        return "6to4", ipaddress.IPv4Address((value >> 80) & _LOW_32)
    if address in _TEREDO:
        return "Teredo", ipaddress.IPv4Address(~value & _LOW_32)
    return None


def _listed(address: IPAddress, table: tuple[SpecialRange, ...]) -> str | None:
    for special in table:
        if address in special.network:
            return special.name
    return None


def refusal_reason(address: IPAddress) -> str | None:
    """Why `address` is not a global unicast address a request may go to, or None."""
    if isinstance(address, ipaddress.IPv4Address):
        return _listed(address, SPECIAL_IPV4)
    embedded = embedded_ipv4(address)
    if embedded is not None:
        form, inner = embedded
        reason = refusal_reason(inner)
        return f"{form} form of {inner}, {reason}" if reason else None
    reason = _listed(address, SPECIAL_IPV6)
    if reason is None and address not in GLOBAL_UNICAST_IPV6:
        return "not global unicast"
    return reason
