"""Walking the API and the pages as one role: fill path parameters from the world, build a
minimal valid body from the OpenAPI schema (object ids in bodies and queries from the world too),
and classify the answer."""

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


# Request-body (and query) fields that name an object, and the world id each takes, so a walk
# with another group's ids really sends that group's objects in bodies too, not just in paths.
BODY_IDS = {
    "user_id": "user_id",
    "member_id": "user_id",
    "recipient_id": "user_id",
    "helper_id": "helper_user_id",
    "group_id": "group_id",
    "reply_to": "message_id",
}
# Fields whose object depends on a type field beside them (the type's first choice is sent).
TYPED_IDS = {
    ("target_type", "target_id"): {
        "message": "message_id",
        "aid_request": "request_id",
        "answer": "answer_id",
        "resource": "resource_id",
    },
    ("share_type", "share_id"): {"aid": "request_id", "resource": "resource_id"},
}
# Optional fields sent anyway, so their ids are probed: the first group present in a body.
OPTIONAL_PROBES = (("target_type", "target_id"), ("share_type", "share_id"), ("group_id",))
TYPE_CHOICE = {"share_type": "aid"}


def _typed_id(name: str, values: dict[str, Any], ids: dict[str, Any]) -> Any:
    for (type_field, id_field), kinds in TYPED_IDS.items():
        if name == id_field:
            key = kinds.get(str(values.get(type_field, "")))
            return ids.get(key, 999999) if key else None
    return None


def object_id(name: str, values: dict[str, Any], ids: dict[str, Any] | None) -> Any:
    """The world id for a body or query field that names an object, else None."""
    if ids is None:
        return None
    typed = _typed_id(name, values, ids)
    if typed is not None:
        return typed
    if name in BODY_IDS:
        return ids.get(BODY_IDS[name], 999999)
    return None


def sample(
    schema: dict[str, Any], node: dict[str, Any], name: str = "", ids: dict[str, Any] | None = None
) -> Any:
    """A small value that satisfies ``node``: the text is ordinary Chinese, numbers are 1, and
    fields naming an object take that object's id from ``ids`` (the world of one group)."""
    node = _resolve(schema, node)
    if "enum" in node:
        choice = TYPE_CHOICE.get(name)
        return choice if choice in node["enum"] else node["enum"][0]
    if "const" in node:
        return node["const"]
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        wanted = [k for k in props if k in node.get("required", [])]
        if ids is not None:
            for probe in OPTIONAL_PROBES:
                if all(field in props for field in probe):
                    wanted += [f for f in probe if f not in wanted]
                    break
        out: dict[str, Any] = {}
        # Type fields first, so an id beside them knows which object it names.
        for k in sorted(wanted, key=lambda k: not k.endswith("_type")):
            found = object_id(k, out, ids)
            if found is not None and _resolve(schema, props[k]).get("type") == "integer":
                out[k] = found
            else:
                out[k] = sample(schema, props[k], k, ids)
        return {k: out[k] for k in props if k in out}
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
    query: dict[str, Any] = {}
    params = [p for p in op.get("parameters", []) if p["in"] == "query" and p.get("required")]
    for prm in sorted(params, key=lambda p: not p["name"].endswith("_type")):
        found = object_id(prm["name"], query, ids)
        value = found if found is not None else ids.get(prm["name"])
        query[prm["name"]] = value or sample(schema, prm["schema"], prm["name"])
    body = None
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = sample(schema, content["application/json"]["schema"], ids=ids)
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
