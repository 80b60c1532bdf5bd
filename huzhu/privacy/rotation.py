"""Key rotation: re-encrypt every encrypted column (and export archive) to the newest key in
``HUZHU_FIELD_KEYS``.

To rotate: put a new key first in ``HUZHU_FIELD_KEYS`` (keep the old ones after it), restart,
run ``huzhu rotate_field_keys``, then drop the old keys. Safe to interrupt and run again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models, transaction

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.privacy import crypto
from huzhu.privacy.models import (
    AgeConfirmation,
    ContactRequest,
    ExportJob,
    RecoveryPhone,
    SharedAddress,
)

# model, {column: purpose}: every encrypted column in Huzhu.
ENCRYPTED_COLUMNS: list[tuple[type[models.Model], dict[str, str]]] = [
    (RecoveryPhone, {"phone_encrypted": "phone"}),
    (
        SharedAddress,
        {
            "recipient_encrypted": "address.name",
            "phone_encrypted": "address.phone",
            "address_encrypted": "address.text",
        },
    ),
    (
        ContactRequest,
        {"sender_contact_encrypted": "contact", "recipient_contact_encrypted": "contact"},
    ),
    (AgeConfirmation, {"guardian_name_encrypted": "guardian"}),
]
BATCH = 500


def rows_to_rotate() -> int:
    columns = sum(model._default_manager.count() for model, _cols in ENCRYPTED_COLUMNS)
    return columns + ExportJob.objects.exclude(archive=None).count()


def _archives_rotate(progress: Callable[[int], None] | None) -> int:
    """Export archives (binary, bound to their job): one at a time, they can be large."""
    from huzhu.privacy.data_rights import export_purpose

    changed = 0
    newest = crypto.keyring().newest
    ids = list(ExportJob.objects.exclude(archive=None).order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            job = ExportJob.objects.select_for_update().filter(pk=pk).first()
            if job is not None and job.archive:
                blob = bytes(job.archive)
                if crypto.bytes_key_id(blob) != newest:
                    purpose = export_purpose(job)
                    job.archive = crypto.encrypt_bytes(
                        crypto.decrypt_bytes(blob, purpose=purpose), purpose=purpose
                    )
                    job.save(update_fields=["archive"])
                    changed += 1
        if progress:
            progress(1)
    return changed


def field_keys_rotate(*, progress: Callable[[int], None] | None = None) -> int:
    """Re-encrypt every value not sealed with the newest key; returns how many values changed."""
    changed = 0
    for model, columns in ENCRYPTED_COLUMNS:
        last_pk = 0
        while True:
            batch = list(model._default_manager.filter(pk__gt=last_pk).order_by("pk")[:BATCH])
            if not batch:
                break
            with transaction.atomic():
                for obj in batch:
                    dirty = []
                    for column, purpose in columns.items():
                        value = getattr(obj, column)
                        if value and crypto.needs_rotation(value):
                            setattr(obj, column, crypto.reencrypt(value, purpose=purpose))
                            dirty.append(column)
                    if dirty:
                        obj.save(update_fields=dirty)
                        changed += len(dirty)
            last_pk = batch[-1].pk
            if progress:
                progress(len(batch))
    changed += _archives_rotate(progress)
    with transaction.atomic():
        audit_record(
            event_type=AuditEventType.FIELD_KEYS_ROTATED,
            actor=None,
            extra={"newest_key": crypto.keyring().newest, "values": changed},
        )
    return changed
