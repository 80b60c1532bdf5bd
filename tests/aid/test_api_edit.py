"""PATCH /api/v1/aid/requests/{id} and the revisions list: the requester edits over the API."""

from __future__ import annotations

import pytest

from tests.aid.conftest import pdd_share
from tests.api.conftest import ApiClient, error, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as():
    def make(user, scope="read_write", language=None):
        return ApiClient(token_for(user, scope), language=language)

    return make


@pytest.fixture
def posted(api_as, alice, group):
    r = api_as(alice).post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share(), "size": 3})
    assert r.status_code == 201, r.content
    return r.json()


def test_requester_edits_only_the_fields_sent(api_as, alice, posted):
    a = api_as(alice)
    r = a.patch(f"/aid/requests/{posted['id']}", {"title": "维达抽纸 24包 包邮", "price": "25.80"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["title"], body["price"], body["size"]) == ("维达抽纸 24包 包邮", "25.80", 3)
    assert body["link"] == posted["link"] and body["deadline"] == posted["deadline"]
    assert body["edited_at"] is not None and posted["edited_at"] is None
    # price null clears it; a null title is the same as leaving it out.
    body = a.patch(f"/aid/requests/{posted['id']}", {"price": None, "title": None}).json()
    assert body["price"] is None and body["title"] == "维达抽纸 24包 包邮"
    revisions = a.get(f"/aid/requests/{posted['id']}/revisions").json()
    assert [v["title"] for v in revisions] == ["维达抽纸 24包 包邮", "维达抽纸 3层130抽*24包"]
    assert revisions[-1]["price"] == "29.90" and revisions[-1]["editor"]["name"] == "阿丽"


def test_others_may_not_edit_and_members_do_not_see_the_history(api_as, owner, alice, bob, posted):
    rid = posted["id"]
    assert error(api_as(bob).patch(f"/aid/requests/{rid}", {"title": "x"})) == (
        403,
        "not_requester",
    )
    assert error(api_as(owner).patch(f"/aid/requests/{rid}", {"title": "x"})) == (
        403,
        "not_requester",
    )
    assert error(api_as(bob).get(f"/aid/requests/{rid}/revisions")) == (403, "not_allowed")
    assert api_as(owner).get(f"/aid/requests/{rid}/revisions").status_code == 200
    assert (
        error(api_as(alice, scope="read").patch(f"/aid/requests/{rid}", {"title": "x"}))[0] == 403
    )


def test_blocked_edit_is_400_in_chinese_and_changes_nothing(api_as, alice, posted):
    a = api_as(alice)
    r = a.patch(f"/aid/requests/{posted['id']}", {"title": "刷单兼职日结，日赚 500"})
    assert error(r) == (400, "screening_blocked")
    assert "内容未通过审核" in r.json()["message"]
    assert a.get(f"/aid/requests/{posted['id']}").json()["title"] == "维达抽纸 3层130抽*24包"


def test_frozen_size_and_finished_requests_are_409(api_as, alice, bob, posted):
    rid = posted["id"]
    assert api_as(bob).post(f"/aid/requests/{rid}/helps").status_code == 201
    assert error(api_as(alice).patch(f"/aid/requests/{rid}", {"size": 5})) == (
        409,
        "frozen_after_help",
    )
    api_as(alice).post(f"/aid/requests/{rid}/close")
    assert error(api_as(alice).patch(f"/aid/requests/{rid}", {"title": "x"})) == (
        409,
        "request_not_editable",
    )


def test_schema_rejects_bad_values(api_as, alice, posted):
    a = api_as(alice)
    assert a.patch(f"/aid/requests/{posted['id']}", {"size": 11}).status_code == 422
    assert a.patch(f"/aid/requests/{posted['id']}", {"title": ""}).status_code == 422
    assert a.patch(f"/aid/requests/{posted['id']}", {"body": "a\x00b"}).status_code == 422
    assert error(a.patch(f"/aid/requests/{posted['id']}", {"category": "study"})) == (
        400,
        "field_not_editable",
    )
