"""IPv6 addresses that carry an IPv4 address are judged by the IPv4 address inside.

On an IPv6-only host behind NAT64, ``64:ff9b::a9fe:a9fe`` *is* 169.254.169.254 (the cloud metadata
service); 6to4, Teredo, IPv4-compatible and IPv4-translated addresses embed IPv4 the same way. Each
row names the notation, an address that hides a private IPv4 one (refused) and, where the notation
can reach the public internet at all, one that hides a public address (allowed, as a DNS64 resolver
hands such addresses out for every ordinary site).
"""

from __future__ import annotations

import pytest
from pelican.plugins.engagement.net import BlockedAddress, FetchPolicy, fetch, is_public_address

HIDDEN_PRIVATE = [
    # (notation, address, what is inside)
    ("NAT64 well-known prefix", "64:ff9b::a9fe:a9fe", "169.254.169.254"),
    ("NAT64 well-known prefix, dotted", "64:ff9b::127.0.0.1", "127.0.0.1"),
    ("NAT64 well-known prefix, RFC 1918", "64:ff9b::a00:1", "10.0.0.1"),
    ("NAT64 local-use prefix /96", "64:ff9b:1::a9fe:a9fe", "169.254.169.254"),
    ("NAT64 local-use prefix /48 (RFC 6052 layout)", "64:ff9b:1:a9fe:a9:fe00::", "169.254.169.254"),
    ("NAT64 local-use prefix /56 (RFC 6052 layout)", "64:ff9b:1:a9:fe:a9fe::", "169.254.169.254"),
    ("NAT64 local-use prefix /64 (RFC 6052 layout)", "64:ff9b:1:0:a9:fea9:fe00:0", "169.254.169.254"),
    ("6to4", "2002:a9fe:a9fe::1", "169.254.169.254"),
    ("6to4 of loopback", "2002:7f00:1::", "127.0.0.1"),
    ("Teredo, private client (stored XOR 0xffffffff)", "2001:0:808:808:0:0:5601:5601", "169.254.169.254"),
    ("Teredo, private server", "2001:0:a00:1:0:0:f7f7:f7f7", "10.0.0.1 (server)"),
    ("IPv4-compatible", "::a9fe:a9fe", "169.254.169.254"),
    ("IPv4-compatible, dotted", "::127.0.0.1", "127.0.0.1"),
    ("IPv4-compatible, RFC 1918", "::c0a8:101", "192.168.1.1"),
    ("IPv4-mapped", "::ffff:a9fe:a9fe", "169.254.169.254"),
    ("IPv4-mapped, dotted", "::ffff:127.0.0.1", "127.0.0.1"),
    ("IPv4-translated (SIIT)", "::ffff:0:a9fe:a9fe", "169.254.169.254"),
]

HIDDEN_PUBLIC = [
    ("NAT64 well-known prefix", "64:ff9b::808:808"),
    ("NAT64 local-use prefix /96", "64:ff9b:1::808:808"),
    ("6to4", "2002:808:808::1"),
    ("Teredo, public server and client", "2001:0:808:808:0:0:f7f7:f7f7"),
    ("IPv4-mapped", "::ffff:8.8.8.8"),
    ("IPv4-compatible", "::8.8.8.8"),
]


@pytest.mark.parametrize(("notation", "address", "inside"), HIDDEN_PRIVATE,
                         ids=[row[0] for row in HIDDEN_PRIVATE])
def test_an_embedded_private_ipv4_address_is_not_public(notation: str, address: str, inside: str) -> None:
    assert not is_public_address(address), f"{notation}: {address} hides {inside}"


@pytest.mark.parametrize(("notation", "address"), HIDDEN_PUBLIC, ids=[row[0] for row in HIDDEN_PUBLIC])
def test_an_embedded_public_ipv4_address_is_public(notation: str, address: str) -> None:
    assert is_public_address(address), f"{notation}: {address}"


@pytest.mark.parametrize("address", ["2606:4700:4700::1111", "2a00:1450:4001:80b::200e"])
def test_ordinary_global_ipv6_addresses_stay_public(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize("address", ["::1", "::", "fe80::1", "fc00::1", "ff02::1"])
def test_ordinary_non_public_ipv6_addresses_stay_refused(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["64:ff9b::a9fe:a9fe", "2002:7f00:1::", "::ffff:0:7f00:1"])
def test_a_url_with_an_embedding_literal_is_refused_before_connecting(address: str) -> None:
    with pytest.raises(BlockedAddress):
        fetch(f"http://[{address}]/latest/meta-data/", policy=FetchPolicy(timeout=1.0))


def test_a_local_use_nat64_address_is_refused_when_any_prefix_length_reads_it_as_private() -> None:
    # Read with a /96 prefix this is 8.0.0.0 (public); read with a /64 prefix it is 10.0.0.8.
    assert not is_public_address("64:ff9b:1:0:a:0:800:0")
