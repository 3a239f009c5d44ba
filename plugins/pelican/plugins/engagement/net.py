"""The one guarded HTTP client for everything the plugin fetches from other sites.

oEmbed at build time, webmention/pingback source verification, endpoint discovery and sending all go
through :func:`fetch`, because each of them lets a stranger choose the URL we request. The guards:

- only ``http`` and ``https``, and (for hosts not explicitly allowed) only ports 80 and 443;
- every address a name resolves to is checked *at connect time* and the socket connects to the
  address that was checked, so a DNS answer that changes between check and use (rebinding) cannot
  slip a private address through; literal IPs in any notation (decimal, octal, IPv6-mapped) are
  resolved by the system first and so are checked the same way; IPv6 addresses that carry an
  IPv4 address (NAT64, 6to4, Teredo, IPv4-mapped/-compatible) are judged by the address inside;
- redirects are followed by hand, at most ``max_redirects``, each hop checked again;
- a total deadline (not only a per-read timeout, which a slow-loris server defeats by trickling
  bytes) and a cap on the *decoded* body size (which also stops compression bombs);
- no proxies from the environment (a proxy would make the address check meaningless).

``ENGAGEMENT_ALLOWED_PRIVATE_HOSTS`` names hosts that may resolve to private or loopback addresses
(local development and tests only).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from pelican.plugins.engagement import __version__

DEFAULT_USER_AGENT = f"pelican-engagement/{__version__} (Webmention; +https://getpelican.com)"
PUBLIC_PORTS = frozenset({80, 443})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


# IPv6 ranges whose addresses embed an IPv4 address (see :func:`embedded_ipv4`).
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # SIIT, RFC 2765
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated; also holds :: and ::1
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052
_NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")
# Where RFC 6052 puts the IPv4 bytes for each NAT64 prefix length (byte 8, "u", is skipped).
_RFC6052_SLICES: dict[int, tuple[slice, ...]] = {
    48: (slice(6, 8), slice(9, 11)),
    56: (slice(7, 8), slice(9, 12)),
    64: (slice(9, 13),),
    96: (slice(12, 16),),
}


class FetchError(Exception):
    """A fetch that did not produce a usable response; ``reason`` is safe to show to a person."""

    def __init__(self, reason: str, *, url: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url


class BlockedAddress(FetchError):
    """The URL points at a private, loopback, link-local or otherwise non-public address."""


class TooLarge(FetchError):
    """The response body is larger than the configured cap."""


class FetchTimeout(FetchError):
    """The server did not answer (completely) within the deadline."""


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one kind of fetch; build one from the settings with :meth:`from_settings`."""

    timeout: float = 5.0
    max_bytes: int = 1024 * 1024
    max_redirects: int = 5
    allowed_private_hosts: frozenset[str] = frozenset()
    user_agent: str = DEFAULT_USER_AGENT

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> FetchPolicy:
        values: dict[str, Any] = {
            "timeout": settings.FETCH_TIMEOUT,
            "max_bytes": settings.FETCH_MAX_BYTES,
            "max_redirects": settings.FETCH_MAX_REDIRECTS,
            "allowed_private_hosts": frozenset(h.lower() for h in settings.ALLOWED_PRIVATE_HOSTS),
        }
        values.update(overrides)
        return cls(**values)

    def host_is_trusted(self, host: str) -> bool:
        return host.lower().strip("[]") in self.allowed_private_hosts


