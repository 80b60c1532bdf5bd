"""The chat JSON API: idempotent send, resync, history, edit, delete, clear errors."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_send_is_idempotent_and_resync_returns_it(group, member):
    api = client_for(member)
    url = f"/api/v1/chat/groups/{group.pk}/messages"
    body = {"text": "有人一起拼水果吗", "client_key": "c-1"}
    first = api.post(url, body, content_type="application/json")
    again = api.post(url, body, content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["message"]["id"] == again.json()["message"]["id"]
    page = api.get(url, {"after": 0}).json()
    assert [m["text"] for m in page["messages"]] == ["有人一起拼水果吗"]
    assert page["cursor"] == 1 and page["more"] is False


def test_edit_delete_and_history(group, owner, member):
    api = client_for(member)
    sent = api.post(
        f"/api/v1/chat/groups/{group.pk}/messages",
        {"text": "原文"},
        content_type="application/json",
    ).json()["message"]
    edited = api.patch(
        f"/api/v1/chat/messages/{sent['id']}", {"text": "改过"}, content_type="application/json"
    )
    assert edited.status_code == 200 and edited.json()["message"]["edited"] is True
    assert api.delete(f"/api/v1/chat/messages/{sent['id']}").json()["deleted"] is True
    history = client_for(owner).get(f"/api/v1/chat/groups/{group.pk}/history").json()
    assert [(m["seq"], m["text"], m["deleted"]) for m in history["messages"]] == [(1, "", True)]


def test_rate_limited_sends_say_when_to_retry(group, member):
    api = client_for(member)
    url = f"/api/v1/chat/groups/{group.pk}/messages"
    for i in range(5):
        assert api.post(url, {"text": f"{i}"}, content_type="application/json").status_code == 201
    response = api.post(url, {"text": "太快了"}, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1


def test_outsiders_get_404_and_no_hint_the_group_exists(group, outsider):
    api = client_for(outsider)
    response = api.get(f"/api/v1/chat/groups/{group.pk}/messages")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_database_outage_answers_503_retry(group, member, monkeypatch):
    api = client_for(member)

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("huzhu.chat.services._message_insert_numbered", down)
    response = api.post(
        f"/api/v1/chat/groups/{group.pk}/messages",
        {"text": "等会儿重试", "client_key": "k"},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response.json()["code"] == "retry"


def test_state_reports_last_seq_and_online(group, member):
    api = client_for(member)
    api.post(
        f"/api/v1/chat/groups/{group.pk}/messages",
        {"text": "在吗"},
        content_type="application/json",
    )
    assert api.get(f"/api/v1/chat/groups/{group.pk}/state").json() == {"last_seq": 1, "online": 0}


def test_a_lone_surrogate_in_a_json_message_is_stored_as_a_replacement_character(group, member):
    api = client_for(member)
    url = f"/api/v1/chat/groups/{group.pk}/messages"
    raw = '{"text": "\\u6709\\ud800\\u4eba \\ud83d\\ude00", "client_key": "s-1"}'
    response = api.post(url, raw, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["message"]["text"] == "有\ufffd人 😀"
    page = api.get(url, {"after": 0}).json()
    assert [m["text"] for m in page["messages"]] == ["有\ufffd人 😀"]
