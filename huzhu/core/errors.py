"""Typed, user-facing errors with a stable code, a translated message and an HTTP status.

Services raise these; views render the message, the API turns them into JSON
``{"code": ..., "message": ...}`` with the status.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class HuzhuError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str | Promise, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        self.extra = extra

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(HuzhuError):
    status = 400
    code = "invalid"


class NotAuthenticated(HuzhuError):
    status = 401
    code = "not_authenticated"


class Forbidden(HuzhuError):
    status = 403
    code = "forbidden"


class NotFound(HuzhuError):
    status = 404
    code = "not_found"


class Conflict(HuzhuError):
    status = 409
    code = "conflict"


class RateLimited(HuzhuError):
    status = 429
    code = "rate_limited"

    def __init__(
        self, message: str | Promise, *, retry_after: int, code: str | None = None
    ) -> None:
        super().__init__(message, code=code, retry_after=retry_after)
        self.retry_after = retry_after
