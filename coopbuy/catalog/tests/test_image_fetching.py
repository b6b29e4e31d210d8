"""The image fetcher's guard against server-side request forgery, and its bounds."""

from __future__ import annotations

import ipaddress
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coopbuy.catalog.images.fetching import FetchPolicy, FetchRefused, fetch, is_public
from coopbuy.catalog.tests import pictures
from coopbuy.catalog.tests.image_server import ImageServer, image_server

LOOPBACK = FetchPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),), timeout=5)


@pytest.fixture
def server() -> Iterator[ImageServer]:
    with image_server() as running:
        yield running


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # a cloud's metadata service
        "100.64.0.1",  # shared address space
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_a_loopback_server_is_refused_without_the_allow_list(server: ImageServer) -> None:
    server.routes["/a.png"] = (200, {"Content-Type": "image/png"}, pictures.png())
    with pytest.raises(FetchRefused, match="private or reserved"):
        fetch(server.url("/a.png"), policy=FetchPolicy(timeout=5))
    assert server.hits["/a.png"] == 0  # refused before connecting


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/a.png",
        "http://10.0.0.7/a.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/a.png",
        "http://[::ffff:127.0.0.1]/a.png",
        "http://2130706433/a.png",  # 127.0.0.1 written as one number
        "http://0x7f.1/a.png",
    ],
)
def test_private_and_loopback_hosts_are_refused(url: str) -> None:
    with pytest.raises(FetchRefused, match="private or reserved"):
        fetch(url, policy=FetchPolicy(timeout=2))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/a.png", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("gopher://127.0.0.1:6379/_INFO", "Only http:// and https://"),
        ("http:///a.png", "no host name"),
        ("http://user:secret@example.org/a.png", "user name or password"),
        ("http://example.org:99999/a.png", "not a web address"),
    ],
)
def test_other_schemes_credentials_and_bad_addresses_are_refused(url: str, reason: str) -> None:
    with pytest.raises(FetchRefused, match=reason):
        fetch(url, policy=LOOPBACK)


def test_the_allow_listed_loopback_server_is_fetched(server: ImageServer) -> None:
    body = pictures.png()
    server.routes["/a.png"] = (200, {"Content-Type": "image/png"}, body)
    assert fetch(server.url("/a.png"), policy=LOOPBACK) == body


def test_a_redirect_to_a_private_address_is_refused(server: ImageServer) -> None:
    server.routes["/moved"] = (302, {"Location": "http://169.254.169.254/latest/"}, b"")
    with pytest.raises(FetchRefused, match=r"169\.254\.169\.254 is a private or reserved"):
        fetch(server.url("/moved"), policy=LOOPBACK)
    server.routes["/to-localhost"] = (301, {"Location": "http://[::1]:1/a.png"}, b"")
    with pytest.raises(FetchRefused, match="private or reserved"):
        fetch(server.url("/to-localhost"), policy=LOOPBACK)


def test_redirects_are_followed_a_few_times_then_refused(server: ImageServer) -> None:
    body = pictures.png()
    server.routes["/a.png"] = (200, {}, body)
    server.routes["/one"] = (302, {"Location": "/a.png"}, b"")  # relative, re-checked
    assert fetch(server.url("/one"), policy=LOOPBACK) == body
    server.routes["/loop"] = (307, {"Location": "/loop"}, b"")
    with pytest.raises(FetchRefused, match="redirected more than 3 times"):
        fetch(server.url("/loop"), policy=LOOPBACK)
    assert server.hits["/loop"] == 4


def test_a_body_over_the_byte_cap_is_refused(server: ImageServer) -> None:
    small_cap = FetchPolicy(allowed_networks=LOOPBACK.allowed_networks, max_bytes=1000, timeout=5)
    server.routes["/big"] = (200, {}, b"x" * 5000)
    with pytest.raises(FetchRefused, match="larger than"):
        fetch(server.url("/big"), policy=small_cap)
    # A server that sends no length is cut off at the cap too.
    server.routes["/undeclared"] = (200, {}, b"x" * 5000)
    server.slow["/undeclared"] = 0
    with pytest.raises(FetchRefused, match="larger than"):
        fetch(server.url("/undeclared"), policy=small_cap)


def test_a_server_that_drips_is_given_up_on_at_the_deadline(server: ImageServer) -> None:
    server.routes["/drip"] = (200, {}, b"x" * 100)
    server.slow["/drip"] = 0.1  # 10 seconds for the whole body
    started = time.monotonic()
    with pytest.raises(FetchRefused, match="too long"):
        fetch(
            server.url("/drip"),
            policy=FetchPolicy(allowed_networks=LOOPBACK.allowed_networks, timeout=1),
        )
    assert time.monotonic() - started < 3


def test_an_error_status_is_refused(server: ImageServer) -> None:
    with pytest.raises(FetchRefused, match="answered 404"):
        fetch(server.url("/missing.png"), policy=LOOPBACK)


def test_an_https_server_whose_certificate_is_not_trusted_is_refused(tmp_path: Path) -> None:
    """Certificates are verified: a self-signed one (as a man in the middle would show) fails."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    files = ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            *subject,
            *files,
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with image_server(tls=context) as secure:
        secure.routes["/a.png"] = (200, {}, pictures.png())
        assert secure.url("/a.png").startswith("https://")
        with pytest.raises(FetchRefused, match="certificate is not valid"):
            fetch(secure.url("/a.png"), policy=LOOPBACK)
