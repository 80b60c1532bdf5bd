"""Invites seen from outside a group: look one up by its code, and join with it.

Only a usable code reveals anything, and then only what an invitee needs to decide: the group's
name, description, rules and size. Never its id, which the joiner learns once a member.
"""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from pydantic import StrictBool

from huzhu.api.auth import request_user
from huzhu.api.routers.groups import GroupOut
from huzhu.api.schemas import errors
from huzhu.groups.access import access_group
from huzhu.groups.services import group_active_count, group_join, invite_lookup

router = Router()

InviteCode = Annotated[
    str,
    Path(
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9]+$",
        description="邀请码（不区分大小写）/ the invite code, case-insensitive",
    ),
]


class InviteGroupOut(Schema):
    name: str
    description: str
    rules: str = Field(description="加入前须同意的群规 / rules to accept before joining")
    member_count: int
    capacity: int


class InvitePreviewOut(Schema):
    code: str
    expires_at: datetime
    group: InviteGroupOut


class JoinIn(Schema):
    accept_rules: StrictBool = Field(
        description="必须为 true：已阅读并同意群规 / must be true: you accept the group's rules"
    )


@router.get(
    "/{code}",
    response={200: InvitePreviewOut, **errors(400, 404, 422)},
    summary="查看邀请 / Look up an invite",
    description="Shows the group's name, description and rules for a usable code. "
    "An unknown code is 404 `invite_invalid`; a revoked, expired or used-up one is 400 "
    "(`invite_revoked`, `invite_expired`, `invite_used_up`) and shows nothing of the group.",
)
def invite_preview(request: HttpRequest, code: InviteCode) -> InvitePreviewOut:
    invite = invite_lookup(code=code)
    group = invite.group
    return InvitePreviewOut(
        code=invite.code,
        expires_at=invite.expires_at,
        group=InviteGroupOut(
            name=group.name,
            description=group.description,
            rules=group.rules,
            member_count=group_active_count(group=group),
            capacity=group.capacity,
        ),
    )


@router.post(
    "/{code}/join",
    response={200: GroupOut, **errors(400, 403, 404, 409, 422)},
    summary="用邀请加入群 / Join a group with an invite",
    description="Requires `accept_rules: true` (400 `rules_not_accepted` otherwise); the time "
    "is recorded. Joining again while a member is harmless. A full group is 409 `group_full`; "
    "a member removed after the invite was made gets 403 `removed`.",
)
def invite_join(request: HttpRequest, code: InviteCode, payload: JoinIn) -> GroupOut:
    user = request_user(request)
    membership = group_join(user=user, code=code, accept_rules=payload.accept_rules)
    group, membership = access_group(user=user, group_id=membership.group_id)
    return GroupOut.build(group, membership)
