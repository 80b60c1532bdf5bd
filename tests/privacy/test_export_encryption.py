"""Export archives: encrypted at rest, opened only for their owner, gone 48 hours after."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from huzhu.privacy import crypto
from huzhu.privacy.data_rights import export_build, export_delete
from huzhu.privacy.models import ExportJob
from huzhu.privacy.services import recovery_phone_set
from tests.api.conftest import ApiClient, token_for

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def export(settings, django_capture_on_commit_callbacks, alice):
    settings.TASKS = IMMEDIATE
    recovery_phone_set(user=alice, phone="13900001111")
    with django_capture_on_commit_callbacks(execute=True):
        assert _client(alice).post("/account/data/export/").status_code == 302
    return ExportJob.objects.get(user=alice)


def test_archive_is_encrypted_at_rest_and_opens_for_its_owner(export, alice, member):
    blob = bytes(export.archive)
    assert blob.startswith(b"hz1:") and not blob.startswith(b"PK")
    assert b"13900001111" not in blob and b"huzhu-data.json" not in blob
    download = _client(alice).get(f"/account/data/exports/{export.pk}/download/")
    assert download.status_code == 200 and download["Cache-Control"].startswith("no-store")
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert "13900001111" in archive.read("huzhu-data.json").decode()
    # Not for anyone else, on the web or over the API.
    assert _client(member).get(f"/account/data/exports/{export.pk}/download/").status_code == 404
    api = ApiClient(token_for(member))
    assert api.get(f"/privacy/exports/{export.pk}/download").status_code == 404


def test_archive_copied_to_another_job_does_not_open(export, member):
    """The ciphertext is bound to its job and owner."""
    other = ExportJob.objects.create(
        user=member,
        status="done",
        progress=100,
        archive=export.archive,
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    response = ApiClient(token_for(member)).get(f"/privacy/exports/{other.pk}/download")
    assert response.status_code == 404 and response.json()["code"] == "export_unreadable"


def test_expiry_is_shown_and_the_archive_is_deleted_after_48_hours(export, alice):
    assert export.expires_at is not None
    hours = (export.expires_at - export.finished_at).total_seconds() / 3600
    assert hours == 48
    page = _client(alice).get("/account/data/").content.decode()
    when = timezone.localtime(export.expires_at).strftime("%Y-%m-%d %H:%M")
    assert f"{when} 前可下载，之后删除" in page
    assert "生成后 48 小时过期并被删除" in page
    api = ApiClient(token_for(alice))
    assert api.get(f"/privacy/exports/{export.pk}").json()["expires_at"] is not None

    with time_machine.travel(export.expires_at + timedelta(minutes=1)):
        # Expired: not downloadable and not listed, even before anything deletes it.
        assert _client(alice).get(f"/account/data/exports/{export.pk}/download/").status_code == 404
        assert f"export-{export.pk}" not in _client(alice).get("/account/data/").content.decode()
        # The task scheduled for the expiry (database backend) deletes it.
        export_delete(job_id=export.pk)
    assert not ExportJob.objects.filter(pk=export.pk).exists()


def test_daily_purge_deletes_expired_exports(export):
    call_command("purge")
    assert ExportJob.objects.filter(pk=export.pk).exists()  # still within 48 h
    with time_machine.travel(timezone.now() + timedelta(hours=48, minutes=1)):
        call_command("purge")
    assert not ExportJob.objects.filter(pk=export.pk).exists()


def test_keep_time_comes_from_the_environment_setting(settings, alice):
    settings.EXPORT_KEEP_HOURS = 6
    job = ExportJob.objects.create(user=alice)
    export_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.expires_at - job.finished_at == timedelta(hours=6)


def test_with_a_deferring_backend_the_delete_is_scheduled_at_expiry(
    settings, django_capture_on_commit_callbacks, alice
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = ExportJob.objects.create(user=alice)
    export_build(job_id=job.pk)
    job.refresh_from_db()
    scheduled = DBTaskResult.objects.get(task_path__endswith="export_delete_task")
    assert scheduled.run_after == job.expires_at
    assert scheduled.args_kwargs["args"] == [job.pk]


def test_rotation_reencrypts_archives(settings, export, alice):
    import base64
    import os

    old = settings.FIELD_KEYS
    new_key = "k2:" + base64.b64encode(os.urandom(32)).decode()
    settings.FIELD_KEYS = f"{new_key},{old}"
    call_command("rotate_field_keys")
    export.refresh_from_db()
    assert crypto.bytes_key_id(bytes(export.archive)) == "k2"
    settings.FIELD_KEYS = new_key  # the old key is gone: the archive still opens
    download = _client(alice).get(f"/account/data/exports/{export.pk}/download/")
    assert download.status_code == 200
