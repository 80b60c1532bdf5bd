"""Export everything about me: request a job, build it in the background, download the zip.

The zip is encrypted at rest with the field keys (AES-GCM, bound to the job and its owner), opened
only when its owner downloads it, and deleted ``EXPORT_KEEP_HOURS`` (48) after it was built: by a
task scheduled for that moment where the task backend can defer, and by the daily purge anyway.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.accounts.models import User
from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import NotFound, RateLimited
from huzhu.privacy import crypto
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


def export_purpose(job: ExportJob) -> str:
    # Bound to the job and its owner: a blob copied to another job or user does not open.
    return f"export:{job.user_id}:{job.pk}"


def export_keep() -> timedelta:
    return timedelta(hours=settings.EXPORT_KEEP_HOURS)


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
        archive = crypto.encrypt_bytes(
            export_archive_build(user=job.user, data=data), purpose=export_purpose(job)
        )
    except Exception:
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED)
        raise
    now = timezone.now()
    expires_at = now + export_keep()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        progress=100,
        archive=archive,
        finished_at=now,
        expires_at=expires_at,
    )
    _schedule_delete(job_id=job.pk, when=expires_at)


def _schedule_delete(*, job_id: int, when: datetime) -> None:
    from huzhu.privacy.tasks import export_delete_task

    if export_delete_task.get_backend().supports_defer:
        export_delete_task.using(run_after=when).enqueue(job_id)


def _live(*, now: datetime | None = None) -> Q:
    """Jobs not yet expired (unfinished jobs have no expiry yet)."""
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now or timezone.now())


def exports_for(*, user: User, limit: int = 5) -> list[ExportJob]:
    """My recent exports that have not expired, newest first (the archives stay in the database)."""
    return list(ExportJob.objects.filter(_live(), user=user).defer("archive")[:limit])


def export_get(*, user: User, job_id: int) -> ExportJob:
    job = ExportJob.objects.filter(_live(), pk=job_id, user=user).defer("archive").first()
    if job is None:
        raise NotFound(_("没有找到这个导出。"))
    return job


def export_download(*, user: User, job_id: int) -> bytes:
    """The zip, decrypted, for its owner only and only before it expires."""
    job = ExportJob.objects.filter(_live(), pk=job_id, user=user, status=ExportStatus.DONE).first()
    if job is None or not job.archive:
        raise NotFound(_("导出还没有完成，或已过期。"))
    try:
        return crypto.decrypt_bytes(bytes(job.archive), purpose=export_purpose(job))
    except crypto.DecryptionError:  # its key was dropped from HUZHU_FIELD_KEYS
        raise NotFound(_("这份导出已无法打开，请重新导出。"), code="export_unreadable") from None


def export_delete(*, job_id: int) -> None:
    """Delete one export once it has expired (the scheduled task; idempotent)."""
    ExportJob.objects.filter(pk=job_id, expires_at__lte=timezone.now()).delete()


def exports_expired_delete(*, now: datetime | None = None) -> int:
    """Delete expired exports, and any job (even unfinished) older than the keep time."""
    now = now or timezone.now()
    deleted, _detail = ExportJob.objects.filter(
        Q(expires_at__lte=now) | Q(created_at__lt=now - export_keep())
    ).delete()
    return deleted
