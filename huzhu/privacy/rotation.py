"""Key rotation: re-encrypt every encrypted column to the newest key in ``HUZHU_FIELD_KEYS``.

To rotate: put a new key first in ``HUZHU_FIELD_KEYS`` (keep the old ones after it), restart,
run ``huzhu rotate_field_keys``, then drop the old keys. Safe to interrupt and run again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models, transaction

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.privacy import crypto
from huzhu.privacy.models import AgeConfirmation, ContactRequest, RecoveryPhone, SharedAddress

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
    return sum(model._default_manager.count() for model, _cols in ENCRYPTED_COLUMNS)


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
    with transaction.atomic():
        audit_record(
            event_type=AuditEventType.FIELD_KEYS_ROTATED,
            actor=None,
            extra={"newest_key": crypto.keyring().newest, "values": changed},
        )
    return changed
