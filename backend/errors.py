"""One JSON error shape for every failure, and the catalogue of stable error codes.

Shape: {"code": 409, "status": "Conflict", "error": "declaration.invalid_transition",
        "message": "…", "errors": {"field": ["…"]}}
`message` follows Accept-Language (zh-CN first, en); `errors` carries field-level detail.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("chajian.errors")

# code -> (HTTP status, 中文, English). Domains add theirs with register_errors().
CATALOGUE: dict[str, tuple[int, str, str]] = {
    "request.invalid": (422, "请求数据有误，请按字段提示修改。", "The request has invalid fields."),
    "request.malformed": (400, "请求格式错误。", "The request is malformed."),
    "request.too_deep": (
        400,
        "请求数据嵌套层级过多（最多 {max_depth} 层）。",
        "The request body is nested too deeply (at most {max_depth} levels).",
    ),
    "request.too_large": (413, "请求内容过大。", "The request body is too large."),
    "request.unsupported_media_type": (415, "不支持的内容类型。", "Unsupported media type."),
    "request.not_found": (404, "请求的地址不存在。", "No such resource."),
    "request.method_not_allowed": (405, "不支持该请求方法。", "Method not allowed."),
    "request.not_acceptable": (406, "无法提供所请求的格式。", "Not acceptable."),
    "request.precondition_failed": (412, "数据已被修改，请刷新后重试。", "The resource changed; reload it."),
    "server.error": (500, "服务器内部错误，请稍后再试。", "Internal server error; please try again later."),
    "server.unavailable": (503, "服务暂不可用。", "Service unavailable."),
    "auth.required": (401, "请先登录。", "Authentication is required."),
    "auth.invalid_token": (401, "登录已失效，请重新登录。", "The token is invalid or expired; log in again."),
    "auth.invalid_credentials": (401, "用户名或密码错误。", "Wrong user name or password."),
    "auth.locked": (429, "登录失败次数过多，请稍后再试。", "Too many failed logins; try again later."),
    "auth.throttled": (429, "请求过于频繁，请稍后再试。", "Too many requests; try again later."),
    "auth.forbidden": (403, "当前账号无权执行此操作。", "Your role may not do this."),
    "auth.key_required": (
        403,
        "此功能需要使用安全密钥（卡介质）登录。",
        "This function requires a key login (security key).",
    ),
    "auth.challenge_invalid": (
        401,
        "验证挑战无效、已过期或已使用。",
        "The challenge is invalid, expired or already used.",
    ),
    "auth.key_invalid": (401, "密钥验证失败。", "The key signature could not be verified."),
    "resource.not_found": (404, "数据不存在或无权查看。", "Not found, or not yours to see."),
    "resource.conflict": (409, "数据冲突。", "Conflict."),
}


def register_errors(entries: dict[str, tuple[int, str, str]]) -> None:
    """Add a domain's error codes to the catalogue (codes must be new)."""
    for code in entries:
        if code in CATALOGUE:
            raise ValueError(f"error code {code} registered twice")
    CATALOGUE.update(entries)


class DomainError(Exception):
    """A refusal the user can understand: state, permission, existence or a business rule."""

    def __init__(
        self,
        error: str,
        *,
        errors: dict | None = None,
        detail: dict | None = None,
        http_status: int | None = None,
        headers: dict | None = None,
        **params,
    ):
        if error not in CATALOGUE:
            raise KeyError(f"unknown error code {error}")
        super().__init__(error)
        self.error = error
        self.status = http_status or CATALOGUE[error][0]
        self.errors = errors
        self.detail = detail
        self.headers = headers or {}
        self.params = params

    def message(self, lang: str) -> str:
        _, zh, en = CATALOGUE[self.error]
        text = en if lang == "en" else zh
        return text.format(**self.params) if self.params else text


def preferred_language() -> str:
    """zh (default) or en, from the request's Accept-Language."""
    if not request:
        return "zh"
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh")
    return "en" if best and best.startswith("en") else "zh"


def error_body(status: int, error: str, message: str, errors=None, detail=None) -> dict:
    body = {
        "code": status,
        "status": HTTPStatus(status).phrase,
        "error": error,
        "message": message,
    }
    if errors:
        body["errors"] = errors
    if detail is not None:
        body["detail"] = detail
    return body


def _respond(status, error, errors=None, detail=None, headers=None, message=None):
    lang = preferred_language()
    if message is None:
        _, zh, en = CATALOGUE[error]
        message = en if lang == "en" else zh
    response = jsonify(error_body(status, error, message, errors, detail))
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


_HTTP_CODES = {
    400: "request.malformed",
    401: "auth.required",
    403: "auth.forbidden",
    404: "request.not_found",
    405: "request.method_not_allowed",
    406: "request.not_acceptable",
    409: "resource.conflict",
    412: "request.precondition_failed",
    413: "request.too_large",
    415: "request.unsupported_media_type",
    422: "request.invalid",
    429: "auth.locked",
    503: "server.unavailable",
}


def handle_http_exception(exc: HTTPException):
    """Werkzeug and webargs errors, in the one shape, keeping their headers (Allow on 405)."""
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = data.get("messages") or data.get("errors")
    if isinstance(errors, dict) and set(errors) <= {"json", "query", "path", "form", "headers", "files"}:
        # webargs nests by location; a single location is flattened for the client, unless its messages
        # are a bare list (e.g. "Invalid JSON body."): `errors` is always an object keyed by field.
        only = errors[next(iter(errors))] if len(errors) == 1 else None
        errors = only if isinstance(only, dict) else errors
    error = _HTTP_CODES.get(status, "server.error" if status >= 500 else "request.malformed")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    return _respond(status, error, errors=errors, headers=headers)


def handle_domain_error(exc: DomainError):
    lang = preferred_language()
    return _respond(
        exc.status, exc.error, errors=exc.errors, detail=exc.detail, headers=exc.headers,
        message=exc.message(lang),
    )


def handle_unexpected(exc: Exception):
    log.exception("unhandled error (request %s)", getattr(g, "request_id", "-"))
    return _respond(500, "server.error")


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
