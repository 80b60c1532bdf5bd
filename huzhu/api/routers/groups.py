"""Groups, their members and their invites, always reached through the access helpers.

A group the caller is not an active member of answers 404, exactly like a group that does not
exist, so ids of other groups reveal nothing.
"""

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool

from huzhu.api.auth import request_user
from huzhu.api.pagination import Pagination
from huzhu.api.schemas import MAX_ID, GroupId, InviteId, Text, UserId, errors
from huzhu.groups.access import access_group, access_group_admin, access_group_owner
from huzhu.groups.models import Group, Invite, Membership
from huzhu.groups.services import (
    DESCRIPTION_MAX,
    INVITE_MAX_HOURS,
    INVITE_MAX_USES,
    NAME_MAX,
    RULES_MAX,
    group_active_count,
    group_create,
    group_invites,
    group_members,
    group_transfer_ownership,
    group_update_settings,
    groups_for_user,
    invite_create,
    invite_revoke,
    membership_leave,
    membership_remove,
    membership_set_role,
)

router = Router()

RoleName = Literal["owner", "admin", "member"]


# --- schemas -----------------------------------------------------------------------------------


class MyGroupOut(Schema):
    """One of my groups, read from my membership row (its group is select_related)."""

    id: int = Field(description="群 ID / group id")
    name: str
    description: str
    capacity: int
    my_role: RoleName
    joined_at: datetime

    @staticmethod
    def resolve_id(obj: Membership) -> int:
        return obj.group_id

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.group.name

    @staticmethod
    def resolve_description(obj: Membership) -> str:
        return obj.group.description

    @staticmethod
    def resolve_capacity(obj: Membership) -> int:
        return obj.group.capacity

    @staticmethod
    def resolve_my_role(obj: Membership) -> str:
        return obj.role


class GroupOut(Schema):
    id: int = Field(description="群 ID / group id")
    name: str
    description: str
    rules: str = Field(description="群规 / the group's rules")
    capacity: int = Field(description="人数上限 / most members allowed")
    invite_only: bool
    member_count: int
    my_role: RoleName
    created_at: datetime
    rules_updated_at: datetime

    @classmethod
    def build(cls, group: Group, membership: Membership) -> "GroupOut":
        return cls(
            id=group.pk,
            name=group.name,
            description=group.description,
            rules=group.rules,
            capacity=group.capacity,
            invite_only=group.invite_only,
            member_count=group_active_count(group=group),
            my_role=membership.role,  # type: ignore[arg-type]
            created_at=group.created_at,
            rules_updated_at=group.rules_updated_at,
        )


class GroupCreateIn(Schema):
    name: Text = Field(min_length=1, max_length=NAME_MAX, description="群名称 / group name")
    description: Text = Field("", max_length=DESCRIPTION_MAX, description="群简介")
    rules: Text = Field("", max_length=RULES_MAX, description="群规 / rules members must accept")
    capacity: int | None = Field(
        None,
        ge=2,
        le=settings.GROUP_MAX_CAPACITY,
        description="人数上限，默认 500 / member limit, default 500",
    )
    invite_only: StrictBool = True


class GroupUpdateIn(Schema):
    """Only the fields sent are changed."""

    name: Text | None = Field(None, min_length=1, max_length=NAME_MAX)
    description: Text | None = Field(None, max_length=DESCRIPTION_MAX)
    rules: Text | None = Field(None, max_length=RULES_MAX)
    capacity: int | None = Field(None, ge=2, le=settings.GROUP_MAX_CAPACITY)
    invite_only: StrictBool | None = None


class MemberOut(Schema):
    user_id: int
    display_name: str
    role: RoleName
    joined_at: datetime

    @staticmethod
    def resolve_display_name(obj: Membership) -> str:
        return obj.user.display_name or obj.user.username


class RoleIn(Schema):
    role: Literal["admin", "member"] = Field(description="新角色 / the new role")


class TransferIn(Schema):
    user_id: int = Field(ge=1, le=MAX_ID, description="新群主的用户 ID / the new owner")


class InviteOut(Schema):
    id: int
    code: str = Field(description="邀请码 / the code to share")
    created_at: datetime
    expires_at: datetime
    max_uses: int = Field(description="0 = 不限 / unlimited")
    uses: int
    revoked_at: datetime | None
    usable: bool = Field(description="还能用来加入 / can still be used to join")

    @staticmethod
    def resolve_usable(obj: Invite) -> bool:
        return obj.is_usable


class InviteCreateIn(Schema):
    expires_in_hours: int = Field(
        168, ge=1, le=INVITE_MAX_HOURS, description="有效小时数 / hours until it expires"
    )
    max_uses: int = Field(
        0, ge=0, le=INVITE_MAX_USES, description="使用次数上限，0 = 不限 / 0 = unlimited"
    )


# --- groups ------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: list[MyGroupOut], **errors(422)},
    summary="我的群 / List my groups",
    description="The groups you are an active member of, most recently joined first.",
)
@paginate(Pagination)
def group_list(request: HttpRequest) -> list[Membership]:
    return groups_for_user(user=request_user(request))  # type: ignore[return-value]


@router.post(
    "",
    response={201: GroupOut, **errors(400, 403, 422)},
    summary="创建群 / Create a group",
    description="You become its owner. Groups are invite-only by default.",
)
def group_create_endpoint(request: HttpRequest, payload: GroupCreateIn) -> Status[GroupOut]:
    user = request_user(request)
    group = group_create(actor=user, **payload.model_dump())
    _group, membership = access_group(user=user, group_id=group.pk)
    return Status(201, GroupOut.build(group, membership))


