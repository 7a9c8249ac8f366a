"""The request journal: one entry per /v1 request, with the rule that decided it."""

from __future__ import annotations

from typing import Any

from mock_ortto.auth import redact
from mock_ortto.clock import iso

JSON = dict[str, Any]

EXPLAIN = {
    "accepted": "Request accepted; see item_errors and decisions for per-item outcomes.",
    "auth.key_shape": "The Authorization header or API key shape was rejected.",
    "fault.injected": "A fault queued through /_mock/faults decided this answer.",
    "payload.max_body_bytes": "The body was larger than the configured maximum.",
    "payload.max_items": "The batch had more items than the configured maximum.",
    "payload.json_array": "The body was not the JSON the endpoint expects.",
    "request.invalid": "The body did not match the endpoint's request schema.",
    "request.not_found": "The requested resource does not exist in this account.",
    "route.unknown": "No endpoint has this path.",
    "route.method": "The endpoint does not allow this method.",
}


def explain(rule: str) -> str:
    """Return a one-line explanation of a rule id."""
    if rule.startswith("rate."):
        return f"Rate window {rule} of the account was full; see Retry-After."
    return EXPLAIN.get(rule, f"Decided by rule {rule}.")


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
