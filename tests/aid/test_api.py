"""The mutual-aid JSON API: a bot posts a group-buy, members help, the ledger shows it."""

from __future__ import annotations

import pytest

from huzhu.aid.models import Help
from tests.aid.conftest import pdd_share
from tests.api.conftest import ApiClient, error, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as():
    def make(user, scope="read_write", language=None):
        return ApiClient(token_for(user, scope), language=language)

    return make


def test_bot_posts_a_groupbuy_from_a_share_text_and_members_help(
    api_as, alice, bob, carol, dave, group, django_capture_on_commit_callbacks
):
    a, b, c, d = api_as(alice), api_as(bob), api_as(carol), api_as(dave)
    r = a.post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share(), "size": 3})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "groupbuy" and body["platform"] == "pinduoduo"
    assert body["link"] == "https://mobile.yangkeduo.com/goods.html?goods_id=123456789"
    assert body["title"] == "维达抽纸 3层130抽*24包" and body["price"] == "29.90"
    assert body["target"] == 2 and body["remaining"] == 2 and body["status"] == "open"
    rid = body["id"]

    with django_capture_on_commit_callbacks(execute=True):
        assert b.post(f"/aid/requests/{rid}/helps").status_code == 201
        r = c.post(f"/aid/requests/{rid}/helps", {"idempotency_key": "c-1"})
        assert r.status_code == 201
    assert error(d.post(f"/aid/requests/{rid}/helps")) == (409, "groupbuy_full")
    assert error(a.post(f"/aid/requests/{rid}/helps")) == (403, "own_request")

    detail = a.get(f"/aid/requests/{rid}").json()
    assert detail["status"] == "completed"
    assert [h["helper"]["name"] for h in detail["helps"]] == ["小博", "小卡"]

    # Members see each other's balance only when they say so (the default is admins only).
    b.patch("/privacy/settings", {"ledger_visibility": "group_members"})
    c.patch("/privacy/settings", {"ledger_visibility": "group_members"})
    balances = {x["name"]: x["balance"] for x in a.get(f"/aid/groups/{group.pk}/balances").json()}
    assert balances == {"阿丽": -2, "小博": 1, "小卡": 1}
    mine = a.get(f"/aid/groups/{group.pk}/ledger/me").json()
    assert mine["balance"] == -2
    assert {x["name"] for x in mine["who_helped_me"]} == {"小博", "小卡"}

    bell = a.get("/notifications").json()
    texts = [n["text"] for n in bell["items"]]
    assert "你的「维达抽纸 3层130抽*24包」已完成" in texts
    assert a.get("/notifications/unread").json() == {"unread": 3}
    assert a.post("/notifications/read-all").json() == {"unread": 0}


def test_help_retry_with_header_key_is_one_help(api_as, alice, bob, group):
    rid = api_as(alice).post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share()}).json()["id"]
    client = api_as(bob)
    client.headers["Idempotency-Key"] = "tap-42"
    first = client.post(f"/aid/requests/{rid}/helps")
    again = client.post(f"/aid/requests/{rid}/helps")
    assert first.json()["id"] == again.json()["id"]
    assert Help.objects.filter(request_id=rid).count() == 1


def test_post_retry_with_same_key_returns_the_same_request(api_as, alice, group):
    client = api_as(alice)
    payload = {"text": pdd_share(), "idempotency_key": "post-1"}
    assert (
        client.post(f"/aid/groups/{group.pk}/requests", payload).json()["id"]
        == client.post(f"/aid/groups/{group.pk}/requests", payload).json()["id"]
    )


def test_same_goods_answers_409_with_the_existing_id(api_as, alice, bob, group):
    first = api_as(alice).post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share()}).json()
    r = api_as(bob).post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share()})
    assert error(r) == (409, "same_goods_open")
    assert r.json()["existing_id"] == first["id"]
    again = api_as(bob).post(
        f"/aid/groups/{group.pk}/requests", {"text": pdd_share(), "post_anyway": True}
    )
    assert again.status_code == 201 and again.json()["id"] != first["id"]


def test_fairness_rule_refusal_in_chinese_and_english(api_as, owner, dave, group):
    r = api_as(owner).patch(f"/aid/groups/{group.pk}/rules", {"help_before_post": 1})
    assert r.json()["help_before_post"] == 1
    r = api_as(dave).post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share()})
    assert error(r) == (403, "fairness_rule")
    assert r.json()["message"] == "本群实行先帮后发：再帮助 1 位群友后即可发布"


def test_only_owner_patches_rules_and_window_is_bounded(api_as, owner, alice, group):
    assert (
        error(api_as(alice).patch(f"/aid/groups/{group.pk}/rules", {"help_before_post": 1}))[0]
        == 403
    )
    r = api_as(owner).patch(f"/aid/groups/{group.pk}/rules", {"groupbuy_window_hours": 73})
    assert r.status_code == 422
    assert api_as(alice).get(f"/aid/groups/{group.pk}/rules").json()["groupbuy_window_hours"] == 24


