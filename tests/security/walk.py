"""Walking the API and the pages as one role: fill path parameters from the world, build a
minimal valid body from the OpenAPI schema, and classify the answer."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from huzhu.api.v1 import api

PARAM = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=1)
def openapi() -> dict[str, Any]:
    return api.get_openapi_schema()


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = openapi()
    out = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            out.append((method.upper(), path, op))
    return out


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        node = _resolve(schema, options[0]) if options else {"type": "null"}
    if "allOf" in node:
        node = _resolve(schema, node["allOf"][0])
    return node


def sample(schema: dict[str, Any], node: dict[str, Any], name: str = "") -> Any:
    """A small value that satisfies ``node``: the text is ordinary Chinese, numbers are 1."""
    node = _resolve(schema, node)
    if "enum" in node:
        return node["enum"][0]
    if "const" in node:
        return node["const"]
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        return {k: sample(schema, v, k) for k, v in props.items() if k in node.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(int(node.get("minimum", 1)), 1)
    if kind == "number":
        return max(float(node.get("minimum", 1)), 1.0)
    if kind == "boolean":
        return True
    if kind == "string":
        if node.get("format") == "date":
            return "2026-11-23"
        if node.get("format") == "date-time":
            return "2026-11-23T08:00:00+08:00"
        text = "这是一条正常的测试内容谢谢" if "password" not in name else "wrong-password"
        low, high = int(node.get("minLength", 1)), int(node.get("maxLength", 200))
        text = (text * 20)[: max(low, min(high, len(text)))]
        return text
    return None


def build_request(
    method: str, path: str, op: dict[str, Any], ids: dict[str, Any]
) -> tuple[str, dict, Any]:
    schema = openapi()

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "request_id" and path.endswith("/answers"):
            return str(ids["question_id"])
        return str(ids.get(name, 999999))

    url = PARAM.sub(fill, path)
    query = {}
    for prm in op.get("parameters", []):
        if prm["in"] == "query" and prm.get("required"):
            value = ids.get(prm["name"]) or sample(schema, prm["schema"], prm["name"])
            query[prm["name"]] = value
    body = None
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = sample(schema, content["application/json"]["schema"])
    return url, query, body


def call(client: Client, method: str, url: str, query: dict, body: Any, headers: dict) -> Any:
    """One request inside a savepoint that is rolled back, so the walk never changes the world."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, query, headers=headers)
        else:
            if query:
                url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
            response = client.generic(
                method,
                url,
                data=json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers=headers,
            )
        transaction.set_rollback(True)
    return response


def api_outcome(status: int) -> str:
    return {401: "U", 403: "F", 404: "N"}.get(status, "A" if status < 500 else "E")


def page_outcome(response: Any) -> str:
    status = response.status_code
    if status in (301, 302) and "/login/" in response.get("Location", ""):
        return "L"
    return {403: "F", 404: "N", 405: "M"}.get(status, "A" if status < 500 else "E")


def page_patterns() -> list[tuple[str, str]]:
    """(name, route) of every page in the web namespace."""
    out: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and namespace == "web":
                out.append((p.name or "", prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return out


ROUTE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def page_url(route: str, ids: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name == "request_id" and "answer" in route:
            return str(ids["question_id"])
        return str(ids.get(name, 999999))

    return "/" + ROUTE_PARAM.sub(fill, route)
