"""Search over the JSON API: results, escaping, filters, and the access boundary."""

from __future__ import annotations

from tests.api.conftest import ApiClient, token_for
from tests.factories import make_group
from tests.search.conftest import add_doc


def test_search_returns_escaped_highlighted_hits(group, member):
    add_doc(group, "<b>纸巾</b>团购", title="纸巾")
    response = ApiClient(token_for(member)).get("/search", q="纸巾")
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["snippet_html"] == "&lt;b&gt;<mark>纸巾</mark>&lt;/b&gt;团购"
    assert item["group_name"] == group.name and item["kind"] == "resource"


def test_search_never_crosses_groups(group, member, outsider):
    add_doc(group, "群内秘密：高数答案")
    add_doc(make_group(outsider, name="路人群"), "路人的高数资料")
    client = ApiClient(token_for(outsider))
    items = client.get("/search", q="高数").json()["items"]
    assert [i["snippet_html"] for i in items] == ["路人的<mark>高数</mark>资料"]
    assert client.get("/search", q="高数", group_id=group.pk).json()["items"] == []


def test_filters_and_validation(group, member):
    add_doc(group, "纸巾优惠", subkind="deal")
    add_doc(group, "纸巾怎么买", kind="aid_request", subkind="question")
    client = ApiClient(token_for(member))
    items = client.get("/search", q="纸巾", kind="question").json()["items"]
    assert [i["subkind"] for i in items] == ["question"]
    assert client.get("/search", q="").status_code == 422
    assert client.get("/search", q="纸巾", kind="bogus").status_code == 422
    assert ApiClient().get("/search", q="纸巾").status_code == 401
