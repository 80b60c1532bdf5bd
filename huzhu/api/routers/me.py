"""The current user."""

from django.http import HttpRequest
from ninja import Router, Schema

from huzhu.api.auth import request_user
from huzhu.api.schemas import errors

router = Router()


class MeOut(Schema):
    id: int
    username: str
    display_name: str


@router.get(
    "",
    response={200: MeOut, **errors()},
    summary="当前用户 / The current user",
    description="Who the session or token belongs to.",
)
def me(request: HttpRequest) -> MeOut:
    user = request_user(request)
    return MeOut(id=user.pk, username=user.username, display_name=user.display_name)
