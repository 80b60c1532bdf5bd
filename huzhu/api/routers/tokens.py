"""My personal API tokens: list, create (the secret is shown once), revoke.

Creating a token needs the browser session: a leaked token must not be able to mint new tokens
that would outlive its own revocation.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from huzhu.accounts.models import ApiToken
from huzhu.accounts.services import api_token_create, api_token_revoke
from huzhu.api.auth import request_token, request_user
from huzhu.api.pagination import Pagination
from huzhu.api.schemas import Text, TokenId, errors
from huzhu.core.errors import Forbidden

router = Router()

Scope = Literal["read", "read_write"]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="用来辨认令牌的前缀 / identifies the token: `hz_<prefix>_…`")
    scope: Scope
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool

    @staticmethod
    def resolve_active(obj: ApiToken) -> bool:
        return obj.is_active


class TokenCreatedOut(TokenOut):
    secret: str = Field(
        description="令牌本身，只显示这一次 / the token itself, shown only this once: store it now"
    )


class TokenCreateIn(Schema):
    name: Text = Field(min_length=1, max_length=60, description="用途 / what it is for")
    scope: Scope = Field("read", description="`read` = 只读 GET only, `read_write` = 读写")


@router.get(
    "",
    response={200: list[TokenOut], **errors(422)},
    summary="我的 API 令牌 / List my API tokens",
    description="Newest first, including revoked ones. Secrets are never shown again.",
)
@paginate(Pagination)
def token_list(request: HttpRequest) -> list[ApiToken]:
    # Scoped to the caller through the relation, so no other user's token can appear.
    return request_user(request).api_tokens.order_by("-created_at", "-pk")  # type: ignore[return-value]


@router.post(
    "",
    response={201: TokenCreatedOut, **errors(400, 403, 409, 422)},
    summary="创建 API 令牌 / Create an API token",
    description="Browser session only (403 `session_required` with a token). "
    "The response holds the secret, shown only once.",
)
def token_create(
    request: HttpRequest, response: HttpResponse, payload: TokenCreateIn
) -> Status[ApiToken]:
    if request_token(request) is not None:
        raise Forbidden(
            _("只能在登录的浏览器里创建令牌，不能用令牌创建令牌。"), code="session_required"
        )
    token, secret = api_token_create(
        user=request_user(request), name=payload.name, scope=payload.scope
    )
    # The secret rides on the instance for this one response; it is never stored, and no cache
    # along the way may keep it either.
    response["Cache-Control"] = "no-store"
    token.secret = secret  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete(
    "/{token_id}",
    response={200: TokenOut, **errors(404, 422)},
    summary="撤销 API 令牌 / Revoke an API token",
    description="It stops working at once. Revoking twice is harmless.",
)
def token_revoke(request: HttpRequest, token_id: TokenId) -> ApiToken:
    return api_token_revoke(user=request_user(request), token_id=token_id)
