"""Resources over the JSON API: share, list, confirm, re-share, share text, QR, savings, access."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient, token_for
from tests.factories import join
from tests.resources.conftest import PDD_LINK


@pytest.fixture
def api():
    def make(user):
        return ApiClient(token_for(user))

    return make


DEAL = {
    "kind": "deal",
    "title": "维达抽纸 3层130抽24包",
    "body": "百亿补贴",
    "tags": ["纸巾"],
    "link": PDD_LINK,
    "price": "29.90",
    "original_price": "45.00",
}


def test_share_list_detail_and_clean_link(api, group, alice, bob):
    response = api(alice).post(f"/resources/groups/{group.pk}", DEAL)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["link"] == "https://mobile.yangkeduo.com/goods.html?goods_id=123456789"
    assert body["saving"] == "15.10"
    assert body["author"]["name"] == "阿丽"
    listed = api(bob).get(f"/resources/groups/{group.pk}").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert api(bob).get(f"/resources/{body['id']}").json()["title"] == DEAL["title"]


def test_non_member_gets_404_everywhere(api, group, alice, outsider):
    rid = api(alice).post(f"/resources/groups/{group.pk}", DEAL).json()["id"]
    client = api(outsider)
    assert client.get(f"/resources/groups/{group.pk}").status_code == 404
    assert client.post(f"/resources/groups/{group.pk}", DEAL).status_code == 404
    for path in (f"/resources/{rid}", f"/resources/{rid}/share-text", f"/resources/{rid}/qr.png"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.post(f"/resources/{rid}/confirm", {"verdict": "valid"}).status_code == 404


def test_bad_input_is_a_clear_error(api, group, alice):
    response = api(alice).post(
        f"/resources/groups/{group.pk}", {**DEAL, "link": "https://example.com"}
    )
    assert response.status_code == 400 and response.json()["code"] == "link_not_shopping"
    response = api(alice).post(f"/resources/groups/{group.pk}", {**DEAL, "kind": "nonsense"})
    assert response.status_code == 422


def test_confirm_expire_and_savings(api, group, alice, bob):
    rid = api(alice).post(f"/resources/groups/{group.pk}", DEAL).json()["id"]
    response = api(bob).post(
        f"/resources/{rid}/confirm", {"verdict": "price_changed", "new_price": "32", "bought": True}
    )
    assert response.status_code == 200
    assert response.json()["current_price"] == "32.00" and response.json()["price_votes"] == 1
    assert api(bob).get("/resources/savings/me").json()["total"] == "13.00"
    assert api(alice).get(f"/resources/groups/{group.pk}/savings").json()["by_member"] == {
        str(bob.pk): "13.00"
    }
    assert api(alice).post(f"/resources/{rid}/confirm", {"verdict": "expired"}).json()["expired"]
    assert api(bob).get(f"/resources/groups/{group.pk}").json()["count"] == 0
    listed = api(bob).get(f"/resources/groups/{group.pk}", include_expired="true").json()
    assert listed["count"] == 1


def test_reshare_share_text_and_qr(api, group, other_group, alice, bob):
    join(other_group, alice)
    rid = api(bob).post(f"/resources/groups/{group.pk}", DEAL).json()["id"]
    response = api(alice).post(f"/resources/{rid}/reshare", {"group_id": other_group.pk})
    assert response.status_code == 201
    copy = response.json()
    assert copy["group_id"] == other_group.pk and copy["original_author"]["id"] == bob.pk
    share = api(alice).get(f"/resources/{copy['id']}/share-text").json()
    assert copy["link"] in share["text"] and "小博" in share["text"]
    png = api(alice).get(share["qr_url"])
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


def test_edit_and_delete(api, group, alice, bob):
    rid = api(alice).post(f"/resources/groups/{group.pk}", DEAL).json()["id"]
    assert api(bob).patch(f"/resources/{rid}", {"title": "改"}).status_code == 403
    edited = api(alice).patch(f"/resources/{rid}", {"title": "维达抽纸降价了", "tags": ["日用"]})
    assert edited.json()["title"] == "维达抽纸降价了" and edited.json()["tags"] == ["日用"]
    assert api(bob).delete(f"/resources/{rid}").status_code == 403
    assert api(alice).delete(f"/resources/{rid}").status_code == 204
    assert api(alice).get(f"/resources/{rid}").status_code == 404
