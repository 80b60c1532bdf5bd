"""Public names for reportable content types ("message", "aid_request", …) used by the API and
the pages, and resolving a (type, id) to an object the viewer may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.utils.translation import gettext as _

from huzhu.core.errors import NotFound
from huzhu.groups.models import Membership, MembershipStatus
from huzhu.moderation.contracts import content_adapter_for

if TYPE_CHECKING:
    from huzhu.accounts.models import User

TARGET_MODELS = {
    "message": "chat.Message",
    "aid_request": "aid.AidRequest",
    "answer": "aid.Answer",
    "resource": "resources.Resource",
}


def target_type_of(obj: Any) -> str:
    label = obj._meta.label
    for name, model_label in TARGET_MODELS.items():
        if model_label == label:
            return name
    return obj._meta.model_name


def target_resolve(*, viewer: User, target_type: str, target_id: int) -> Any:
    """The object, if the viewer is an active member of its group; otherwise NotFound."""
    label = TARGET_MODELS.get(target_type)
    if label is None:
        raise NotFound(_("没有找到这条内容。"))
    try:
        model = apps.get_model(label)
    except LookupError:
        raise NotFound(_("没有找到这条内容。")) from None
    obj = model.objects.filter(pk=target_id).first()
    adapter = content_adapter_for(model) if obj is not None else None
    if obj is None or adapter is None:
        raise NotFound(_("没有找到这条内容。"))
    membership = Membership.objects.filter(
        group_id=adapter.group_id(obj), user_id=viewer.pk, status=MembershipStatus.ACTIVE
    ).first()
    if membership is None:
        raise NotFound(_("没有找到这条内容。"))
    return obj
