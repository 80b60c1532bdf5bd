"""Background tasks for data rights: build an export, delete it when it expires, erase accounts
past their grace period.

All are idempotent: a job already done is left alone, an erased account is not erased twice.
"""

from __future__ import annotations

from django_tasks import task


@task()
def export_build_task(job_id: int) -> None:
    from huzhu.privacy.data_rights import export_build

    export_build(job_id=job_id)


@task()
def export_delete_task(job_id: int) -> None:
    from huzhu.privacy.data_rights import export_delete

    export_delete(job_id=job_id)


@task()
def accounts_erase_due_task() -> int:
    from huzhu.privacy.services import accounts_erase_due

    return accounts_erase_due()
