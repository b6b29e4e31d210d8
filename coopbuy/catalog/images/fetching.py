"""Fetch an image from a price list's URL without letting the URL reach inside our network.

Server-side request forgery is the risk: a price list could name `http://127.0.0.1:5432/`,
`http://169.254.169.254/` (a cloud's metadata) or a host whose name resolves to a private address.
So each request, the first and every redirect:
- is `http` or `https`, with a host name and no user name or password;
- resolves the host once and refuses it unless every address is a public one (not private,
  loopback, link-local, multicast, reserved, unspecified, shared or an IPv4 address mapped or
  embedded in IPv6), save networks the `COOPBUY_IMAGE_FETCH_ALLOW` setting lists (tests use it
  for a loopback server);
- connects to the address it checked (a second lookup could answer differently), sending the host
  name in `Host` and, for https, in TLS's server name, verified against the certificate;
- follows at most `MAX_REDIRECTS` redirects, each checked as above;
- reads at most `decoding.MAX_BYTES` bytes, and gives up after `timeout` seconds in all.
No proxy from the environment is used.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from coopbuy.catalog.images.decoding import MAX_BYTES

MAX_REDIRECTS = 3
MAX_URL_LENGTH = 2000
CHUNK = 64 * 1024
USER_AGENT = "coopbuy-image-fetch/1"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(Exception):
    """The image could not be fetched; `message` says why, for the import's page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FetchPolicy:
    allowed_networks: tuple[Network, ...] = ()
    max_bytes: int = MAX_BYTES
    timeout: float = 10.0
    max_redirects: int = MAX_REDIRECTS

    @classmethod
    def from_settings(cls) -> FetchPolicy:
        networks: Sequence[str] = getattr(settings, "COOPBUY_IMAGE_FETCH_ALLOW", ())
        return cls(
            allowed_networks=tuple(ipaddress.ip_network(n, strict=False) for n in networks),
            timeout=float(getattr(settings, "COOPBUY_IMAGE_FETCH_TIMEOUT", 10.0)),
        )


def check_url(url: str) -> str:
    """The URL if it may be fetched as far as its text goes (scheme, host, no credentials)."""
    if len(url) > MAX_URL_LENGTH:
        raise FetchRefused(
            _("The address is longer than %(n)s characters.") % {"n": MAX_URL_LENGTH}
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchRefused(_("This is not a web address.")) from error
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(_("Only http:// and https:// addresses are fetched."))
    if not parts.hostname:
        raise FetchRefused(_("The address has no host name."))
    if parts.username is not None or parts.password is not None:
        raise FetchRefused(_("An address with a user name or password is not fetched."))
    if port == 0:
        raise FetchRefused(_("This is not a web address."))
    return url


def is_public(address: Address) -> bool:
    """Whether an address is on the public internet (what the fetcher may connect to)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve(host: str, port: int, policy: FetchPolicy) -> Address:
    """The address to connect to; refused unless every address the name has is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(_("The host %(host)s is not known.") % {"host": host}) from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise FetchRefused(_("The host %(host)s is not known.") % {"host": host})
    for address in addresses:
        allowed = any(address in network for network in policy.allowed_networks)
        if not allowed and not is_public(address):
            raise FetchRefused(
                _("The host %(host)s is a private or reserved address; it is not fetched.")
                % {"host": host}
            )
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = str(address)

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.raw_sock: socket.socket | None = self.sock


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = str(address)

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]
        self.raw_sock: socket.socket | None = self.sock


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchRefused(_("The server took too long to answer."))
    return left


def fetch(url: str, *, policy: FetchPolicy | None = None) -> bytes:
    """The bytes at `url` (an image, to be checked by `decoding.renditions`); see the module."""
    policy = policy or FetchPolicy.from_settings()
    deadline = time.monotonic() + policy.timeout
    for _hop in range(policy.max_redirects + 1):
        parts = urlsplit(check_url(url))
        https = parts.scheme == "https"
        host = parts.hostname or ""
        port = parts.port or (443 if https else 80)
        address = resolve(host, port, policy)
        kind = _PinnedHTTPS if https else _PinnedHTTP
        connection = kind(host, port, address, _remaining(deadline))
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request(
                "GET",
                target,
                headers={"User-Agent": USER_AGENT, "Accept": "image/*", "Connection": "close"},
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchRefused(_("The server redirected to no address."))
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchRefused(
                    _("The server answered %(status)s instead of the image.")
                    % {"status": response.status}
                )
            return _read(response, connection, policy, deadline)
        except (OSError, http.client.HTTPException) as error:
            if isinstance(error, ssl.SSLCertVerificationError):
                raise FetchRefused(_("The server's certificate is not valid.")) from error
            if isinstance(error, TimeoutError):
                raise FetchRefused(_("The server took too long to answer.")) from error
            raise FetchRefused(
                _("The image could not be fetched: %(error)s") % {"error": error}
            ) from error
        finally:
            connection.close()
    raise FetchRefused(
        _("The address redirected more than %(n)s times.") % {"n": policy.max_redirects}
    )


def _read(
    response: http.client.HTTPResponse,
    connection: http.client.HTTPConnection,
    policy: FetchPolicy,
    deadline: float,
) -> bytes:
    too_large = FetchRefused(
        _("The image is larger than %(mb)s MB.") % {"mb": policy.max_bytes // (1024 * 1024)}
    )
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise too_large
    body = bytearray()
    while True:
        # http.client hands the socket to the response (connection.sock is then None); the
        # connection's own reference lets each read wait no longer than the time left.
        raw = getattr(connection, "raw_sock", None)
        if raw is not None:
            raw.settimeout(_remaining(deadline))
        chunk = response.read1(CHUNK)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > policy.max_bytes:
            raise too_large
        _remaining(deadline)
