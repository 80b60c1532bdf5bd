"""Schemas shared by every router: the error shape, documented error responses, and id types."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Path, Schema

# Largest value a 64-bit primary key can hold: bigger ids would overflow the database driver,
# so they are refused as malformed (422) instead of crashing.
MAX_ID = 2**63 - 1


class ErrorOut(Schema):
    code: str
    message: str


class FieldErrorOut(Schema):
    field: str
    type: str
    detail: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldErrorOut]


def errors(*statuses: int) -> dict[int, Any]:
    """Response declarations for the error statuses an endpoint can answer, for the OpenAPI docs."""
    return {
        status: ValidationErrorOut if status == 422 else ErrorOut
        for status in sorted({401, *statuses})
    }


GroupId = Annotated[int, Path(ge=1, le=MAX_ID, description="群 ID / group id")]
UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="用户 ID / user id")]
InviteId = Annotated[int, Path(ge=1, le=MAX_ID, description="邀请 ID / invite id")]
TokenId = Annotated[int, Path(ge=1, le=MAX_ID, description="令牌 ID / token id")]
