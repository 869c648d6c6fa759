"""The SSRF guard: which addresses the desk may connect to.

A feed is content from strangers, and a link in it can point anywhere: at the machine
itself, at the local network, at a cloud's metadata service. Every connection is judged
on the address actually dialled, after DNS and after every redirect, so neither a
hostname that resolves to 10.0.0.1 nor a redirect to 169.254.169.254 gets through.
Addresses embedded in IPv6 forms (IPv4-mapped, NAT64, 6to4, Teredo) are judged by the
IPv4 address inside them. Named hosts or networks in the allowlist are let through: a
curator's own intranet source, or the loopback servers of the tests.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_TEREDO = ipaddress.ip_network("2001::/32")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR and address.sixtofour is not None:
        return address.sixtofour
    if address in _TEREDO and address.teredo is not None:
        return address.teredo[1]
    # IPv4-compatible (deprecated) ::a.b.c.d
    if int(address) >> 32 == 0 and int(address) > 1:
        return ipaddress.IPv4Address(int(address))
    return None


def blocked_reason(address: IPAddress) -> str | None:
    """Why the desk must not connect to ``address``, or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = blocked_reason(embedded)
            return f"{reason} (inside {address})" if reason else None
        if address in ipaddress.ip_network("fc00::/7"):
            return "a unique local (private) address"
    checks: list[tuple[bool, str]] = [
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_unspecified, "the unspecified address"),
        (
            isinstance(address, ipaddress.IPv4Address) and address in _CGNAT,
            "a carrier-grade NAT address",
        ),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    ]
    for failed, reason in checks:
        if failed:
            return reason
    return None


@dataclass(frozen=True)
class AddressGuard:
    """Judges a host and the addresses it resolved to; ``allow`` names hosts or networks."""

    allow: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def allowing(cls, entries: Iterable[str]) -> AddressGuard:
        return cls(frozenset(e.strip().lower().rstrip(".") for e in entries if e.strip()))

    def _allowed_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        networks = []
        for entry in self.allow:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                continue
        return networks

    def host_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".").strip("[]") in self.allow

    def refusal(self, host: str, address: IPAddress) -> str | None:
        """Why connecting to ``address`` for ``host`` is refused, or None."""
        if self.host_allowed(host):
            return None
        if any(address in network for network in self._allowed_networks()):
            return None
        reason = blocked_reason(address)
        if reason is None:
            return None
        return (
            f"{host} resolves to {address}, {reason} — the desk only fetches public"
            " addresses; add the host to fetch.allow_hosts if it is yours"
        )
