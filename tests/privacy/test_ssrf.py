"""The outbound-request guard refuses internal targets, checks every resolved address, and
can be opened by a setting. No network: DNS is a fake resolver (or /etc/hosts for localhost)."""

from __future__ import annotations

import socket

import pytest

from huzhu.privacy.ssrf import OutboundRefused, outbound_request, outbound_target_check


def fake_dns(*addresses: str):
    def resolve(host, port, type=0):
        family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return resolve


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.5",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 - refused, not bound
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_internal_addresses_are_refused(settings, address):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    with pytest.raises(OutboundRefused):
        outbound_target_check("https://hook.example.org/x", resolver=fake_dns(address))


def test_public_address_passes_and_is_pinned(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    target = outbound_target_check(
        "https://hook.example.org:8443/a?b=1", resolver=fake_dns("93.184.216.34")
    )
    assert target.addresses == ("93.184.216.34",)
    assert (target.port, target.path) == (8443, "/a?b=1")


def test_one_internal_address_among_public_ones_is_enough_to_refuse(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    with pytest.raises(OutboundRefused):
        outbound_target_check(
            "https://hook.example.org/", resolver=fake_dns("93.184.216.34", "10.0.0.7")
        )


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://example.org/",
        "https://user:pw@example.org/",
        "http:///nohost",
        "http://example.org:99999/",
    ],
)
def test_bad_urls_are_refused(url):
    with pytest.raises(OutboundRefused):
        outbound_target_check(url, resolver=fake_dns("93.184.216.34"))


def test_literal_ip_and_localhost_names_are_refused_without_dns(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    for url in (
        "http://127.0.0.1:8000/",
        "http://[::1]/",
        "http://localhost/",
        "http://2130706433/",
    ):
        with pytest.raises(OutboundRefused):
            outbound_request(method="POST", url=url)


def test_setting_allows_private_targets(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    target = outbound_target_check("http://bot.lan/hook", resolver=fake_dns("192.168.1.20"))
    assert target.addresses == ("192.168.1.20",)
