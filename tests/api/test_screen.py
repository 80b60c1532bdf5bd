"""POST /api/v1/screen: an external bot screens its group's messages with Huzhu's engine."""

from __future__ import annotations

import pytest

from tests.api.conftest import error

pytestmark = pytest.mark.django_db

URL = "/api/v1/screen"


def test_a_bot_screens_a_batch_in_order(as_user, member):
    response = as_user(member).post(
        URL,
        {
            "items": [
                {"id": "m1", "text": "有需要的加我 13812345678，一起拼"},
                {"id": 2, "text": "招聘兼职刷单，日赚三百，先垫付后返利，加微信 abc12345 详聊"},
                {"text": "今天的纸巾拼团还差一个人，大家帮忙点一下，谢谢！"},
            ]
        },
    )
    assert response.status_code == 200
    first, second, third = response.json()["results"]
    assert (first["id"], first["action"]) == ("m1", "redact")
    assert "138****5678" in first["text"]
    assert "13812345678" not in first["text"]
    phone = next(f for f in first["findings"] if f["category"] == "phone")
    assert "有需要的加我 13812345678，一起拼"[phone["start"] : phone["end"]] == "13812345678"
    assert second["id"] == 2
    assert second["action"] in {"hold", "block"}
    assert second["reason"]
    assert third["id"] is None
    assert third["action"] == "allow"


def test_group_rules_apply_for_members_only(as_user, group, member, outsider):
    group.config = {
        "screening": {"rules": {"rules": [{"id": "no-jd", "words": ["京东"], "action": "hold"}]}}
    }
    group.save()
    body = {"items": [{"id": 1, "text": "京东这个耳机今天很便宜"}], "group_id": group.pk}
    assert as_user(member).post(URL, body).json()["results"][0]["action"] == "hold"
    assert (
        as_user(member).post(URL, {"items": body["items"]}).json()["results"][0]["action"]
        == "allow"
    )
    assert error(as_user(outsider).post(URL, body)) == (404, "not_found")


def test_limits_and_scopes(as_user, member):
    too_many = {"items": [{"id": i, "text": "你好"} for i in range(101)]}
    assert as_user(member).post(URL, too_many).status_code == 422
    too_long = {"items": [{"id": 1, "text": "字" * 10_001}]}
    assert as_user(member).post(URL, too_long).status_code == 422
    assert as_user(member).post(URL, {"items": []}).status_code == 422
    assert error(as_user(member, scope="read").post(URL, {"items": [{"text": "你好"}]}))[0] == 403


def test_a_full_batch_gets_the_verdicts_of_one_by_one_screening(as_user, group, member):
    # 100 texts in one call (screened together) answer exactly as 100 calls of one text would,
    # including the group's duplicate window: the repeated ad is caught as a repeat in both.
    texts = [
        "今天的纸巾拼团还差一个人，大家帮忙点一下，谢谢！",
        "有需要的加我 13812345678，一起拼",
        "招聘兼职刷单，日赚三百，先垫付后返利，加微信 abc12345 详聊",
        "https://mobile.yangkeduo.com/goods.html?goods_id=123456789&share_uin=AB 帮我砍一刀",
        "全场五折，私聊领券，名额有限先到先得",
    ] * 20
    items = [{"id": i, "text": t} for i, t in enumerate(texts)]
    client = as_user(member)
    batch = client.post(URL, {"items": items, "group_id": group.pk}).json()["results"]
    from huzhu.core import gate

    gate._windows.clear()  # the second pass starts from an empty window too
    single = [
        client.post(URL, {"items": [item], "group_id": group.pk}).json()["results"][0]
        for item in items
    ]
    assert batch == single
    assert any(f["kind"] == "duplicate" for r in batch for f in r["findings"])


def test_a_lone_surrogate_in_json_is_screened_not_a_500(as_user, member):
    text = "坏字符 \ud800 加我 13812345678"
    response = as_user(member).post(URL, {"items": [{"id": 1, "text": text}, {"text": "你好"}]})
    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first["action"] == "redact"
    assert "138****5678" in first["text"]
    phone = next(f for f in first["findings"] if f["category"] == "phone")
    assert text[phone["start"] : phone["end"]] == "13812345678"
    assert second["action"] == "allow"
