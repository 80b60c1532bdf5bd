"""The moderation API end to end: report, queue, resolve with sanction, appeal, notes, standing."""

from __future__ import annotations

from huzhu.chat.models import Message
from tests.api.conftest import ApiClient, error, token_for
from tests.moderation.conftest import send


def client(user, language=None):
    return ApiClient(token_for(user), language=language)


def test_report_hide_remove_sanction_and_appeal(group, mod, mod2, alice, bob, scammer):
    message = send(scammer, group)
    r = client(alice).post(
        "/moderation/reports",
        {"target_type": "message", "target_id": message.pk, "reason": "scam", "text": "骗子"},
    )
    assert r.status_code == 201, r.json()
    assert r.json()["weight"] == 1.0
    assert error(
        client(alice).post(
            "/moderation/reports",
            {"target_type": "message", "target_id": message.pk, "reason": "ad"},
        )
    ) == (409, "already_reported")
    client(bob).post(
        "/moderation/reports", {"target_type": "message", "target_id": message.pk, "reason": "scam"}
    )
    assert Message.objects.get(pk=message.pk).status == "held"

    # Members cannot see the queue; moderators can.
    assert error(client(alice).get(f"/moderation/groups/{group.pk}/queue")) == (
        403,
        "not_moderator",
    )
    queue = client(mod).get(f"/moderation/groups/{group.pk}/queue").json()
    assert queue["count"] == 1
    item = queue["items"][0]
    assert item["hidden"] and item["report_count"] == 2 and item["target_type"] == "message"
    detail = client(mod).get(f"/moderation/items/{item['id']}").json()
    assert len(detail["reports"]) == 2 and "保证金" in detail["text"]

    assert client(mod).post(f"/moderation/items/{item['id']}/claim", {}).status_code == 200
    assert error(client(mod2).post(f"/moderation/items/{item['id']}/claim", {})) == (
        409,
        "claimed_by_other",
    )
    r = client(mod).post(
        f"/moderation/items/{item['id']}/resolve",
        {"action": "remove_sanction", "sanction_kind": "mute", "sanction_hours": 24},
    )
    assert r.status_code == 200 and r.json()["status"] == "removed"

    mine = client(scammer).get("/moderation/me/sanctions").json()
    assert [s["kind"] for s in mine] == ["mute"] and mine[0]["active"]
    sanction_id = mine[0]["id"]
    r = client(scammer).post(
        f"/moderation/sanctions/{sanction_id}/appeal", {"text": "我是在提醒大家别上当"}
    )
    assert r.status_code == 201
    appeal_id = r.json()["id"]
    assert error(client(mod).post(f"/moderation/appeals/{appeal_id}/decide", {"grant": True})) == (
        403,
        "own_sanction",
    )
    assert client(mod).get(f"/moderation/groups/{group.pk}/appeals").json() == []
    r = client(mod2).post(
        f"/moderation/appeals/{appeal_id}/decide", {"grant": False, "text": "内容确为诈骗"}
    )
    assert r.json()["status"] == "rejected" and r.json()["decided_by"]["id"] == mod2.pk
    assert client(scammer).get("/moderation/me/sanctions").json()[0]["appeal_status"] == "rejected"
    reports = client(alice).get("/moderation/me/reports").json()
    assert reports[0]["status"] == "upheld"


def test_other_groups_moderators_get_not_found(group, other_group, alice, bob, scammer):
    message = send(scammer, group)
    for reporter in (alice, bob):
        client(reporter).post(
            "/moderation/reports",
            {"target_type": "message", "target_id": message.pk, "reason": "scam"},
        )
    other_owner = other_group.memberships.get(role="owner").user
    assert error(client(other_owner).get(f"/moderation/groups/{group.pk}/queue")) == (
        404,
        "not_found",
    )
    item_id = (
        client(group.memberships.get(role="owner").user)
        .get(f"/moderation/groups/{group.pk}/queue")
        .json()["items"][0]["id"]
    )
    assert error(
        client(other_owner).post(f"/moderation/items/{item_id}/resolve", {"action": "remove"})
    ) == (404, "not_found")
    # Outsiders cannot even report content of a group they are not in.
    assert error(
        client(other_owner).post(
            "/moderation/reports",
            {"target_type": "message", "target_id": message.pk, "reason": "scam"},
        )
    ) == (404, "not_found")


def test_standing_settings_and_english(group, owner, alice):
    r = client(alice, language="en").get(f"/moderation/groups/{group.pk}/standing").json()
    assert r["level"] == 1 and r["level_name"] == "Member"
    assert any(p["key"] == "post_links" and p["allowed"] for p in r["privileges"])
    assert r["how_to_rise"]
    assert error(
        client(alice).patch(f"/moderation/groups/{group.pk}/settings", {"hide_threshold": 3})
    ) == (403, "forbidden")
    r = client(owner).patch(
        f"/moderation/groups/{group.pk}/settings",
        {"ladder": [{"kind": "warning"}, {"kind": "mute", "hours": 72}], "hide_threshold": 3},
    )
    assert r.status_code == 200
    assert r.json()["ladder"] == [{"kind": "warning"}, {"kind": "mute", "hours": 72}]
    assert (
        client(alice).get(f"/moderation/groups/{group.pk}/settings").json()["hide_threshold"] == 3
    )


def test_notes_over_the_api(group, alice, bob):
    from huzhu.aid.services import aid_request_post
    from tests.moderation.conftest import member_of

    deal = aid_request_post(
        actor=alice,
        group=group,
        kind="groupbuy",
        title="洗衣液 2 桶 19.9",
        link="https://mobile.yangkeduo.com/goods.html?goods_id=42",
        size=2,
    )
    writer = member_of(group, "writer", "核实员", days=45)
    r = client(writer).post(
        "/moderation/notes",
        {
            "target_type": "aid_request",
            "target_id": deal.pk,
            "tag": "price_mismatch",
            "text": "下单页显示 29.9 元",
        },
    )
    assert r.status_code == 201, r.json()
    note_id = r.json()["id"]
    view = client(bob).get("/moderation/notes", target_type="aid_request", target_id=deal.pk).json()
    assert view["shown"] == [] and [n["id"] for n in view["to_rate"]] == [note_id]
    r = client(bob).post(f"/moderation/notes/{note_id}/rate", {"helpful": True})
    assert r.status_code == 200 and r.json()["status"] == "needs_more"


def test_member_notes_and_ban_lists_over_the_api(group, owner, mod, alice, scammer):
    path = f"/moderation/groups/{group.pk}/members/{scammer.pk}/notes"
    assert client(mod).post(path, {"text": "曾多次发广告"}).status_code == 201
    assert [n["text"] for n in client(owner).get(path).json()] == ["曾多次发广告"]
    assert error(client(alice).get(path)) == (403, "not_moderator")
    r = client(owner).post(f"/moderation/groups/{group.pk}/ban-lists", {"name": "宝妈群联盟"})
    assert r.status_code == 201 and r.json()["join_code"]
    assert error(client(mod).get(f"/moderation/groups/{group.pk}/ban-lists"))[0] == 403
