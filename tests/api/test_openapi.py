"""The OpenAPI contract: the committed snapshot matches the live schema, the snapshot command
reports drift, every operation is documented, and the docs page works under the strict CSP."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.test import Client

from huzhu.api.openapi import (
    HTTP_METHODS,
    SNAPSHOT_PATH,
    UPDATE_COMMAND,
    openapi_schema,
    openapi_text,
)


def test_committed_snapshot_matches_the_live_schema():
    committed = json.loads(SNAPSHOT_PATH.read_text(encoding="utf-8"))
    assert committed == openapi_schema(), (
        f"docs/api/openapi.json is stale. If the API change is intended, run `{UPDATE_COMMAND}` "
        "(or `make openapi`) and commit docs/api/openapi.json."
    )


def test_check_fails_with_a_summary_when_stale_and_passes_after_writing(tmp_path):
    path = tmp_path / "openapi.json"
    stale = openapi_schema()
    del stale["paths"]["/api/v1/groups/{group_id}/leave"]
    stale["components"]["schemas"]["GroupOut"]["properties"].pop("member_count")
    path.write_text(openapi_text(stale), encoding="utf-8")

    with pytest.raises(CommandError) as failure:
        call_command("openapi_snapshot", "--check", path=path)
    message = str(failure.value)
    assert "operation added: POST /api/v1/groups/{group_id}/leave" in message
    assert "schema changed: GroupOut" in message
    assert UPDATE_COMMAND in message

    call_command("openapi_snapshot", path=path)
    call_command("openapi_snapshot", "--check", path=path)
    assert path.read_text(encoding="utf-8") == openapi_text()
    assert "退出群" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes


def test_check_reports_a_missing_snapshot(tmp_path):
    with pytest.raises(CommandError, match="missing"):
        call_command("openapi_snapshot", "--check", path=tmp_path / "nope.json")


def _operations():
    schema = openapi_schema()
    return [
        (f"{method.upper()} {path}", op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


# The foundation's routers; other domains add their own tags and keep at least the global rules.
FOUNDATION_TAGS = {"me", "tokens", "groups", "invites"}


def test_every_operation_has_a_bilingual_summary_and_a_unique_id():
    operations = _operations()
    ids = [op["operationId"] for _name, op in operations]
    assert len(ids) == len(set(ids))
    for name, op in operations:
        assert op.get("summary") and " / " in op["summary"], f"{name}: 中文 / English summary"


def test_foundation_operations_are_described_and_declare_their_errors():
    operations = [(n, op) for n, op in _operations() if FOUNDATION_TAGS & set(op.get("tags", []))]
    assert len(operations) == 18
    for name, op in operations:
        assert op.get("description"), f"{name}: description"
        assert "401" in op["responses"], f"{name}: declares 401"
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in op["responses"], f"{name}: declares 422"


def test_string_inputs_have_explicit_max_lengths():
    schemas = openapi_schema()["components"]["schemas"]
    for name in ("GroupCreateIn", "GroupUpdateIn", "TokenCreateIn"):
        for field, spec in schemas[name]["properties"].items():
            variants = spec.get("anyOf", [spec])
            for variant in variants:
                if variant.get("type") == "string" and "enum" not in variant:
                    assert "maxLength" in variant, f"{name}.{field}"


def test_openapi_json_is_served_without_auth(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == openapi_schema()


def test_docs_page_works_under_the_strict_csp(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert script_src.strip() == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = response.content.decode()
    # The only inline <script> is JSON data, which the browser does not execute.
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
        if "src=" in attrs:
            assert not body.strip()
    assert "cdn" not in html.lower()  # everything is served by us
    for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(asset), asset
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
    assert settings["url"] == "/api/v1/openapi.json"
    assert settings["validatorUrl"] is None  # no off-site validator badge
