"""Schemas shared by every router: the error shape, documented error responses, and id types."""

from __future__ import annotations

import re
from typing import Annotated, Any

from ninja import Header, Path, Schema
from pydantic import AfterValidator

# Largest value a 64-bit primary key can hold: bigger ids would overflow the database driver,
# so they are refused as malformed (422) instead of crashing.
MAX_ID = 2**63 - 1


# C0 control characters other than tab and newlines, and DEL. NUL in particular: PostgreSQL text
# cannot hold it, so it must be refused as bad input before it reaches the database.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]
"""A user-supplied string: give it an explicit ``max_length`` with ``Field`` where it is used."""


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
    """Response declarations for the error statuses an endpoint can answer, for the OpenAPI docs.

    401 and 400 are always possible: any request may lack credentials or carry a body that is
    not JSON (found by the schemathesis fuzz test: undocumented 400s).
    """
    return {
        status: ValidationErrorOut if status == 422 else ErrorOut
        for status in sorted({400, 401, *statuses})
    }


GroupId = Annotated[int, Path(ge=1, le=MAX_ID, description="群 ID / group id")]
UserId = Annotated[int, Path(ge=1, le=MAX_ID, description="用户 ID / user id")]
InviteId = Annotated[int, Path(ge=1, le=MAX_ID, description="邀请 ID / invite id")]
TokenId = Annotated[int, Path(ge=1, le=MAX_ID, description="令牌 ID / token id")]
IdempotencyHeader = Annotated[
    str, Header(alias="Idempotency-Key", max_length=64, description="幂等键 / idempotency key")
]


class PersonOut(Schema):
    """成员：ID 和显示的名字 / A member as other members see them: id and the name shown."""

    id: int
    name: str


def person_out(user: Any) -> PersonOut:
    return PersonOut(id=user.pk, name=user.display_name or user.username)
