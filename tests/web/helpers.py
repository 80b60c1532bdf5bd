"""Helpers for reading rendered pages in web tests."""

from __future__ import annotations

import re
from typing import Any


def html_text(html: str) -> str:
    """HTML with tags stripped and whitespace collapsed, for message checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def text(response: Any) -> str:
    """The text of a test-client response (see ``html_text``)."""
    return html_text(response.content.decode())
