"""Typed errors that become JSON answers, each naming the rule that decided it."""

from __future__ import annotations

from typing import Any


class MockError(Exception):
    """A whole-request error: an HTTP status, a JSON body and the deciding rule id."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        rule: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.rule = rule
        self.body: dict[str, Any] = body if body is not None else {"error": message}
        self.headers = headers or {}


def rate_limited(try_in_seconds: int, rule: str) -> MockError:
    """429 with exactly Ortto's documented body and a ``Retry-After`` header."""
    body = {
        "error": {"code": "rate-limit", "message": "rate limit", "try-in-seconds": try_in_seconds}
    }
    return MockError(
        429,
        "rate limit",
        rule=rule,
        body=body,
        headers={"Retry-After": str(try_in_seconds)},
    )


class ItemError(Exception):
    """A per-item problem reported inside ``{"errors": [...]}`` of a batch answer."""

    def __init__(self, status: int, message: str, rule: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.rule = rule
