"""JSON answers: the status line, the compact JSON body and rendering a :class:`MockError`."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Response

from mock_ortto.errors import MockError


def status_line(code: int) -> str:
    """``"404 Not Found"``: the reason phrase in the usual case (werkzeug upper-cases it).

    The destination reports a non-2xx answer with the server's reason phrase as the error
    message, so the mock sends the phrase real HTTP servers send.
    """
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} Unknown"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Serialise ``body`` compactly as an ``application/json`` response."""
    # ASCII escapes: a lone surrogate (accepted in input, as JSON.stringify can produce it)
    # stays a valid \\udXXX escape instead of failing to encode.
    text = json.dumps(body, separators=(",", ":"))
    return Response(text, status=status_line(status), headers=headers, mimetype="application/json")


def error_response(exc: MockError) -> Response:
    """Render a :class:`MockError` with its headers and the deciding rule."""
    headers = dict(exc.headers)
    headers["X-Mock-Rule"] = exc.rule
    return json_response(exc.body, exc.status, headers)
