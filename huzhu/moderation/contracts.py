"""The integration contract between content apps (aid, chat, resources, …) and moderation.

A content app makes one model moderatable by registering a ``ContentAdapter`` for it, once, in its
``AppConfig.ready()``::

    from huzhu.moderation.contracts import ContentAdapter, content_adapter_register

    content_adapter_register(Message, MessageAdapter())

The adapter tells moderation, for one object of that model:

- ``author(obj)``  → the ``User`` who wrote it (sanctions and standing apply to them);
- ``group_id(obj)`` → the group it belongs to (reports and the review queue are per group);
- ``text(obj)``    → the text moderators read in the queue (already masked by screening);
- ``label``        → a short translated name for the kind of content ("聊天消息", "互助请求");
- ``url(obj)``     → where a member sees it (may be "");
- ``set_visibility(obj, hidden=…)`` → called when moderation hides an item pending review (the
  weighted report score passed the group's threshold) and when a moderator restores it. An app may
  implement it as a no-op and instead filter with ``moderation_hidden_ids`` when it lists content;
- ``publish(obj, actor=…)`` → a moderator approved content the screening held (status held →
  published);
- ``remove(obj, actor=…)``  → a moderator removed it: members no longer see it (a tombstone is fine);
  the original stays available to moderators.

What moderation gives content apps, in return (all in ``huzhu.moderation.hooks``):

- ``moderation_is_hidden(target)`` / ``moderation_hidden_ids(model, group_id)`` — whether content is
  hidden pending review, for one object or in bulk when listing;
- ``review_item_enqueue(target=…, source=…, findings=…)`` — put held content (screening ``hold``)
  into the review queue right away. Held content that is never enqueued is still picked up: the
  queue pulls held items and open help disputes from the registered ``held_items`` sources
  whenever a moderator opens it;
- ``standing_for(user=…, group=…)`` (``huzhu.moderation.standing``) — the member's standing:
  ``.can("post_links")``, ``.can("create_groupbuys")``, ``.first_day`` and ``.limits``
  (first-day caps), ``.score``; or ``standing_require(user=…, group=…, privilege=…)``, which raises
  a translated ``Forbidden`` (code ``standing_too_low``) to show where the rule bites.

Pages: ``{% include "web/moderation/_report_link.html" with target_type="message" target_id=m.id %}``
puts a 举报 link (htmx dialog) next to any content; ``{% include
"web/moderation/_notes_slot.html" with target_type="aid_request" target_id=r.pk %}`` loads the
fact-check notes panel; ``{% url 'web:report_member' group.pk user.pk %}`` reports a member.

The adapters for aid requests, answers and chat messages live in ``huzhu.moderation.adapters`` until
those apps register their own; they use only each app's public models and services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.db.models import Model

    from huzhu.accounts.models import User


class ContentAdapter(Protocol):
    label: Any  # a lazy translation, e.g. _("聊天消息")

    def author(self, obj: Any) -> User: ...

    def group_id(self, obj: Any) -> int: ...

    def text(self, obj: Any) -> str: ...

    def url(self, obj: Any) -> str: ...

    def set_visibility(self, obj: Any, *, hidden: bool) -> None: ...

    def publish(self, obj: Any, *, actor: User) -> None: ...

    def remove(self, obj: Any, *, actor: User) -> None: ...

    def is_removed(self, obj: Any) -> bool: ...


# A held-items source: given a group id, yields (object, findings) for content the screening
# held that is waiting for a moderator. Used to fill the queue even if the app never enqueues.
HeldSource = Callable[[int], Iterable[tuple[Any, dict[str, Any]]]]

_ADAPTERS: dict[str, ContentAdapter] = {}
_HELD_SOURCES: dict[str, HeldSource] = {}


def _key(model: type[Model] | Model) -> str:
    return model._meta.label_lower


def content_adapter_register(
    model: type[Model], adapter: ContentAdapter, *, held_items: HeldSource | None = None
) -> None:
    _ADAPTERS[_key(model)] = adapter
    if held_items is not None:
        _HELD_SOURCES[_key(model)] = held_items


def content_adapter_for(obj_or_model: type[Model] | Model) -> ContentAdapter | None:
    return _ADAPTERS.get(_key(obj_or_model))


def held_sources() -> dict[str, HeldSource]:
    return dict(_HELD_SOURCES)


def is_moderatable(obj: Model) -> bool:
    return _key(obj) in _ADAPTERS
