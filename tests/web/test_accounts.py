"""Sign up, log in (with lockout), log out and change password through the web pages."""

from __future__ import annotations

import pytest
from django.test import Client

from huzhu.accounts.models import Consent, User
from tests.factories import PASSWORD, make_user
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "xiaomei",
    "display_name": "小美",
    "password1": "lychee-season-2026",
    "password2": "lychee-season-2026",
    "accept_privacy_policy": "on",
    "accept_community_rules": "on",
    "age": "14_or_over",
}


def test_signup_page_links_both_documents(client: Client) -> None:
    response = client.get("/signup/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/privacy/"' in body and 'href="/community-rules/"' in body
    assert "我已阅读并同意" in body


def test_signup_creates_account_records_consent_and_logs_in(client: Client) -> None:
    response = client.post("/signup/", GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/groups/"
    user = User.objects.get(username="xiaomei")
    assert user.display_name == "小美"
    assert set(Consent.objects.filter(user=user).values_list("kind", flat=True)) == {
        "privacy_policy",
        "community_rules",
    }
    page = client.get("/groups/")
    assert page.status_code == 200
    assert "欢迎你，小美！账号已创建。" in text(page)


def test_signup_goes_to_a_local_next_but_never_offsite(client: Client) -> None:
    response = client.post("/signup/", {**GOOD, "next": "/join/ABCDEFGH/"})
    assert response["Location"] == "/join/ABCDEFGH/"
    other = Client()
    response = other.post(
        "/signup/", {**GOOD, "username": "evilnext", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/groups/"


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"username": "a b"}, 400, "用户名须为 3–30 位字母、数字或下划线。"),
        ({"display_name": ""}, 400, "这个字段是必填项。"),
        ({"display_name": "名" * 41}, 400, "不超过 40"),
        ({"password2": "lychee-season-2027"}, 400, "两次输入的密码不一致。"),
        ({"password1": "12345678", "password2": "12345678"}, 400, "密码太短，至少需要 10 个字符。"),
        ({"password1": "password123", "password2": "password123"}, 400, "这个密码太常见了"),
        ({"accept_privacy_policy": ""}, 400, "注册前需要阅读并同意隐私政策和社区规范。"),
        ({"accept_community_rules": ""}, 400, "注册前需要阅读并同意隐私政策和社区规范。"),
    ],
)
def test_signup_bad_input_shows_chinese_field_error(
    client: Client, change: dict[str, str], status: int, message: str
) -> None:
    data = {key: value for key, value in {**GOOD, **change}.items() if value != ""}
    response = client.post("/signup/", data)
    assert response.status_code == status
    assert message in text(response)
    assert not User.objects.filter(username=data.get("username", "")).exists()


def test_signup_duplicate_username_is_a_conflict(client: Client) -> None:
    make_user("xiaomei")
    response = client.post("/signup/", {**GOOD, "username": "XiaoMei"})
    assert response.status_code == 409
    assert "用户名“XiaoMei”已被占用，请换一个。" in text(response)


def test_login_and_logout(client: Client) -> None:
    make_user("alice", "小王")
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/groups/"
    assert client.get("/groups/").status_code == 200
    assert client.get("/logout/").status_code == 405  # logging out is a POST
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/groups/")["Location"].startswith("/login/")


def test_login_wrong_password_says_so_in_chinese(client: Client) -> None:
    make_user("alice")
    response = client.post("/login/", {"username": "alice", "password": "not-the-password"})
    assert response.status_code == 400
    assert "用户名或密码不正确。" in text(response)


def test_login_lockout_after_five_failures_says_when_to_retry(client: Client) -> None:
    make_user("alice")
    for _attempt in range(5):
        client.post("/login/", {"username": "alice", "password": "wrong-password-x"})
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多，请在 30 分钟后" in text(response)
    assert response["Retry-After"] == "1800"
    # the page still offers the login form for later
    assert 'name="username"' in response.content.decode()


def test_login_page_redirects_when_already_logged_in(owner_client: Client) -> None:
    assert owner_client.get("/login/").status_code == 302


def test_change_password(owner_client: Client, owner: User) -> None:
    response = owner_client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "new-lychee-season-7",
            "new_password2": "new-lychee-season-7",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("new-lychee-season-7")
    page = owner_client.get("/account/password/")  # the session survives the change
    assert page.status_code == 200
    assert "密码已修改。" in text(page)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"old_password": "wrong-one-1234", "new_password1": "new-lychee-season-7"},
            "当前密码不正确。",
        ),
        ({"old_password": PASSWORD, "new_password1": "short"}, "密码太短，至少需要 10 个字符。"),
        (
            {
                "old_password": PASSWORD,
                "new_password1": "new-lychee-season-7",
                "new_password2": "x",
            },
            "两次输入的新密码不一致。",
        ),
    ],
)
def test_change_password_bad_input(
    owner_client: Client, owner: User, data: dict[str, str], message: str
) -> None:
    data = {"new_password2": data["new_password1"], **data}
    response = owner_client.post("/account/password/", data)
    assert response.status_code == 400
    assert message in text(response)
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_account_pages_need_login(client: Client) -> None:
    for url in ("/account/password/", "/groups/", "/tokens/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"


def test_log_in_from_an_invite_returns_to_it(client: Client) -> None:
    make_user("alice")
    page = client.get("/login/?next=/join/ABCDEFGH/")
    assert 'name="next" value="/join/ABCDEFGH/"' in page.content.decode()
    response = client.post(
        "/login/", {"username": "alice", "password": PASSWORD, "next": "/join/ABCDEFGH/"}
    )
    assert response["Location"] == "/join/ABCDEFGH/"
