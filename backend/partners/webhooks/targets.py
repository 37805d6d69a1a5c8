"""Where webhooks may be sent: outside sandbox mode, https URLs whose every address is public,
so an endpoint cannot make us call into our own network (SSRF). Checked when an endpoint is
registered and again, with a fresh DNS lookup, before every delivery."""

from __future__ import annotations

import socket
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import SplitResult, urlsplit

from backend.core.errors import ValidationFailed

MAX_URL_LENGTH = 2048
CGNAT = IPv4Network("100.64.0.0/10")
NAT64 = IPv6Network("64:ff9b::/96")


class Unreachable(Exception):
    """The host does not resolve, or resolves to an address we must not call."""


def is_public(ip: IPv4Address | IPv6Address) -> bool:
    """A globally routable unicast address; IPv4 embedded in IPv6 (mapped, 6to4, NAT64) is
    judged by its IPv4 address."""
    if isinstance(ip, IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64:
            embedded = IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    blocked = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, IPv4Address) and ip in CGNAT)
    )
    return ip.is_global and not blocked


def parse(url: str, allow_private: bool) -> SplitResult:
    """The URL's parts; a 422 naming `url` if it cannot be a webhook target."""
    if len(url) > MAX_URL_LENGTH:
        raise ValidationFailed("url", f"Longer than {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValidationFailed("url", "Not a valid URL.") from None
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise ValidationFailed("url", f"Use {' or '.join(schemes)}.")
    if not parts.hostname:
        raise ValidationFailed("url", "The URL needs a host.")
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed("url", "Credentials in the URL are not allowed.")
    if parts.fragment:
        raise ValidationFailed("url", "A fragment is never sent; remove it.")
    return parts


def resolve(parts: SplitResult, allow_private: bool) -> str:
    """The address to connect to: every address of the host must be public (unless
    `allow_private`), so round-robin DNS cannot slip an internal one in."""
    assert parts.hostname is not None  # noqa: S101 - parse() checked
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Unreachable(f"{parts.hostname} does not resolve ({exc})") from None
    addresses = [ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not allow_private:
        refused = sorted({str(a) for a in addresses if not is_public(a)})
        if refused:
            raise Unreachable(
                f"{parts.hostname} resolves to a non-public address ({', '.join(refused)})"
            )
    return str(addresses[0])


def vet(url: str, allow_private: bool) -> str:
    """Check a URL being registered; a 422 naming `url` if we would refuse to call it."""
    parts = parse(url, allow_private)
    if not allow_private:
        try:
            resolve(parts, allow_private)
        except Unreachable as exc:
            raise ValidationFailed("url", f"Refused: {exc}.") from None
    return parts.geturl()
