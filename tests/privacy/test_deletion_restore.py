"""Restoring an account within the deletion grace period: by signing in, or by staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from huzhu.accounts.models import User
from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.core.errors import Forbidden, InvalidInput, NotFound
from huzhu.privacy.models import AccountDeletion
from huzhu.privacy.services import account_deletion_cancel, account_deletion_request
from tests.factories import PASSWORD, make_user


@pytest.fixture
def staff(db):
    user = make_user("staffer", "平台管理员")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    return user


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_signing_in_during_the_grace_period_offers_to_restore(alice):
    account_deletion_request(user=alice, password=PASSWORD)
    client = Client()
    page = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'data-testid="restore-offer"' in html and "恢复我的账号" in html
    # A wrong password offers nothing.
    other = Client().post("/login/", {"username": "alice", "password": "wrong-password-1"})
    assert 'data-testid="restore-offer"' not in other.content.decode()

    response = client.post("/account/restore/")
    assert response.status_code == 302 and response["Location"] == "/groups/"
    alice.refresh_from_db()
    assert alice.is_active and not AccountDeletion.objects.filter(user=alice).exists()
    assert client.get("/groups/").status_code == 200  # signed in
    event = AuditEvent.objects.get(event_type=AuditEventType.ACCOUNT_DELETION_CANCELLED)
    assert event.actor_id == alice.pk and event.extra["by"] == "self"


def test_restore_needs_the_password_first(alice):
    account_deletion_request(user=alice, password=PASSWORD)
    response = Client().post("/account/restore/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    alice.refresh_from_db()
    assert not alice.is_active


def test_no_restore_after_the_grace_period(alice):
    account_deletion_request(user=alice, password=PASSWORD)
    with time_machine.travel(timezone.now() + timedelta(days=15, minutes=1)):
        page = Client().post("/login/", {"username": "alice", "password": PASSWORD})
        assert 'data-testid="restore-offer"' not in page.content.decode()
        with pytest.raises(NotFound):
            account_deletion_cancel(actor=alice, user_id=alice.pk)


def test_staff_page_lists_pending_deletions_and_restores_with_a_reason(staff, alice, member):
    account_deletion_request(user=alice, password=PASSWORD)
    client = _client(staff)
    assert 'data-testid="nav-staff-deletions"' in client.get("/account/privacy/").content.decode()
    assert "nav-staff-deletions" not in _client(member).get("/account/privacy/").content.decode()
    page = client.get("/staff/deletions/").content.decode()
    assert f'data-testid="deletion-{alice.pk}"' in page and "阿丽" in page
    assert "阿丽" not in client.get("/staff/deletions/", {"q": "nobody"}).content.decode()

    # A reason is required; the page keeps the list and says why.
    refused = client.post(f"/staff/deletions/{alice.pk}/cancel/", {"reason": ""})
    assert refused.status_code == 400
    alice.refresh_from_db()
    assert not alice.is_active

    done = client.post(f"/staff/deletions/{alice.pk}/cancel/", {"reason": "用户 11 月 20 日来信"})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.is_active
    event = AuditEvent.objects.get(event_type=AuditEventType.ACCOUNT_DELETION_CANCELLED)
    assert event.actor_id == staff.pk and event.target_user_id == alice.pk
    assert event.extra["by"] == "staff" and event.extra["reason"] == "用户 11 月 20 日来信"
    after = client.get("/staff/deletions/").content.decode()
    assert "已恢复 阿丽 的账号。" in after and f'data-testid="deletion-{alice.pk}"' not in after


def test_only_staff_may_restore_others(alice, member):
    account_deletion_request(user=alice, password=PASSWORD)
    assert _client(member).get("/staff/deletions/").status_code == 403
    response = _client(member).post(f"/staff/deletions/{alice.pk}/cancel/", {"reason": "帮朋友"})
    assert response.status_code == 403
    with pytest.raises(Forbidden):
        account_deletion_cancel(actor=member, user_id=alice.pk, reason="帮朋友")
    alice.refresh_from_db()
    assert not alice.is_active


def test_staff_restore_service_checks(staff, alice):
    with pytest.raises(NotFound):
        account_deletion_cancel(actor=staff, user_id=alice.pk, reason="没有申请")
    account_deletion_request(user=alice, password=PASSWORD)
    with pytest.raises(InvalidInput):
        account_deletion_cancel(actor=staff, user_id=alice.pk)


def test_staff_restore_over_the_api(staff, alice, member):
    from tests.api.conftest import ApiClient, token_for

    account_deletion_request(user=alice, password=PASSWORD)
    api = ApiClient(token_for(staff))
    listed = api.get("/privacy/staff/deletions")
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["user_id"] == alice.pk and row["display_name"] == "阿丽"
    assert api.get("/privacy/staff/deletions", q="nobody").json() == []

    # A reason is required, with a clear message; nothing changes without one.
    refused = api.post(f"/privacy/staff/deletions/{alice.pk}/restore", {"reason": ""})
    assert refused.status_code == 422, refused.content
    assert refused.json()["message"] == "请求内容不正确，请检查这些字段：reason。"
    alice.refresh_from_db()
    assert not alice.is_active

    done = api.post(f"/privacy/staff/deletions/{alice.pk}/restore", {"reason": "用户来信"})
    assert done.status_code == 200 and done.json() == {"user_id": alice.pk, "is_active": True}
    alice.refresh_from_db()
    assert alice.is_active
    event = AuditEvent.objects.get(event_type=AuditEventType.ACCOUNT_DELETION_CANCELLED)
    assert event.actor_id == staff.pk and event.extra == {
        "by": "staff",
        "requested_at": event.extra["requested_at"],
        "reason": "用户来信",
    }
    assert api.get("/privacy/staff/deletions").json() == []
    # Nothing left to restore: 404 with a Chinese message.
    again = api.post(f"/privacy/staff/deletions/{alice.pk}/restore", {"reason": "再来一次"})
    assert again.status_code == 404 and "没有找到这个注销申请" in again.json()["message"]


def test_only_staff_may_use_the_restore_api(alice, member):
    from tests.api.conftest import ApiClient, token_for

    account_deletion_request(user=alice, password=PASSWORD)
    api = ApiClient(token_for(member))
    assert api.get("/privacy/staff/deletions").status_code == 403
    # Also for an id with no pending deletion: the same 403, so ids tell nothing.
    for user_id in (alice.pk, 999999):
        response = api.post(f"/privacy/staff/deletions/{user_id}/restore", {"reason": "帮朋友"})
        assert response.status_code == 403 and response.json()["code"] == "not_staff"
    alice.refresh_from_db()
    assert not alice.is_active
