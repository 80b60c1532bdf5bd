"""The current user."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from huzhu.accounts.models import User

router = Router()


class MeOut(Schema):
    id: int
    username: str
    display_name: str


@router.get("", response=MeOut, summary="当前用户 / The current user")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert isinstance(user, User)
    return MeOut(id=user.pk, username=user.username, display_name=user.display_name)
