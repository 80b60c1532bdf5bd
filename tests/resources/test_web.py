"""Resource pages: list, share form, detail with confirm, share text and QR, reshare, savings."""

from __future__ import annotations

import pytest
from django.test import Client

from huzhu.resources.models import Resource
from tests.factories import join
from tests.resources.helpers import share_deal
from tests.web.helpers import text


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def test_share_form_creates_a_deal_and_shows_it(client_for, group, alice, bob):
    response = client_for(alice).post(
        f"/groups/{group.pk}/resources/share/",
        {
            "kind": "deal",
            "title": "维达抽纸24包",
            "body": "百亿补贴",
            "tags": "纸巾 日用",
            "link": "https://mobile.yangkeduo.com/goods.html?goods_id=42&share_uin=X1",
            "price": "29.9",
            "original_price": "45",
        },
    )
    assert response.status_code == 302
    deal = Resource.objects.get()
    assert response["Location"] == f"/resources/{deal.pk}/"
    page = client_for(bob).get(f"/groups/{group.pk}/resources/")
    assert "维达抽纸24包" in text(page)
    detail = client_for(bob).get(f"/resources/{deal.pk}/")
    body = text(detail)
    assert "¥29.90" in body and "省 ¥15.10" in body
    assert "share_uin" not in detail.content.decode()
    assert "来自互助群友 阿丽 的分享" in body


def test_share_form_shows_service_errors_next_to_the_field(client_for, group, alice):
    response = client_for(alice).post(
        f"/groups/{group.pk}/resources/share/",
        {"kind": "deal", "title": "假优惠", "link": "https://example.com", "price": "1"},
    )
    assert response.status_code == 400
    assert "优惠链接只支持" in text(response)


def test_confirm_with_htmx_swaps_the_box(client_for, group, alice, bob):
    deal = share_deal(alice, group)
    response = client_for(bob).post(
        f"/resources/{deal.pk}/confirm/",
        {"verdict": "valid", "bought": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="resource-confirm"' in response.content.decode()
    assert "仍有效 1" in text(response) and "我也买了" in text(response)
    savings = client_for(bob).get("/me/savings/")
    assert "¥15.10" in text(savings)


def test_qr_png_and_outsider_404(client_for, group, alice, outsider):
    deal = share_deal(alice, group)
    png = client_for(alice).get(f"/resources/{deal.pk}/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    for url in (
        f"/resources/{deal.pk}/",
        f"/resources/{deal.pk}/qr.png",
        f"/groups/{group.pk}/resources/",
    ):
        assert client_for(outsider).get(url).status_code == 404


def test_reshare_edit_and_delete_pages(client_for, group, other_group, alice):
    join(other_group, alice)
    deal = share_deal(alice, group)
    response = client_for(alice).post(
        f"/resources/{deal.pk}/reshare/", {"group_id": other_group.pk}
    )
    copy = Resource.objects.get(group=other_group)
    assert response["Location"] == f"/resources/{copy.pk}/"
    edit = client_for(alice).post(
        f"/resources/{deal.pk}/edit/",
        {
            "kind": "deal",
            "title": "维达抽纸又降价",
            "link": deal.link,
            "price": "25",
            "original_price": "45",
        },
    )
    assert edit.status_code == 302
    deal.refresh_from_db()
    assert deal.title == "维达抽纸又降价" and str(deal.price) == "25.00"
    client_for(alice).post(f"/resources/{deal.pk}/delete/")
    assert client_for(alice).get(f"/resources/{deal.pk}/").status_code == 404


def test_pages_have_no_inline_scripts_or_styles(client_for, group, alice):
    deal = share_deal(alice, group)
    for url in (
        f"/groups/{group.pk}/resources/",
        f"/groups/{group.pk}/resources/share/",
        f"/resources/{deal.pk}/",
    ):
        html = client_for(alice).get(url).content.decode()
        assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_my_menu_leads_to_my_savings(client_for, group, alice, bob):
    deal = share_deal(alice, group)
    client_for(bob).post(
        f"/resources/{deal.pk}/confirm/", {"verdict": "valid", "bought": "on"}, follow=True
    )
    me = client_for(bob).get("/me/")
    assert 'href="/me/savings/"' in me.content.decode() and "我省了多少" in text(me)
    assert client_for(bob).get("/me/savings/").status_code == 200
