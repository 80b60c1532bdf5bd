"""Export everything about me, correct it, delete my account (deactivate now, erase later),
and the retention purge."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessLog
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from huzhu.accounts.models import User
from huzhu.aid.models import LedgerEntry
from huzhu.aid.services import help_give
from huzhu.chat.models import Message
from huzhu.chat.services import message_delete, message_send
from huzhu.core.errors import Forbidden
from huzhu.privacy.models import ExportJob, RecoveryPhone
from huzhu.privacy.services import account_deletion_request, recovery_phone_set
from tests.api.conftest import token_for
from tests.factories import PASSWORD

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_export_zip_holds_json_and_html_of_my_data_only(
    settings, django_capture_on_commit_callbacks, group, member, alice, groupbuy
):
    settings.TASKS = IMMEDIATE
    help_give(actor=alice, request_id=groupbuy.pk)
    message_send(actor=alice, group=group, text="我已经参团了，谢谢团长")
    message_send(actor=member, group=group, text="团长的消息不该出现在阿丽的导出里")
    recovery_phone_set(user=alice, phone="13900001111")
    client = _client(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/data/export/")
    assert response.status_code == 302
    job = ExportJob.objects.get(user=alice)
    assert job.status == "done" and job.progress == 100
    fragment = client.get(f"/account/data/exports/{job.pk}/").content.decode()
    assert "hx-get" not in fragment and "download" in fragment  # done: polling stops
    download = client.get(f"/account/data/exports/{job.pk}/download/")
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == ["huzhu-data.html", "huzhu-data.json"]
    data = json.loads(archive.read("huzhu-data.json"))
    sections = data["sections"]
    assert {"accounts", "groups", "aid", "chat", "moderation", "resources", "privacy"} <= set(
        sections
    )
    assert [m["text"] for m in sections["chat"]["messages"]] == ["我已经参团了，谢谢团长"]
    assert sections["aid"]["ledger"][0]["amount"] == 1
    assert sections["privacy"]["recovery_phone"] == "13900001111"
    assert "password" not in sections["accounts"]["user"][0]
    raw = archive.read("huzhu-data.json").decode()
    assert "团长的消息" not in raw
    assert "我已经参团了" in archive.read("huzhu-data.html").decode()
    # Someone else's export is not theirs to see.
    assert _client(member).get(f"/account/data/exports/{job.pk}/download/").status_code == 404


def test_running_export_page_polls(member):
    job = ExportJob.objects.create(user=member, status="running", progress=40)
    body = _client(member).get("/account/data/").content.decode()
    assert f'hx-get="/account/data/exports/{job.pk}/"' in body
    assert 'value="40"' in body


def test_correct_display_name(member):
    response = _client(member).post("/account/data/name/", {"display_name": "李小花"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "李小花"


def test_delete_deactivates_at_once_then_purge_erases_after_grace(group, member, alice, groupbuy):
    help_give(actor=alice, request_id=groupbuy.pk)
    recovery_phone_set(user=alice, phone="13900001111")
    token = token_for(alice)
    with pytest.raises(Forbidden):
        account_deletion_request(user=alice, password="wrong")
    response = _client(alice).post("/account/data/delete/", {"password": PASSWORD})
    assert response.status_code == 200 and "账号已停用" in response.content.decode()
    alice.refresh_from_db()
    assert not alice.is_active
    login = Client().post("/login/", {"username": "alice", "password": PASSWORD})
    assert login.status_code == 400  # refused: the account is deactivated
    api = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401
    call_command("purge")  # inside the grace period: nothing erased
    assert RecoveryPhone.objects.filter(user=alice).exists()
    with time_machine.travel(timezone.now() + timedelta(days=15, minutes=1)):
        call_command("purge")
    alice = User.objects.get(pk=alice.pk)
    assert alice.display_name == "已注销用户" and alice.username == f"deleted-{alice.pk}"
    assert not RecoveryPhone.objects.filter(user=alice).exists()
    # The group keeps the help and the ledger still sums to zero.
    assert groupbuy.helps.filter(helper=alice).exists()
    total = LedgerEntry.objects.filter(group=group).aggregate(s=Sum("amount"))["s"]
    assert total == 0
    page = _client(member).get(f"/groups/{group.pk}/aid/{groupbuy.pk}/").content.decode()
    assert "已注销用户" in page and "阿丽" not in page


def test_retention_purges_old_deleted_messages_and_old_security_logs(group, member):
    old = message_send(actor=member, group=group, text="三十多天前删掉的消息").message
    recent = message_send(actor=member, group=group, text="昨天删掉的消息").message
    message_delete(actor=member, message_id=old.pk)
    message_delete(actor=member, message_id=recent.pk)
    Message.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    now = timezone.now()
    for username, days in (("x", 200), ("y", 150)):
        log = AccessLog.objects.create(username=username, ip_address="1.2.3.4")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=now - timedelta(days=days))
    call_command("purge")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.text == "" and not old.revisions.exists()
    assert recent.revisions.exists()
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["y"]
