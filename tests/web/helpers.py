"""Helpers for reading rendered pages in web tests."""

from __future__ import annotations

import re

from django.http.response import HttpResponseBase


def text(response: HttpResponseBase) -> str:
    """The response body as text with tags stripped and whitespace collapsed, for message checks."""
    body = response.content.decode()  # type: ignore[attr-defined]
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", body)
