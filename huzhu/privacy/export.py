"""The export registry: each app adds ``export(user) -> dict`` and the data-export task collects
them all into one JSON document (and a readable HTML page) in a zip.

Register with ``@exporter("aid")`` (see ``huzhu.privacy.exporters`` for the apps that exist).
An exporter returns only what belongs to the user: rows they wrote or that are about them, never
other people's personal data (a report against them does not name the reporter).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

if TYPE_CHECKING:
    from huzhu.accounts.models import User

Exporter = Callable[["User"], dict[str, Any]]
_REGISTRY: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    def register(fn: Exporter) -> Exporter:
        _REGISTRY[name] = fn
        return fn

    return register


def registered() -> dict[str, Exporter]:
    return dict(_REGISTRY)


def rows(qs: QuerySet[Any] | Iterable[Model], *, exclude: tuple[str, ...] = ()) -> list[dict]:
    """Plain dicts of a queryset's concrete fields (foreign keys as ids), minus ``exclude``."""
    out = []
    for obj in qs:
        item = {}
        for field in obj._meta.concrete_fields:
            if field.name in exclude:
                continue
            item[field.attname if field.is_relation else field.name] = field.value_from_object(obj)
        out.append(item)
    return out


def export_collect(
    *, user: User, progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    items = sorted(_REGISTRY.items())
    for i, (name, fn) in enumerate(items, start=1):
        sections[name] = fn(user)
        if progress:
            progress(i, len(items))
    return {"generated_at": timezone.now(), "user_id": user.pk, "sections": sections}


def export_archive_build(*, user: User, data: dict[str, Any]) -> bytes:
    """A zip with ``huzhu-data.json`` and ``huzhu-data.html`` (readable without any tool)."""
    as_json = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    plain = json.loads(as_json)  # dates become strings for the template
    html = render_to_string("web/privacy/export_archive.html", {"data": plain, "user": user})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("huzhu-data.json", as_json)
        zf.writestr("huzhu-data.html", html)
    return buffer.getvalue()
