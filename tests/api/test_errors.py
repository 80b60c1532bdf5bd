"""The error contract: every failure is JSON ``{"code", "message"}`` with the right status, the
message in Chinese by default and in English for ``Accept-Language: en``, and never a 500 page."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import ApiClient, error, token_for

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")


def test_default_language_is_chinese(as_user, outsider, group):
    for language in (None, "fr", "zh-CN", "zh-Hans"):
        response = as_user(outsider, language=language).get(f"/groups/{group.pk}")
        assert response.json()["message"] == "没有找到这个群，或你不是群成员。", language
        assert response["Content-Language"] == "zh-hans"


@pytest.mark.parametrize("language", ["en", "en-US", "en-GB,en;q=0.9,zh;q=0.5"])
def test_english_variants_get_english(as_user, outsider, group, language):
    response = as_user(outsider, language=language).get(f"/groups/{group.pk}")
    assert response.json()["message"] == "Group not found, or you are not a member of it."


def test_english_on_request(as_user, owner, outsider, group):
    en = as_user(outsider, language="en")
    assert error(en.get(f"/groups/{group.pk}")) == (404, "not_found")
    assert en.get(f"/groups/{group.pk}").json()["message"] == (
        "Group not found, or you are not a member of it."
    )
    assert ApiClient(language="en").get("/me").json()["message"] == (
        "Please log in, or send a valid API token."
    )
    read_only = ApiClient(token_for(owner, scope="read"), language="en")
    assert read_only.post("/groups", {"name": "x"}).json()["message"] == "This token is read-only."
    invalid = en.post("/groups", {"name": "x" * 41})
    assert invalid.json()["message"] == "The request is not valid; check these fields: name."
    leave = as_user(owner, language="en").post(f"/groups/{group.pk}/leave")
    assert leave.json()["message"] == (
        "The owner cannot just leave: transfer ownership to another member first."
    )


def test_every_error_the_api_gives_has_an_english_message(as_user, owner, group, member, outsider):
    """A sweep over the API's failure modes: in English, no message falls back to Chinese."""
    en_owner = as_user(owner, language="en")
    en_member = as_user(member, language="en")
    en_outsider = as_user(outsider, language="en")
    invites = f"/groups/{group.pk}/invites"
    responses = [
        ApiClient(language="en").get("/me"),
        ApiClient("hz_bad_token", language="en").post("/groups", {"name": "x"}),
        ApiClient(token_for(owner, scope="read"), language="en").post("/groups", {"name": "x"}),
        en_outsider.get(f"/groups/{group.pk}"),
        en_outsider.get("/groups/abc"),
        en_outsider.post("/groups", "{not json"),
        en_outsider.post("/groups", {"name": " "}),
        en_outsider.post("/groups", {"name": "x", "capacity": 1}),
        en_member.patch(f"/groups/{group.pk}", {"name": "y"}),
        en_owner.patch(f"/groups/{group.pk}", {"capacity": 1}),
        en_owner.post(f"/groups/{group.pk}/leave"),
        en_owner.post(f"/groups/{group.pk}/transfer-ownership", {"user_id": owner.pk}),
        en_owner.post(f"/groups/{group.pk}/transfer-ownership", {"user_id": outsider.pk}),
        en_member.patch(f"/groups/{group.pk}/members/{owner.pk}", {"role": "member"}),
        en_owner.patch(f"/groups/{group.pk}/members/{owner.pk}", {"role": "member"}),
        en_member.delete(f"/groups/{group.pk}/members/{owner.pk}"),
        en_owner.delete(f"/groups/{group.pk}/members/{owner.pk}"),
        en_member.get(invites),
        en_owner.delete(f"{invites}/999"),
        en_outsider.get("/invites/NOSUCH99"),
        en_outsider.post("/me/tokens", {"name": "x"}),
        en_outsider.delete("/me/tokens/999"),
        en_outsider.get("/groups", limit=500),
    ]
    code = en_owner.post(invites, {}).json()["code"]
    responses.append(en_outsider.post(f"/invites/{code}/join", {"accept_rules": False}))
    en_owner.delete(f"{invites}/{en_owner.get(invites).json()['items'][0]['id']}")
    responses.append(en_outsider.get(f"/invites/{code}"))
    seen = set()
    for response in responses:
        status, code = error(response)
        assert 400 <= status < 500, response.content
        message = response.json()["message"]
        assert not CJK.search(message), f"{code}: {message}"
        seen.add(code)
    assert len(seen) >= 15  # the sweep really covers many distinct failures


def test_unexpected_errors_are_json_500_and_logged(as_user, owner, group, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("huzhu.api.routers.groups.group_members", broken)
    response = as_user(owner).get(f"/groups/{group.pk}/members")
    assert error(response) == (500, "server_error")
    assert "boom" not in response.content.decode()
    assert "unhandled error in API" in caplog.text


def test_unknown_method_is_405(as_user, owner, group):
    assert as_user(owner).request("put", f"/groups/{group.pk}", {}).status_code == 405


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v2/groups", "/api/v1/groups/1/unknown"])
def test_unknown_api_paths_answer_json_404(as_user, owner, path):
    api = as_user(owner, language="en")
    response = api.get(path)
    assert error(response) == (404, "not_found")
    assert response.json()["message"] == "Not found."
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/groups", {"name": "宝妈\u0000群"}),
        ("post", "/groups", {"name": "群", "rules": "1. 先帮后发\u0007"}),
        ("patch", "/groups/{gid}", {"description": "\u0000"}),
        ("post", "/me/tokens", {"name": "bot\u0000"}),
        ("get", "/invites/AB%00CDEF", None),
        ("get", "/invites/AB-CD", None),
    ],
)
def test_control_characters_are_refused_as_bad_input(as_user, owner, group, method, path, body):
    # PostgreSQL cannot store NUL: without this check these would be 500s there.
    api = as_user(owner)
    url = path.format(gid=group.pk)
    response = api.get(url) if method == "get" else api.request(method, url, body)
    assert error(response) == (422, "invalid")


def test_text_keeps_newlines_and_tabs(as_user, owner):
    body = as_user(owner).post("/groups", {"name": "群", "rules": "1. 先帮后发\n\t2. 禁止广告"})
    assert body.status_code == 201 and body.json()["rules"] == "1. 先帮后发\n\t2. 禁止广告"


def test_malformed_bearer_token_is_401(owner):
    api = ApiClient("hz_abc\u0000def")
    assert error(api.get("/me")) == (401, "not_authenticated")


def test_oversized_body_is_413(as_user, owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = as_user(owner, language="en").post("/groups", {"name": "群", "rules": "规" * 9000})
    assert error(response) == (413, "too_large")
    assert response.json()["message"] == "The request is too large."
