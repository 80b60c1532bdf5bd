"""The current user, and how this request was authenticated."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from huzhu.api.auth import request_token, request_user
from huzhu.api.schemas import errors

router = Router()


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    auth: Literal["token", "session"] = Field(
        description="这次请求的认证方式 / how this request was authenticated"
    )
    token_scope: Literal["read", "read_write"] | None = Field(
        description="令牌权限（会话为 null）/ the token's scope, null for a session"
    )


@router.get(
    "",
    response={200: MeOut, **errors()},
    summary="当前用户 / The current user",
    description="Who the session or token belongs to; a bot can check here whether its token "
    "may write.",
)
def me(request: HttpRequest) -> MeOut:
    user = request_user(request)
    token = request_token(request)
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name,
        auth="token" if token is not None else "session",
        token_scope=token.scope if token is not None else None,  # type: ignore[arg-type]
    )
