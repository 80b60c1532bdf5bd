"""The search page and the "search before you ask" panel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from huzhu.resources.services import Screened, resource_share
from huzhu.search.services import search_index_build
from tests.factories import make_group
from tests.search.conftest import add_doc
from tests.web.helpers import text


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def test_search_page_shows_highlighted_escaped_results(client_for, group, member):
    add_doc(group, "<img src=x onerror=alert(1)> 纸巾很便宜", title="纸巾")
    response = client_for(member).get("/search/", {"q": "纸巾"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>纸巾</mark>" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_search_page_htmx_returns_the_results_partial(client_for, group, member):
    add_doc(group, "高数笔记")
    response = client_for(member).get("/search/", {"q": "高数"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "高数" in text(response)


def test_search_page_only_offers_and_searches_own_groups(client_for, group, member, outsider):
    add_doc(group, "群内高数资料")
    make_group(outsider, name="路人群")
    response = client_for(outsider).get("/search/", {"q": "高数", "group": group.pk})
    assert "群内高数资料" not in response.content.decode()
    assert "宝妈拼团互助群" not in response.content.decode()


def test_similar_panel_for_a_question(client_for, group, member):
    add_doc(group, "高数怎么复习？", title="高数怎么复习？", kind="aid_request", subkind="question")
    add_doc(group, "今天吃什么", kind="chat_message", subkind="message")
    response = client_for(member).get(
        f"/groups/{group.pk}/similar/", {"kind": "question", "title": "考研高数怎么复习比较快"}
    )
    assert response.status_code == 200
    assert "先看看这些" in text(response) and "高数" in text(response)
    assert "今天吃什么" not in text(response)


def test_similar_panel_shows_same_goods_for_a_groupbuy(client_for, group, member, monkeypatch):
    monkeypatch.setattr(
        "huzhu.resources.services._screen",
        lambda *, text, author, group: Screened("allow", text, ""),
    )
    deal = resource_share(
        actor=member,
        group=group,
        kind="deal",
        title="维达抽纸",
        price="29.9",
        original_price="45",
        link="https://mobile.yangkeduo.com/goods.html?goods_id=777",
    )
    search_index_build(kind="resource", object_ids=[deal.pk])
    share = "【拼多多】快来一起拼 https://mobile.yangkeduo.com/goods.html?goods_id=777&share_uin=AB"
    response = client_for(member).get(
        f"/groups/{group.pk}/similar/", {"kind": "groupbuy", "text": share}
    )
    assert "群里已经有同款" in text(response) and "维达抽纸" in text(response)


def test_similar_panel_is_empty_for_nothing_typed_and_404_for_outsiders(
    client_for, group, member, outsider
):
    response = client_for(member).get(
        f"/groups/{group.pk}/similar/", {"kind": "question", "title": ""}
    )
    assert response.status_code == 200 and text(response).strip() == ""
    assert (
        client_for(outsider).get(f"/groups/{group.pk}/similar/", {"title": "高数"}).status_code
        == 404
    )


def test_the_aid_post_form_asks_search_before_you_ask(client_for, group, member):
    """The question / group-buy form carries the similar-items panel wired to this group."""
    html = client_for(member).get(reverse("web:aid_post", args=[group.pk])).content.decode()
    assert 'data-testid="similar-panel"' in html
    assert f"/groups/{group.pk}/similar/" in html


def test_api_date_filters_with_odd_offsets_do_not_break_postgresql(client_for, member):
    """Offsets Python accepts but PostgreSQL refuses (found by the API fuzzer) are read in UTC."""
    response = client_for(member).get(
        "/api/v1/search",
        {"q": "纸巾", "until": "1505-01-01T02:15:01.2-20:12", "since": "0001-01-01T00:00:00+23:00"},
    )
    assert response.status_code == 200