def test_outsider_gets_404_everywhere(api_as, alice, outsider, group):
    rid = api_as(alice).post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share()}).json()["id"]
    o = api_as(outsider)
    assert error(o.get(f"/aid/groups/{group.pk}/requests"))[0] == 404
    assert error(o.get(f"/aid/requests/{rid}"))[0] == 404
    assert error(o.post(f"/aid/requests/{rid}/helps"))[0] == 404
    assert error(o.get(f"/aid/groups/{group.pk}/balances"))[0] == 404


def test_read_only_token_cannot_help(api_as, alice, bob, group):
    rid = api_as(alice).post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share()}).json()["id"]
    assert error(api_as(bob, scope="read").post(f"/aid/requests/{rid}/helps")) == (
        403,
        "token_read_only",
    )


def test_question_flow_and_queue_and_filters(api_as, alice, bob, carol, group):
    a, b = api_as(alice), api_as(bob)
    q = a.post(
        f"/aid/groups/{group.pk}/requests",
        {"kind": "question", "title": "考研数学怎么复习", "category": "study", "body": "零基础"},
    ).json()
    gb = a.post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share(), "size": 5}).json()
    queue = [x["id"] for x in b.get(f"/aid/groups/{group.pk}/queue").json()]
    assert set(queue) == {q["id"], gb["id"]}
    ans = b.post(f"/aid/requests/{q['id']}/answers", {"body": "先看教材再刷题"}).json()
    assert a.post(f"/aid/answers/{ans['id']}/accept").json()["accepted"] is True
    assert a.post(f"/aid/requests/{q['id']}/thank", {"helper_id": bob.pk}).json() == {"thanked": 1}
    listed = a.get(f"/aid/groups/{group.pk}/requests", kind="question", status="resolved").json()
    assert [x["id"] for x in listed["items"]] == [q["id"]]
    assert a.get(f"/aid/groups/{group.pk}/requests", kind="groupbuy").json()["count"] == 1
    profile = b.get("/aid/profile").json()
    assert profile == [
        {"group_id": group.pk, "group_name": group.name, "given": 2, "received": 0, "balance": 2}
    ]


def test_dispute_and_resolve_over_api(api_as, owner, alice, bob, group):
    a = api_as(alice)
    rid = a.post(
        f"/aid/groups/{group.pk}/requests",
        {"kind": "boost", "text": "帮我砍一刀 https://mobile.yangkeduo.com/goods.html?goods_id=9"},
    ).json()["id"]
    hid = api_as(bob).post(f"/aid/requests/{rid}/helps").json()["id"]
    d = a.post(f"/aid/helps/{hid}/dispute", {"reason": "没收到"})
    assert d.status_code == 201
    o = api_as(owner)
    disputes = o.get(f"/aid/groups/{group.pk}/disputes").json()
    assert [x["id"] for x in disputes] == [d.json()["id"]]
    assert (
        o.post(f"/aid/disputes/{d.json()['id']}/resolve", {"upheld": True}).json()["status"]
        == "upheld"
    )
    assert api_as(bob).get(f"/aid/groups/{group.pk}/ledger/me").json()["balance"] == 0


def test_parse_preview(api_as, alice):
    r = api_as(alice).post("/aid/parse", {"text": pdd_share()}).json()
    assert r["clean_link"] == "https://mobile.yangkeduo.com/goods.html?goods_id=123456789"
    assert r["goods_id"] == "123456789" and r["platform"] == "pinduoduo"


def test_english_messages(api_as, alice, bob, group):
    rid = api_as(alice).post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share()}).json()["id"]
    r = api_as(alice, language="en").post(f"/aid/requests/{rid}/helps")
    assert error(r) == (403, "own_request")


def test_member_profile_over_api(api_as, alice, bob, outsider, group):
    rid = api_as(alice).post(f"/aid/groups/{group.pk}/requests", {"text": pdd_share()}).json()["id"]
    api_as(bob).post(f"/aid/requests/{rid}/helps")
    hidden = api_as(alice).get(f"/aid/users/{bob.pk}/profile").json()
    assert hidden["user"]["name"] == "小博" and hidden["groups"] == []  # private by default
    api_as(bob).patch(
        "/privacy/settings",
        {"groups_visibility": "group_members", "ledger_visibility": "group_members"},
    )
    body = api_as(alice).get(f"/aid/users/{bob.pk}/profile").json()
    assert body["user"]["name"] == "小博"
    assert [(g["group_name"], g["given"], g["received"]) for g in body["groups"]] == [
        (group.name, 1, 0)
    ]
    assert error(api_as(outsider).get(f"/aid/users/{bob.pk}/profile")) == (404, "not_found")
    assert error(api_as(alice).get("/aid/users/999999/profile")) == (404, "not_found")
