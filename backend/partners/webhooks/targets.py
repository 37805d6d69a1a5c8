"""Where webhooks may be sent: https URLs whose every address is public, so an endpoint cannot
make us call into our own network (SSRF). Checked when an endpoint is registered and again, with
a fresh DNS lookup, before every delivery, in every mode.

The development setting `allow_private` (WEBHOOK_ALLOW_PRIVATE_TARGETS, off unless set) also
lets http and loopback or private addresses through, for a receiver on the developer's machine;
link-local addresses (169.254.169.254 and the other cloud metadata services) never are.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as LookupTimeout
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Any
from urllib.parse import SplitResult, urlsplit

from backend.core import messages
from backend.core.errors import ValidationFailed

MAX_URL_LENGTH = 2048
CGNAT = IPv4Network("100.64.0.0/10")
NAT64 = IPv6Network("64:ff9b::/96")
# Instance metadata services outside the link-local ranges (Alibaba Cloud, AWS over IPv6).
METADATA = {IPv4Address("100.100.100.200"), IPv6Address("fd00:ec2::254")}
# DNS lookups run here so that a slow name server cannot outlast an attempt's deadline.
_lookups = ThreadPoolExecutor(max_workers=8, thread_name_prefix="webhook-dns")

Address = IPv4Address | IPv6Address


class Unreachable(Exception):
    """The host does not resolve, or resolves to an address we must not call: `code` and
    `params` say which (messages.toml)."""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code, self.params = code, params
        super().__init__(messages.text(code, params, "en"))


def _embedded(ip: Address) -> Address:
    """IPv4 embedded in IPv6 (mapped, 6to4, NAT64) is judged by its IPv4 address."""
    if isinstance(ip, IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64:
            embedded = IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return embedded
    return ip


def is_public(ip: Address) -> bool:
    """A globally routable unicast address."""
    ip = _embedded(ip)
    blocked = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, IPv4Address) and ip in CGNAT)
        or ip in METADATA
    )
    return ip.is_global and not blocked


def is_allowed(ip: Address, allow_private: bool) -> bool:
    """Public addresses always; loopback and private ones (RFC 1918, IPv6 ULA) only with the
    development setting; link-local and metadata addresses never."""
    if is_public(ip):
        return True
    ip = _embedded(ip)
    if not allow_private or ip.is_link_local or ip in METADATA:
        return False
    return ip.is_loopback or (ip.is_private and not (ip.is_reserved or ip.is_unspecified))


def parse(url: str, allow_private: bool) -> SplitResult:
    """The URL's parts; a 422 naming `url` if it cannot be a webhook target."""
    if len(url) > MAX_URL_LENGTH:
        raise ValidationFailed("url", "partners.webhooks.url_too_long", max=MAX_URL_LENGTH)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValidationFailed("url", "field.url") from None
    if parts.scheme not in (("https", "http") if allow_private else ("https",)):
        use = (
            "partners.webhooks.use_https_or_http"
            if allow_private
            else "partners.webhooks.use_https"
        )
        raise ValidationFailed("url", use)
    if not parts.hostname:
        raise ValidationFailed("url", "partners.webhooks.url_no_host")
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed("url", "partners.webhooks.url_credentials")
    if parts.fragment:
        raise ValidationFailed("url", "partners.webhooks.url_fragment")
    return parts


def _literal(host: str) -> Address | None:
    try:
        return ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def resolve(parts: SplitResult, allow_private: bool, timeout_s: float) -> str:
    """The address to connect to: every address of the host must be allowed, so round-robin
    DNS cannot slip an internal one in. The lookup gives up after `timeout_s`."""
    assert parts.hostname is not None  # noqa: S101 - parse() checked
    port = parts.port or (443 if parts.scheme == "https" else 80)
    lookup = _lookups.submit(socket.getaddrinfo, parts.hostname, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=timeout_s)
    except LookupTimeout:
        lookup.cancel()
        raise Unreachable(
            "partners.webhooks.resolve_timeout", host=parts.hostname, seconds=f"{timeout_s:g}"
        ) from None
    except (OSError, UnicodeError) as exc:
        raise Unreachable(
            "partners.webhooks.no_resolve", host=parts.hostname, reason=str(exc)
        ) from None
    addresses = [ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    refused = sorted({str(a) for a in addresses if not is_allowed(a, allow_private)})
    if refused:
        raise Unreachable(
            "partners.webhooks.private_address", host=parts.hostname, addresses=refused
        )
    return str(addresses[0])


def vet(url: str, allow_private: bool, timeout_s: float) -> str:
    """Check a URL being registered; a 422 naming `url` if we would refuse to call it. With the
    development setting a host name is not looked up (delivery still checks every address)."""
    parts = parse(url, allow_private)
    assert parts.hostname is not None  # noqa: S101 - parse() checked
    literal = _literal(parts.hostname)
    try:
        if literal is not None:
            if not is_allowed(literal, allow_private):
                raise Unreachable("partners.webhooks.not_public", address=str(literal))
        elif not allow_private:
            resolve(parts, allow_private, timeout_s)
    except Unreachable as exc:
        raise ValidationFailed("url", exc.code, **exc.params) from None
    return parts.geturl()
