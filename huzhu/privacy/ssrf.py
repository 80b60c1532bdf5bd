"""The guard for outbound requests (webhooks and anything else Huzhu fetches on a user's behalf).

A URL given by a user must not make the server call into its own network: the host is resolved
and *every* address checked (private, loopback, link-local, multicast, reserved, shared-address
and IPv4-mapped forms are refused), unless ``HUZHU_OUTBOUND_ALLOW_PRIVATE`` is on. The request
is then sent to the address that was checked, so a DNS answer that changes between the check and
the connection (DNS rebinding) cannot redirect it. Redirects are never followed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from huzhu.core.errors import InvalidInput

Resolver = Callable[..., list[tuple[Any, ...]]]
ALLOWED_SCHEMES = {"http": 80, "https": 443}


class OutboundRefused(InvalidInput):
    code = "outbound_refused"


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return address_is_public(str(mapped))
        if ip.teredo is not None:
            return False
    # is_global is False for private, loopback, link-local, shared (100.64/10), documentation,
    # reserved and unspecified ranges; multicast is checked on its own.
    return ip.is_global and not ip.is_multicast


def outbound_target_check(
    url: str, *, allow_private: bool | None = None, resolver: Resolver = socket.getaddrinfo
) -> Target:
    """Parse, resolve and vet ``url``; raise ``OutboundRefused`` or return the checked target."""
    allow = settings.OUTBOUND_ALLOW_PRIVATE if allow_private is None else allow_private
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise OutboundRefused(_("链接格式不正确。")) from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise OutboundRefused(_("只能使用 http 或 https 链接。"))
    if parts.username or parts.password:
        raise OutboundRefused(_("链接里不能包含用户名或密码。"))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise OutboundRefused(_("链接缺少主机名。"))
    port = port or ALLOWED_SCHEMES[scheme]
    try:
        infos = resolver(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise OutboundRefused(_("无法解析这个主机名。")) from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise OutboundRefused(_("无法解析这个主机名。"))
    if not allow and not all(address_is_public(a) for a in addresses):
        raise OutboundRefused(_("不允许访问内网、本机或链路本地地址。"))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a vetted address, with SNI and certificate checks for the original host name."""

    def __init__(self, host: str, address: str, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def outbound_request(
    *,
    method: str,
    url: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
    resolver: Resolver = socket.getaddrinfo,
) -> tuple[int, bytes]:
    """Send one request through the guard; returns (status, first 64 KiB of the body)."""
    target = outbound_target_check(url, resolver=resolver)
    address = target.addresses[0]
    conn: http.client.HTTPConnection
    if target.scheme == "https":
        conn = _PinnedHTTPSConnection(
            target.host,
            address,
            port=target.port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        conn = _PinnedHTTPConnection(target.host, address, port=target.port, timeout=timeout)
    try:
        conn.request(method, target.path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read(65536)
    finally:
        conn.close()
