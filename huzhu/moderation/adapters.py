"""Built-in content adapters (see ``contracts.py``) for aid requests, answers, help disputes,
chat messages and resources, registered at start-up until those apps register their own.

Hiding pending review reuses each app's own "held" state (审核中): held content is already shown
only to its author and the moderators, which is exactly what "hidden pending review" means.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from huzhu.moderation.contracts import content_adapter_register

if TYPE_CHECKING:
    from huzhu.accounts.models import User


def _search_sync(kind: str, obj: Any, *, visible: bool) -> None:
    """Keep search in step with visibility: hidden or removed text leaves the index at once
    (inside this transaction); published again, it is re-indexed after commit."""
    from huzhu.search.services import search_index_remove, search_index_upsert

    if visible:
        search_index_upsert(kind, obj)
    else:
        search_index_remove(kind, obj)


def _reverse(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


class AidRequestAdapter:
    label = _("互助请求")
    search_kind = "aid_request"

    def author(self, obj: Any) -> User:
        return obj.requester

    def group_id(self, obj: Any) -> int:
        return int(obj.group_id)

    def text(self, obj: Any) -> str:
        parts = [obj.title, obj.body, obj.clean_link]
        return "\n".join(p for p in parts if p)

    def url(self, obj: Any) -> str:
        return _reverse("web:aid_request", group_id=obj.group_id, request_id=obj.pk)

    def set_visibility(self, obj: Any, *, hidden: bool) -> None:
        from huzhu.aid.models import Publication

        old, new = (
            (Publication.PUBLISHED, Publication.HELD)
            if hidden
            else (Publication.HELD, Publication.PUBLISHED)
        )
        type(obj).objects.filter(pk=obj.pk, publication=old).update(publication=new)
        _search_sync(self.search_kind, obj, visible=not hidden)

    def publish(self, obj: Any, *, actor: User) -> None:
        from huzhu.aid.models import Publication
        from huzhu.aid.services import aid_request_moderate

        obj.refresh_from_db(fields=["publication"])
        if obj.publication == Publication.HELD:
            aid_request_moderate(actor=actor, request_id=obj.pk, approve=True)

    def remove(self, obj: Any, *, actor: User) -> None:
        from huzhu.aid.models import Publication
        from huzhu.aid.services import aid_request_moderate

        obj.refresh_from_db(fields=["publication"])
        if obj.publication == Publication.HELD:
            aid_request_moderate(actor=actor, request_id=obj.pk, approve=False)
        else:
            type(obj).objects.filter(pk=obj.pk).update(publication=Publication.REJECTED)
            _search_sync(self.search_kind, obj, visible=False)

    def is_removed(self, obj: Any) -> bool:
        return bool(obj.publication == "rejected")


class AnswerAdapter(AidRequestAdapter):
    label = _("回答")
    search_kind = "aid_answer"

    def author(self, obj: Any) -> User:
        return obj.author

    def group_id(self, obj: Any) -> int:
        return int(obj.request.group_id)

    def text(self, obj: Any) -> str:
        return str(obj.body)

    def url(self, obj: Any) -> str:
        return _reverse("web:aid_request", group_id=obj.request.group_id, request_id=obj.request_id)

    def publish(self, obj: Any, *, actor: User) -> None:
        type(obj).objects.filter(pk=obj.pk).update(publication="published")
        _search_sync(self.search_kind, obj, visible=True)

    def remove(self, obj: Any, *, actor: User) -> None:
        type(obj).objects.filter(pk=obj.pk).update(publication="rejected")
        _search_sync(self.search_kind, obj, visible=False)


class HelpDisputeAdapter:
    """A help dispute: the "author" is the helper whose help is said not to have arrived.

    Approve = the help stands (dispute rejected); remove = the help is revoked (dispute upheld).
    """

    label = _("帮助争议")

    def author(self, obj: Any) -> User:
        return obj.help.helper

    def group_id(self, obj: Any) -> int:
        return int(obj.group_id)

    def text(self, obj: Any) -> str:
        return f"「{obj.help.request.title}」 — {obj.reason}"

    def url(self, obj: Any) -> str:
        return _reverse("web:aid_request", group_id=obj.group_id, request_id=obj.help.request_id)

    def set_visibility(self, obj: Any, *, hidden: bool) -> None:
        return None

    def publish(self, obj: Any, *, actor: User) -> None:
        from huzhu.aid.services import help_dispute_resolve

        if obj.status == "open":
            help_dispute_resolve(actor=actor, dispute_id=obj.pk, upheld=False)

    def remove(self, obj: Any, *, actor: User) -> None:
        from huzhu.aid.services import help_dispute_resolve

        if obj.status == "open":
            help_dispute_resolve(actor=actor, dispute_id=obj.pk, upheld=True)

    def is_removed(self, obj: Any) -> bool:
        return bool(obj.status == "upheld")


class MessageAdapter:
    label = _("聊天消息")

    def author(self, obj: Any) -> User:
        return obj.sender

    def group_id(self, obj: Any) -> int:
        return int(obj.group_id)

    def text(self, obj: Any) -> str:
        if obj.deleted_at is not None:
            revision = obj.revisions.filter(kind="delete").order_by("-id").first()
            return revision.text if revision else ""
        return str(obj.text)

    def url(self, obj: Any) -> str:
        return _reverse("web:group_chat", group_id=obj.group_id)

    def _set_status(self, obj: Any, *, old: str, new: str) -> None:
        # The chat app has no public "change status" service yet: take the next cursor so
        # resyncing clients see the change, and announce it like an edit.
        from huzhu.chat.models import Message
        from huzhu.chat.selectors import message_as_dict
        from huzhu.chat.services import _moderation_audience, _next_seq
        from huzhu.realtime.events import Audience, MessageEdited
        from huzhu.realtime.publish import event_publish_on_commit

        with transaction.atomic():
            message = Message.objects.select_for_update().get(pk=obj.pk)
            if message.status != old:
                return
            message.status = new
            message.cursor = _next_seq(group_id=message.group_id)
            message.save(update_fields=["status", "cursor"])
            _search_sync("chat_message", message, visible=new == "published")
            if new == "published":
                from huzhu.chat.services import mentions_notify_on_release

                mentions_notify_on_release(message)  # held by screening, now released
            full = message_as_dict(message)
            if new == "held":
                # Members learn that it disappeared, without its text; the sender and the
                # moderators get the full message (published second, so it wins for them).
                event_publish_on_commit(
                    MessageEdited(
                        group_id=message.group_id,
                        message={**full, "text": ""},
                        audience=Audience(),
                    )
                )
            event_publish_on_commit(
                MessageEdited(
                    group_id=message.group_id,
                    message=full,
                    audience=_moderation_audience(message),
                )
            )
        obj.status = new

    def set_visibility(self, obj: Any, *, hidden: bool) -> None:
        if hidden:
            self._set_status(obj, old="published", new="held")
        else:
            self._set_status(obj, old="held", new="published")

    def publish(self, obj: Any, *, actor: User) -> None:
        self._set_status(obj, old="held", new="published")

    def remove(self, obj: Any, *, actor: User) -> None:
        from huzhu.chat.services import message_delete

        message_delete(actor=actor, message_id=obj.pk)

    def is_removed(self, obj: Any) -> bool:
        return obj.deleted_at is not None or obj.status == "rejected"


class ResourceAdapter:
    label = _("资源")

    def author(self, obj: Any) -> User:
        return obj.author

    def group_id(self, obj: Any) -> int:
        return int(obj.group_id)

    def text(self, obj: Any) -> str:
        return "\n".join(p for p in (obj.title, obj.body, obj.link) if p)

    def url(self, obj: Any) -> str:
        return _reverse("web:resource_detail", resource_id=obj.pk)

    def set_visibility(self, obj: Any, *, hidden: bool) -> None:
        old, new = ("published", "held") if hidden else ("held", "published")
        type(obj).objects.filter(pk=obj.pk, publication=old).update(publication=new)
        _search_sync("resource", obj, visible=not hidden)

    def publish(self, obj: Any, *, actor: User) -> None:
        type(obj).objects.filter(pk=obj.pk, publication="held").update(publication="published")
        _search_sync("resource", obj, visible=True)

    def remove(self, obj: Any, *, actor: User) -> None:
        from huzhu.resources.services import resource_delete

        resource_delete(actor=actor, resource_id=obj.pk, reason="moderation")

    def is_removed(self, obj: Any) -> bool:
        return bool(obj.status == "deleted")


def _held_resources(group_id: int) -> Iterable[tuple[Any, dict[str, Any]]]:
    from huzhu.resources.models import Resource

    for obj in Resource.objects.filter(group_id=group_id, publication="held").exclude(
        status="deleted"
    ):
        yield obj, {}


def _held_aid_requests(group_id: int) -> Iterable[tuple[Any, dict[str, Any]]]:
    from huzhu.aid.models import AidRequest, Publication

    for obj in AidRequest.objects.filter(group_id=group_id, publication=Publication.HELD):
        yield obj, {"action": obj.screening_action, "reason": obj.screening_reason}


def _held_answers(group_id: int) -> Iterable[tuple[Any, dict[str, Any]]]:
    from huzhu.aid.models import Answer, Publication

    for obj in Answer.objects.filter(request__group_id=group_id, publication=Publication.HELD):
        yield obj, {"action": obj.screening_action}


def _open_disputes(group_id: int) -> Iterable[tuple[Any, dict[str, Any]]]:
    from huzhu.aid.models import DisputeStatus, HelpDispute

    for obj in HelpDispute.objects.filter(group_id=group_id, status=DisputeStatus.OPEN):
        yield obj, {"source": "dispute", "reason": obj.reason}


def _held_messages(group_id: int) -> Iterable[tuple[Any, dict[str, Any]]]:
    from huzhu.chat.models import Message, MessageStatus

    for obj in Message.objects.filter(
        group_id=group_id, status=MessageStatus.HELD, deleted_at__isnull=True
    ):
        yield obj, dict(obj.screening or {}, action=obj.screening_action)


def register_builtin_adapters() -> None:
    if apps.is_installed("huzhu.aid"):
        from huzhu.aid.models import AidRequest, Answer, HelpDispute

        content_adapter_register(AidRequest, AidRequestAdapter(), held_items=_held_aid_requests)
        content_adapter_register(Answer, AnswerAdapter(), held_items=_held_answers)
        content_adapter_register(HelpDispute, HelpDisputeAdapter(), held_items=_open_disputes)
    if apps.is_installed("huzhu.chat"):
        from huzhu.chat.models import Message

        content_adapter_register(Message, MessageAdapter(), held_items=_held_messages)
    if apps.is_installed("huzhu.resources"):
        from huzhu.resources.models import Resource

        content_adapter_register(Resource, ResourceAdapter(), held_items=_held_resources)
