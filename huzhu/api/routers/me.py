"""The current user."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router()


class MeOut(Schema):
    id: int
    username: str
    display_name: str


@router.get("", response=MeOut, summary="当前用户 / The current user")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(id=user.pk, username=user.username, display_name=user.display_name)  # type: ignore[union-attr]