@router.get(
    "/{group_id}",
    response={200: GroupOut, **errors(404, 422)},
    summary="查看群 / Get a group",
    description="Only members can see a group; for anyone else it does not exist (404).",
)
def group_detail(request: HttpRequest, group_id: GroupId) -> GroupOut:
    group, membership = access_group(user=request_user(request), group_id=group_id)
    return GroupOut.build(group, membership)


@router.patch(
    "/{group_id}",
    response={200: GroupOut, **errors(400, 403, 404, 422)},
    summary="修改群设置 / Update group settings",
    description="Owner or admins. Only the fields sent change; every change is audited.",
)
def group_update(request: HttpRequest, group_id: GroupId, payload: GroupUpdateIn) -> GroupOut:
    user = request_user(request)
    group, membership = access_group_admin(user=user, group_id=group_id)
    sent = payload.model_dump(exclude_unset=True, exclude_none=True)
    current = {
        "name": group.name,
        "description": group.description,
        "rules": group.rules,
        "capacity": group.capacity,
        "invite_only": group.invite_only,
    }
    group = group_update_settings(actor=user, group=group, **{**current, **sent})
    return GroupOut.build(group, membership)


@router.post(
    "/{group_id}/leave",
    response={204: None, **errors(404, 409, 422)},
    summary="退出群 / Leave a group",
    description="The owner must transfer ownership first (409 `owner_cannot_leave`).",
)
def group_leave(request: HttpRequest, group_id: GroupId) -> Status[None]:
    user = request_user(request)
    group, _membership = access_group(user=user, group_id=group_id)
    membership_leave(user=user, group=group)
    return Status(204, None)


@router.post(
    "/{group_id}/transfer-ownership",
    response={200: MemberOut, **errors(403, 404, 409, 422)},
    summary="转让群主 / Transfer ownership",
    description="Owner only. The old owner becomes an admin; returns the new owner.",
)
def group_transfer(request: HttpRequest, group_id: GroupId, payload: TransferIn) -> Membership:
    user = request_user(request)
    group, _membership = access_group_owner(user=user, group_id=group_id)
    return group_transfer_ownership(actor=user, group=group, user_id=payload.user_id)


# --- members -----------------------------------------------------------------------------------


@router.get(
    "/{group_id}/members",
    response={200: list[MemberOut], **errors(404, 422)},
    summary="群成员 / List members",
    description="Owner first, then admins, then members in the order they joined.",
)
@paginate(Pagination)
def member_list(request: HttpRequest, group_id: GroupId) -> list[Membership]:
    group, _membership = access_group(user=request_user(request), group_id=group_id)
    return group_members(group=group)  # type: ignore[return-value]


@router.patch(
    "/{group_id}/members/{user_id}",
    response={200: MemberOut, **errors(400, 403, 404, 409, 422)},
    summary="设置成员角色 / Change a member's role",
    description="Owner only: promote a member to admin or demote an admin.",
)
def member_set_role(
    request: HttpRequest, group_id: GroupId, user_id: UserId, payload: RoleIn
) -> Membership:
    user = request_user(request)
    group, _membership = access_group_owner(user=user, group_id=group_id)
    return membership_set_role(actor=user, group=group, user_id=user_id, role=payload.role)


@router.delete(
    "/{group_id}/members/{user_id}",
    response={204: None, **errors(403, 404, 409, 422)},
    summary="移出成员 / Remove a member",
    description="Owner or admins; admins cannot remove the owner or other admins. "
    "A removed member cannot rejoin with an invite made before the removal.",
)
def member_remove(request: HttpRequest, group_id: GroupId, user_id: UserId) -> Status[None]:
    user = request_user(request)
    group, _membership = access_group_admin(user=user, group_id=group_id)
    membership_remove(actor=user, group=group, user_id=user_id)
    return Status(204, None)


# --- invites -----------------------------------------------------------------------------------


@router.get(
    "/{group_id}/invites",
    response={200: list[InviteOut], **errors(403, 404, 422)},
    summary="群邀请 / List a group's invites",
    description="Owner or admins. Newest first, including expired and revoked ones.",
)
@paginate(Pagination)
def invite_list(request: HttpRequest, group_id: GroupId) -> list[Invite]:
    group, _membership = access_group_admin(user=request_user(request), group_id=group_id)
    return group_invites(group=group)  # type: ignore[return-value]


@router.post(
    "/{group_id}/invites",
    response={201: InviteOut, **errors(400, 403, 404, 422)},
    summary="创建邀请 / Create an invite",
    description="Owner or admins. Share the `code`; it expires after `expires_in_hours` "
    "and after `max_uses` joins (0 = unlimited).",
)
def invite_create_endpoint(
    request: HttpRequest, group_id: GroupId, payload: InviteCreateIn
) -> Status[Invite]:
    user = request_user(request)
    group, _membership = access_group_admin(user=user, group_id=group_id)
    invite = invite_create(
        actor=user,
        group=group,
        expires_in_hours=payload.expires_in_hours,
        max_uses=payload.max_uses,
    )
    return Status(201, invite)


@router.delete(
    "/{group_id}/invites/{invite_id}",
    response={200: InviteOut, **errors(403, 404, 422)},
    summary="撤销邀请 / Revoke an invite",
    description="Owner or admins. The invite stays listed, marked revoked; revoking twice is harmless.",
)
def invite_revoke_endpoint(request: HttpRequest, group_id: GroupId, invite_id: InviteId) -> Invite:
    user = request_user(request)
    group, _membership = access_group_admin(user=user, group_id=group_id)
    return invite_revoke(actor=user, group=group, invite_id=invite_id)
