"""``{% wellbeing_head %}``: the heartbeat script and wellbeing styles on every page of a
signed-in member (the interval comes from settings, so tests can run it in seconds)."""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from huzhu.wellbeing.services import heartbeat_seconds, idle_seconds

register = template.Library()


@register.simple_tag(takes_context=True)
def wellbeing_head(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    user = getattr(request, "user", None)
    css = format_html('<link rel="stylesheet" href="{}">', static("web/wellbeing/wellbeing.css"))
    if user is None or not user.is_authenticated:
        return css
    return format_html(
        '{}<script src="{}" defer id="wellbeing-script" data-beat-url="{}" data-nudge-url="{}" '
        'data-interval="{}" data-idle="{}" data-resting="{}"></script>',
        css,
        static("web/wellbeing/wellbeing.js"),
        reverse("web:wellbeing_beat"),
        reverse("web:wellbeing_nudge"),
        heartbeat_seconds(),
        idle_seconds(),
        "1" if context.get("resting") else "",
    )