@dataclass(frozen=True)
class FetchResult:
    """A complete, size-checked response."""

    url: str  # the final URL, after redirects
    status: int
    headers: CaseInsensitiveDict[str]
    content: bytes
    encoding: str | None = None
    history: tuple[str, ...] = field(default=())
    links: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()

    @property
    def text(self) -> str:
        return self.content.decode(self.encoding or "utf-8", errors="replace")

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _is_global_unicast(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not ip.is_multicast


def is_public_address(address: str) -> bool:
    """True for globally routable unicast addresses.

    An IPv6 address that carries an IPv4 address (NAT64, 6to4, Teredo, IPv4-mapped/-compatible/
    -translated) is judged by the IPv4 address(es) inside, because that is where a packet to it
    ends up: on an IPv6-only host with NAT64, ``64:ff9b::a9fe:a9fe`` is the metadata service.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inside = embedded_ipv4(ip)
        if inside is not None:
            return all(_is_global_unicast(v4) for v4 in inside)
    return _is_global_unicast(ip)


def _nat64_local_readings(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """Every IPv4 address ``ip`` can mean under some prefix length of the local-use NAT64 range.

    RFC 6052 zeroes the "u" byte and the suffix after the IPv4 bytes, so a length whose u byte or
    suffix is not zero cannot be the operator's; the /96 reading has neither and always counts.
    """
    packed = ip.packed
    readings = []
    for length, parts in _RFC6052_SLICES.items():
        suffix_start = parts[-1].stop
        if length != 96 and (packed[8] or any(packed[suffix_start:])):
            continue
        readings.append(ipaddress.IPv4Address(b"".join(packed[part] for part in parts)))
    return tuple(readings)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...] | None:
    """The IPv4 addresses a packet to ``ip`` may really reach, or None when it embeds none.

    The local-use NAT64 prefix may be any of /48, /56, /64 or /96 inside ``64:ff9b:1::/48`` (the
    operator chooses, and we cannot know which), so every possible reading is returned and all
    must pass.
    For Teredo both the relay server and the client (stored XOR 0xffffffff) are returned.
    """
    if ip in _IPV4_MAPPED:
        return (ipaddress.IPv4Address(ip.packed[12:]),)
    if ip in _IPV4_TRANSLATED or ip in _IPV4_COMPATIBLE or ip in _NAT64_WELL_KNOWN:
        return (ipaddress.IPv4Address(ip.packed[12:]),)
    if ip in _NAT64_LOCAL_USE:
        return _nat64_local_readings(ip)
    if ip in _SIX_TO_FOUR:
        return (ipaddress.IPv4Address(ip.packed[2:6]),)
    if ip in _TEREDO:
        server = ipaddress.IPv4Address(ip.packed[4:8])
        client = ipaddress.IPv4Address(int.from_bytes(ip.packed[12:16], "big") ^ 0xFFFFFFFF)
        return (server, client)
    return None


def check_url(url: str, policy: FetchPolicy) -> tuple[str, int]:
    """Refuse what can be refused before any network use; returns (host, port)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not {parts.scheme or 'none'}:",
                         url=url)
    if not parts.hostname:
        raise FetchError("the URL has no host name", url=url)
    if parts.username or parts.password:
        raise FetchError("URLs with credentials are not fetched", url=url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("the URL has an invalid port", url=url) from None
    if port not in PUBLIC_PORTS and not policy.host_is_trusted(parts.hostname):
        raise BlockedAddress(f"port {port} is not fetched (only 80 and 443)", url=url)
    return parts.hostname, port


def _vetted_addresses(host: str, port: int, policy: FetchPolicy) -> list[tuple[Any, ...]]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise FetchError(f"could not resolve {host}: {error.strerror}") from None
    if policy.host_is_trusted(host):
        return infos
    blocked = [info[4][0] for info in infos if not is_public_address(info[4][0])]
    if blocked:
        # Refuse the whole name: one private answer among public ones is a rebinding attempt.
        raise BlockedAddress(f"{host} resolves to a non-public address")
    return infos


def _connect(conn: HTTPConnection, policy: FetchPolicy) -> socket.socket:
    """Open a socket to an address that passed the check (the same one, not a second lookup)."""
    last_error: OSError | None = None
    for family, socktype, proto, _canon, address in _vetted_addresses(conn.host, conn.port, policy):
        sock = socket.socket(family, socktype, proto)
        try:
            sock.settimeout(policy.timeout)
            sock.connect(address)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError as error:
            sock.close()
            last_error = error
    raise FetchError(f"could not connect to {conn.host}: {last_error}")


def _guarded_adapter(policy: FetchPolicy) -> HTTPAdapter:
    """A requests adapter whose connections go through :func:`_connect`."""

    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _connect(self, policy)

    class GuardedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return _connect(self, policy)

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    class GuardedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {
                "http": GuardedHTTPPool,
                "https": GuardedHTTPSPool,
            }

    return GuardedAdapter(max_retries=0)


class Fetcher:
    """A guarded session: reuse one for many requests to keep connections alive."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies or .netrc from the environment
        adapter = _guarded_adapter(self.policy)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = self.policy.user_agent

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        data: Mapping[str, str] | bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
    ) -> FetchResult:
        """Send one request (following redirects by hand) and read the whole, capped body."""
        deadline = time.monotonic() + self.policy.timeout
        history: list[str] = []
        method = method.upper()
        for _hop in range(self.policy.max_redirects + 1):
            check_url(url, self.policy)
            response = self._send(method, url, data, headers, deadline)
            location = response.headers.get("Location")
            if follow_redirects and response.status_code in REDIRECT_CODES and location:
                response.close()
                history.append(url)
                url = urljoin(url, location)
                if response.status_code in (301, 302, 303) and method != "HEAD":
                    method, data = "GET", None
                continue
            return self._read(response, url, deadline, tuple(history))
        raise FetchError(f"more than {self.policy.max_redirects} redirects", url=url)

    def get(self, url: str, **kwargs: Any) -> FetchResult:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, data: Mapping[str, str] | bytes | str, **kwargs: Any) -> FetchResult:
        return self.request("POST", url, data=data, **kwargs)

    def _send(
        self,
        method: str,
        url: str,
        data: Any,
        headers: Mapping[str, str] | None,
        deadline: float,
    ) -> requests.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchTimeout("the server took too long to answer", url=url)
        try:
            return self.session.request(
                method, url, data=data, headers=dict(headers or {}), stream=True,
                allow_redirects=False, timeout=(min(remaining, self.policy.timeout), remaining),
            )
        except FetchError:
            raise
        except requests.Timeout:
            raise FetchTimeout("the server took too long to answer", url=url) from None
        except requests.RequestException as error:
            raise FetchError(f"the request failed: {_reason(error)}", url=url) from None

    def _read(
        self, response: requests.Response, url: str, deadline: float, history: tuple[str, ...]
    ) -> FetchResult:
        cap = self.policy.max_bytes
        try:
            declared = int(response.headers.get("Content-Length", "0") or 0)
        except ValueError:
            declared = 0
        if declared > cap:
            response.close()
            raise TooLarge(f"the response is larger than {cap} bytes", url=url)
        body = bytearray()
        try:
            for chunk in response.iter_content(chunk_size=16384):
                body += chunk
                if len(body) > cap:
                    raise TooLarge(f"the response is larger than {cap} bytes", url=url)
                if time.monotonic() > deadline:
                    raise FetchTimeout("the server took too long to send the response", url=url)
        except requests.RequestException as error:
            if isinstance(error, requests.ConnectionError) and "timed out" in str(error):
                raise FetchTimeout("the server took too long to send the response", url=url) from None
            raise FetchError(f"reading the response failed: {_reason(error)}", url=url) from None
        finally:
            response.close()
        return FetchResult(
            url=url,
            status=response.status_code,
            headers=response.headers,
            content=bytes(body),
            encoding=response.encoding if "charset" in response.headers.get("Content-Type", "") else None,
            history=history,
            links=response.links,
        )


def _reason(error: Exception) -> str:
    text = str(error)
    return text if len(text) < 200 else text[:197] + "..."


def fetch(
    url: str,
    *,
    settings: Any = None,
    policy: FetchPolicy | None = None,
    method: str = "GET",
    data: Mapping[str, str] | bytes | str | None = None,
    headers: Mapping[str, str] | None = None,
    follow_redirects: bool = True,
) -> FetchResult:
    """Fetch one URL under the guards; ``settings`` (EngagementSettings) or ``policy`` sets limits."""
    if policy is None:
        policy = FetchPolicy.from_settings(settings) if settings is not None else FetchPolicy()
    with Fetcher(policy) as fetcher:
        return fetcher.request(method, url, data=data, headers=headers,
                               follow_redirects=follow_redirects)
