"""Background tasks for mutual aid: expiry at the deadline (idempotent, safe to run twice or late)."""

from __future__ import annotations

from django_tasks import task


@task()
def aid_request_expire_task(request_id: int) -> None:
    from huzhu.aid.services import aid_request_expire

    aid_request_expire(request_id=request_id)
