"""Typed realtime events: what services announce after commit and what browsers receive.

Every event belongs to one group and has an audience: the whole group (active members), or only
the group's moderators plus a few named users (a held message is visible to its sender and the
moderators). On the wire an event is ``{"type": ..., "group_id": ..., **payload}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may receive an event within its group."""

    # False: every active member; True: only owner/admins plus ``user_ids``.
    moderators_only: bool = False
    user_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"moderators_only": self.moderators_only, "user_ids": list(self.user_ids)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Audience:
        if not data:
            return EVERYONE
        return cls(
            moderators_only=bool(data.get("moderators_only")),
            user_ids=tuple(int(u) for u in data.get("user_ids") or ()),
        )


EVERYONE = Audience()


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base class; subclasses set ``type`` and add payload fields."""

    type: ClassVar[str] = ""
    group_id: int
    audience: Audience = field(default=EVERYONE)

    def payload(self) -> dict[str, Any]:
        # Abstract: every concrete event type (message.created, aid.updated …) defines its payload.
        raise NotImplementedError

    def as_client_dict(self) -> dict[str, Any]:
        return {"type": self.type, "group_id": self.group_id, **self.payload()}

    def client_json(self) -> str:
        return json.dumps(self.as_client_dict(), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageCreated(Event):
    type: ClassVar[str] = "message.created"
    message: dict[str, Any]

    def payload(self) -> dict[str, Any]:
        return {"cursor": self.message["cursor"], "message": self.message}


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageEdited(Event):
    type: ClassVar[str] = "message.edited"
    message: dict[str, Any]

    def payload(self) -> dict[str, Any]:
        return {"cursor": self.message["cursor"], "message": self.message}


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageDeleted(Event):
    type: ClassVar[str] = "message.deleted"
    message: dict[str, Any]

    def payload(self) -> dict[str, Any]:
        return {"cursor": self.message["cursor"], "message": self.message}


@dataclass(frozen=True, slots=True, kw_only=True)
class AidUpdated(Event):
    """An aid request shared into chat changed (helps counted, completed, expired, edited)."""

    type: ClassVar[str] = "aid.updated"
    aid: dict[str, Any]

    def payload(self) -> dict[str, Any]:
        return {"aid": self.aid}


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceUpdated(Event):
    """A resource changed (confirmed, expired, edited, deleted): chat cards showing it update.

    ``resource`` is the card's shape (``huzhu.chat.cards.resource_card``)."""

    type: ClassVar[str] = "resource.updated"
    resource: dict[str, Any]

    def payload(self) -> dict[str, Any]:
        return {"resource": self.resource}


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(Event):
    """A user became an active member: their open sockets start receiving the group at once."""

    type: ClassVar[str] = "member.joined"
    user_id: int
    display_name: str = ""
    role: str = "member"

    def payload(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "display_name": self.display_name, "role": self.role}


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberRemoved(Event):
    """A member left, was removed or banned: their sockets stop receiving the group at once."""

    type: ClassVar[str] = "member.removed"
    user_id: int
    status: str = "removed"

    def payload(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "status": self.status}


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberRoleChanged(Event):
    type: ClassVar[str] = "member.role_changed"
    user_id: int
    role: str

    def payload(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "role": self.role}


@dataclass(frozen=True, slots=True, kw_only=True)
class PresenceChanged(Event):
    type: ClassVar[str] = "presence.changed"
    online: int

    def payload(self) -> dict[str, Any]:
        return {"online": self.online}


# Membership events change who receives a group; the local registry applies them before delivery.
MEMBERSHIP_EVENT_TYPES = frozenset({MemberJoined.type, MemberRemoved.type, MemberRoleChanged.type})


def event_encode(event: Event) -> str:
    """One line of routing header, a newline, then the exact JSON text the browsers receive.

    Each server process decodes only the small header and forwards the body untouched, so an
    event is serialised once, not once per recipient.
    """
    header: dict[str, Any] = {"g": event.group_id, "t": event.type}
    if event.audience != EVERYONE:
        header["a"] = event.audience.as_dict()
    if event.type in MEMBERSHIP_EVENT_TYPES:
        header["m"] = event.payload()
    return json.dumps(header, separators=(",", ":")) + "\n" + event.client_json()


@dataclass(frozen=True, slots=True)
class Envelope:
    """A decoded wire event: routing header plus the client JSON body (left as text)."""

    group_id: int
    type: str
    audience: Audience
    membership: dict[str, Any] | None
    body: str


def event_decode(raw: str | bytes) -> Envelope:
    if isinstance(raw, bytes):
        raw = raw.decode()
    head, _, body = raw.partition("\n")
    header = json.loads(head)
    return Envelope(
        group_id=int(header["g"]),
        type=str(header["t"]),
        audience=Audience.from_dict(header.get("a")),
        membership=header.get("m"),
        body=body,
    )
