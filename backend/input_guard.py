"""Refuses, before any view runs, what no schema can see: NUL in the URL and JSON nested too deeply.

- NUL (%00) in the path or the query string: PostgreSQL refuses it in text, so a path parameter such
  as a certificate number would fail in the database (400 request.malformed).
- A JSON body nested deeper than MAX_JSON_DEPTH: Python's json parser raises RecursionError on ~1,000
  levels, and walking a few hundred levels costs stack in every later step (400 request.too_deep).
  Chajian's deepest body (a sync push of an inspection record) has fewer than ten levels.
Field-level text and value checks live in the base schema (backend/core/schemas.py).
"""

from __future__ import annotations

import re

from flask import Flask, request

from backend.errors import DomainError

MAX_JSON_DEPTH = 32

# JSON strings (with their escapes) removed first, so brackets inside strings do not count.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON document (0 for a scalar)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b"", body)):
        if bracket in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _refuse_hostile_request():
    if "\x00" in request.path or b"%00" in request.query_string or b"\x00" in request.query_string:
        raise DomainError(
            "request.malformed", errors={"url": ["地址不能包含 NUL 字符 / must not contain NUL (%00)"]}
        )
    if request.is_json and request.content_length != 0:
        body = request.get_data(cache=True)
        if body and json_depth(body) > MAX_JSON_DEPTH:
            raise DomainError("request.too_deep", max_depth=MAX_JSON_DEPTH)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_hostile_request)
