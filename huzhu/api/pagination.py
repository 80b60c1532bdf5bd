"""Limit/offset pagination for every API list, with a hard maximum page size."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=`` → ``{"items": [...], "count": total}``; a limit over the maximum is a 422."""

    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数 / items per page (1–100)"
        )
        offset: int = Field(0, ge=0, le=1_000_000, description="跳过条数 / items to skip")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
