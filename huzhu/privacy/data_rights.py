"""Export everything about me: request a job, build it in the background, download the zip."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.accounts.models import User
from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import NotFound, RateLimited
from huzhu.privacy.export import export_archive_build, export_collect
from huzhu.privacy.models import ExportJob, ExportStatus

EXPORTS_PER_DAY = 3


def export_request(*, user: User) -> ExportJob:
    """Queue an export; the build runs after commit in a worker. A few per day at most."""
    since = timezone.now() - timedelta(days=1)
    recent = ExportJob.objects.filter(user=user, created_at__gte=since).count()
    if recent >= EXPORTS_PER_DAY:
        raise RateLimited(
            _("每天最多导出 %(n)d 次，请明天再试。") % {"n": EXPORTS_PER_DAY},
            retry_after=3600,
            code="export_limit",
        )
    with transaction.atomic():
        job = ExportJob.objects.create(user=user)
        audit_record(
            event_type=AuditEventType.DATA_EXPORT_REQUESTED,
            actor=user,
            target_user=user,
            target=job,
        )

        def enqueue() -> None:
            from huzhu.privacy.tasks import export_build_task

            export_build_task.enqueue(job.pk)

        transaction.on_commit(enqueue)
    return job


def export_build(*, job_id: int) -> None:
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status == ExportStatus.DONE:
        return
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=1)

    def progress(done: int, total: int) -> None:
        # Leave the last few percent for zipping.
        ExportJob.objects.filter(pk=job.pk).update(progress=max(1, int(done * 90 / total)))

    try:
        data = export_collect(user=job.user, progress=progress)
        archive = export_archive_build(user=job.user, data=data)
    except Exception:
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED)
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE, progress=100, archive=archive, finished_at=timezone.now()
    )


def export_get(*, user: User, job_id: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=job_id, user=user).defer("archive").first()
    if job is None:
        raise NotFound(_("没有找到这个导出。"))
    return job


def export_download(*, user: User, job_id: int) -> bytes:
    job = ExportJob.objects.filter(pk=job_id, user=user, status=ExportStatus.DONE).first()
    if job is None or not job.archive:
        raise NotFound(_("导出还没有完成，或已过期。"))
    return bytes(job.archive)


def exports_expired_delete(*, now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_KEEP_DAYS)
    deleted, _detail = ExportJob.objects.filter(created_at__lt=cutoff).delete()
    return deleted
