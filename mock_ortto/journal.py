"""The request journal: one entry per /v1 request, with the rule that decided it."""

from __future__ import annotations

from typing import Any

from mock_ortto.auth import redact
from mock_ortto.clock import iso
from mock_ortto.rules import explain

JSON = dict[str, Any]


def entry(
    *,
    at: float,
    method: str,
    path: str,
    key: str | None,
    status: int,
    rule: str,
    items: int | None = None,
    item_errors: list[JSON] | None = None,
    decisions: list[JSON] | None = None,
    duration_ms: float = 0.0,
    message: str | None = None,
) -> JSON:
    """Build one journal record (the API key is redacted)."""
    return {
        "at": iso(at),
        "method": method,
        "path": path,
        "api_key": redact(key),
        "status": status,
        "rule": rule,
        "explain": explain(rule) if message is None else f"{explain(rule)} {message}",
        "items": items,
        "item_errors": item_errors or [],
        "decisions": decisions or [],
        "duration_ms": round(duration_ms, 3),
    }
