"""The registry of notification kinds: each feature registers its kinds and their message once.

Messages are lazy translations with ``%(name)s`` placeholders filled from the notification's
params (plus ``actor``, the actor's display name), so rendering happens in the reader's language.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_KINDS: dict[str, Promise] = {}


def notification_kind_register(*, kind: str, message: Promise) -> None:
    _KINDS[kind] = message


def notification_kind_message(*, kind: str) -> Promise:
    return _KINDS.get(kind, _("你有一条新通知"))
