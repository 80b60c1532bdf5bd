"""One posting budget per member for resources, questions and answers: 429 + Retry-After and a
Chinese message on the API and on the web, where the form keeps what was typed."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from huzhu.aid.services import aid_request_post
from tests.aid.conftest import screening_without_classifier
from tests.api.conftest import ApiClient, token_for


@pytest.fixture(autouse=True)
def posting_limit(settings, monkeypatch):
    screening_without_classifier(monkeypatch)
    cache.clear()
    settings.RATE_LIMITS_ENABLED = True
    settings.API_RATE_PER_USER_MINUTE = 1000
    settings.POSTING_RATE_PER_MEMBER = 3
    settings.POSTING_RATE_WINDOW_SECONDS = 600
    yield
    cache.clear()


@pytest.fixture
def question(group, owner):
    return aid_request_post(
        actor=owner, group=group, kind="question", title="考研数学怎么复习", category="study"
    )


def _tip(n: int) -> dict:
    return {"kind": "tip", "title": f"省电小技巧第{n}条", "body": "空调调到 26 度更省电"}


def test_resources_questions_and_answers_share_one_budget_over_the_api(group, member, question):
    api = ApiClient(token_for(member))
    assert api.post(f"/resources/groups/{group.pk}", _tip(1)).status_code == 201
    r = api.post(
        f"/aid/groups/{group.pk}/requests",
        {"kind": "question", "title": "周末去哪里爬山", "category": "life"},
    )
    assert r.status_code == 201
    assert api.post(f"/aid/requests/{question.pk}/answers", {"body": "先做真题"}).status_code == 201

    refused = api.post(f"/resources/groups/{group.pk}", _tip(2))
    assert refused.status_code == 429
    assert refused.json()["code"] == "posting_rate_limited"
    assert (
        "发布太频繁了" in refused.json()["message"]
        and "10 分钟最多发布 3 条" in refused.json()["message"]
    )
    assert 0 < int(refused["Retry-After"]) <= 600
    again = api.post(f"/aid/requests/{question.pk}/answers", {"body": "再补充一句"})
    assert again.status_code == 429 and again.json()["code"] == "posting_rate_limited"


def test_a_mistake_in_the_form_costs_nothing_and_others_keep_their_budget(group, member, owner):
    api = ApiClient(token_for(member))
    for _ in range(5):  # no title: refused before counting
        bad = api.post(f"/aid/groups/{group.pk}/requests", {"kind": "question", "category": "life"})
        assert bad.status_code == 400
    for n in range(3):
        assert api.post(f"/resources/groups/{group.pk}", _tip(n)).status_code == 201
    assert api.post(f"/resources/groups/{group.pk}", _tip(9)).status_code == 429
    other = ApiClient(token_for(owner))
    assert other.post(f"/resources/groups/{group.pk}", _tip(1)).status_code == 201


def test_limit_comes_from_settings_and_zero_switches_it_off(settings, group, member):
    settings.POSTING_RATE_PER_MEMBER = 0
    api = ApiClient(token_for(member))
    for n in range(5):
        assert api.post(f"/resources/groups/{group.pk}", _tip(n)).status_code == 201


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_web_forms_show_the_message_and_keep_what_was_typed(group, member, question):
    web = _web(member)
    for n in range(3):
        response = web.post(f"/groups/{group.pk}/resources/share/", _tip(n))
        assert response.status_code == 302
    typed = {"kind": "tip", "title": "冰箱除味用柚子皮", "body": "放两天就没味了"}
    page = web.post(f"/groups/{group.pk}/resources/share/", typed)
    assert page.status_code == 429 and 0 < int(page["Retry-After"]) <= 600
    html = page.content.decode()
    assert "发布太频繁了" in html
    assert 'value="冰箱除味用柚子皮"' in html and "放两天就没味了" in html

    page = web.post(
        f"/groups/{group.pk}/aid/new/",
        {
            "kind": "question",
            "title": "租房合同要注意什么",
            "category": "life",
            "body": "第一次租房",
        },
    )
    assert page.status_code == 429 and "Retry-After" in page
    html = page.content.decode()
    assert "发布太频繁了" in html and 'value="租房合同要注意什么"' in html

    # The answer box is an htmx form: the message goes to the flash area, the box is not replaced.
    answer = web.post(
        f"/groups/{group.pk}/aid/{question.pk}/answer/",
        {"body": "先把课本例题做一遍"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 429 and "Retry-After" in answer
    assert answer["HX-Retarget"] == "#flash" and "发布太频繁了" in answer.content.decode()

    # Without JavaScript the whole page comes back, the answer still in its box.
    answer = web.post(
        f"/groups/{group.pk}/aid/{question.pk}/answer/", {"body": "先把课本例题做一遍"}
    )
    assert answer.status_code == 429 and 0 < int(answer["Retry-After"]) <= 600
    html = answer.content.decode()
    assert "发布太频繁了" in html and "先把课本例题做一遍" in html
