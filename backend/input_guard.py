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

# Brackets inside JSON strings do not count. A sync push of 10,000 operations is 4 MB, so the text is
# cut down in C first: escaped backslashes, then escaped quotes, removed (every quote left opens or
# closes a string), everything but quotes and brackets dropped, then the strings cut out (two adjacent
# quotes first: dropping them changes nothing outside strings).
_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'[]{}"')
_STRING = re.compile(rb'"[^"]*"')


def _brackets(body: bytes) -> bytes:
    """The document's brackets outside strings, as ( and )."""
    kept = body.replace(b"\\\\", b"").replace(b'\\"', b"").translate(_AS_PARENS, _NOT_STRUCTURE)
    return _STRING.sub(b"", kept.replace(b'""', b""))


def json_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """The deepest nesting of arrays and objects in a JSON document (0 for a scalar), counted up to
    `limit` + 1 (enough to refuse it)."""
    brackets = _brackets(body)
    depth = 0
    while brackets and depth <= limit:
        inner = brackets.replace(b"()", b"")  # each pass removes the innermost level
        if len(inner) == len(brackets):
            break  # unbalanced: not JSON, which the parser refuses
        brackets, depth = inner, depth + 1
    return depth


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
