"""JSON bodies for the API: lone UTF-16 surrogates (``"\\ud800"``) become U+FFFD.

JSON may escape a half of a surrogate pair on its own; Python decodes it into a string that no
database, automaton or UTF-8 response can encode, so one such character in a chat message would
fail the request with a 500. It is replaced by the replacement character, one code point for one
(screening offsets stay valid), before any schema or service sees it.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

# ``\uD800``–``\uDFFF`` as a JSON escape; only bodies holding one are walked.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    return value


class SafeJSONParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if _ESCAPED_SURROGATE.search(request.body):
            return without_lone_surrogates(data)
        return data


__all__ = ["SafeJSONParser", "without_lone_surrogates"]
