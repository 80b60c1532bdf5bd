"""Template helpers for Huzhu pages: avatars drawn from a name, without inline styles."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

AVATAR_COLOURS = 8


@register.filter
def avatar_class(obj: Any) -> str:
    """A stable colour class (``avatar-0`` … ``avatar-7``) for a user or group, from its id."""
    pk = getattr(obj, "pk", None) or 0
    return f"avatar-{int(pk) % AVATAR_COLOURS}"


@register.filter
def initial(name: Any) -> str:
    """The first character of a name, for a text avatar (Chinese names: the first character)."""
    text = str(name or "").strip()
    return text[:1].upper() if text else "?"


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


@register.filter
def avatar_text(name: Any) -> str:
    """Text for a person's avatar: the last two characters of a Chinese name (as DingTalk and
    WeCom do: "群友小李" → "小李"), otherwise the first letter."""
    text = str(name or "").strip()
    if not text:
        return "?"
    tail = text[-2:]
    if all(_is_cjk(c) for c in tail):
        return tail
    return text[:1].upper()
