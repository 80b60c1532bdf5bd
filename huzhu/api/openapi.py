"""The OpenAPI document as committed text, and a readable summary of how two versions differ.

The snapshot in ``docs/api/openapi.json`` is the API's contract: CI fails when the live schema
drifts from it, so every API change shows up in review as a diff of that file.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from django.conf import settings

SNAPSHOT_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"
UPDATE_COMMAND = ".venv/bin/python manage.py openapi_snapshot"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def openapi_schema() -> dict[str, Any]:
    from huzhu.api.v1 import api

    # Round-trip through JSON so the comparison sees exactly what the file holds.
    return json.loads(json.dumps(api.get_openapi_schema()))


def openapi_text(schema: dict[str, Any] | None = None) -> str:
    """Stable text: indented, UTF-8 (Chinese stays readable in diffs), with a final newline."""
    return json.dumps(schema or openapi_schema(), indent=2, ensure_ascii=False) + "\n"


def _operations(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        f"{method.upper()} {path}": op
        for path, item in schema.get("paths", {}).items()
        for method, op in item.items()
        if method in HTTP_METHODS
    }


def _changes(label: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines = [f"{label} added: {key}" for key in new if key not in old]
    lines += [f"{label} removed: {key}" for key in old if key not in new]
    lines += [f"{label} changed: {key}" for key in new if key in old and old[key] != new[key]]
    return lines


def openapi_diff_summary(old: dict[str, Any], new: dict[str, Any], *, context: int = 40) -> str:
    """What changed from ``old`` (the snapshot) to ``new`` (the live schema), for a CI log."""
    lines = _changes("operation", _operations(old), _operations(new))
    lines += _changes(
        "schema",
        old.get("components", {}).get("schemas", {}),
        new.get("components", {}).get("schemas", {}),
    )
    rest_old = {k: v for k, v in old.items() if k not in ("paths", "components")}
    rest_new = {k: v for k, v in new.items() if k not in ("paths", "components")}
    lines += _changes("top-level", rest_old, rest_new)
    if not lines and old != new:
        lines.append("other changes (security schemes or ordering)")
    diff = list(
        difflib.unified_diff(
            openapi_text(old).splitlines(),
            openapi_text(new).splitlines(),
            "snapshot",
            "live",
            lineterm="",
            n=2,
        )
    )
    if diff:
        shown = diff[:context]
        lines += ["", *shown]
        if len(diff) > context:
            lines.append(f"… {len(diff) - context} more diff lines")
    return "\n".join(lines)
