"""Errors with the names, messages, statuses and codes the Segment runtime reports.

Each error carries ``js_name`` (the JavaScript class name the real runtime would show),
``status`` and ``code`` where the original has them, so results can be compared with
recordings of the real destination.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RETRYABLE_STATUSES = frozenset(
    {408, 423, 429, 500, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 598, 599}
)
"""HTTP statuses Segment retries (4xx only 408, 423, 429; 5xx except 501)."""


def is_retryable_status(status: int | None) -> bool:
    """Whether Segment's delivery pipeline would retry an answer with this status."""
    return status in RETRYABLE_STATUSES


class SegmentError(Exception):
    """Base class: an error as the Segment runtime would throw it."""

    js_name = "Error"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    @property
    def retryable(self) -> bool:
        """Whether Segment would retry the call that raised this error."""
        return is_retryable_status(self.status)

    def to_dict(self) -> dict[str, Any]:
        """``{"name", "message", "status"?, "code"?}`` as the run contract prints it."""
        out: dict[str, Any] = {"name": self.js_name, "message": self.message}
        if self.status is not None:
            out["status"] = self.status
        if self.code is not None:
            out["code"] = self.code
        return out


class IntegrationError(SegmentError):
    """A destination-level error with an explicit code and status."""

    js_name = "IntegrationError"

    def __init__(self, message: str, code: str, status: int):
        super().__init__(message, status=status, code=code)


class InvalidAuthenticationError(SegmentError):
    """The API key cannot be used (401, ``INVALID_AUTHENTICATION``)."""

    js_name = "InvalidAuthenticationError"

    def __init__(self, message: str = "Invalid API key"):
        super().__init__(message, status=401, code="INVALID_AUTHENTICATION")


class PayloadValidationError(SegmentError):
    """The destination rejected a payload (400, ``PAYLOAD_VALIDATION_FAILED``)."""

    js_name = "PayloadValidationError"

    def __init__(self, message: str):
        super().__init__(message, status=400, code="PAYLOAD_VALIDATION_FAILED")


class AggregateAjvError(SegmentError):
    """Schema validation failed; ``message`` joins every human-readable error with a space."""

    js_name = "AggregateAjvError"

    def __init__(self, errors: list[str], status: int | None = None):
        super().__init__(" ".join(errors), status=status)
        self.errors = errors


@dataclass(frozen=True)
class ResponseInfo:
    """What an :class:`HTTPError` keeps of the answer."""

    status: int
    status_text: str
    content: str


class HTTPError(SegmentError):
    """A non-2xx answer. Like the original it has no status of its own; see ``response``."""

    js_name = "HTTPError"

    def __init__(self, response: ResponseInfo):
        super().__init__(response.status_text or str(response.status))
        self.response = response

    @property
    def retryable(self) -> bool:
        """Whether Segment would retry (408, 423, 429 and 5xx except 501)."""
        return is_retryable_status(self.response.status)

    def to_dict(self) -> dict[str, Any]:
        """Adds the answer's status, so callers see what Ortto said."""
        out = super().to_dict()
        out["response"] = {
            "status": self.response.status,
            "statusText": self.response.status_text,
            "content": self.response.content,
        }
        return out


class RequestTimeoutError(SegmentError):
    """No answer within the request timeout (``TimeoutError``, ``ETIMEDOUT``)."""

    js_name = "TimeoutError"

    def __init__(self, timeout_ms: int):
        super().__init__(f"Request timed out after {timeout_ms}ms", code="ETIMEDOUT")

    @property
    def retryable(self) -> bool:
        """Timeouts are retried by Segment."""
        return True


class FetchError(SegmentError):
    """The request could not be made (connection refused, blocked, too many redirects)."""

    js_name = "FetchError"

    @property
    def retryable(self) -> bool:
        """Network failures are retried by Segment."""
        return True


class JSTypeError(SegmentError):
    """A JavaScript ``TypeError`` the real code would raise (for example on a malformed body)."""

    js_name = "TypeError"


class CredentialsInvalidError(SegmentError):
    """``testAuthentication`` failed; the runtime wraps the cause in a plain ``Error``."""

    js_name = "Error"

    def __init__(self, cause: SegmentError):
        status = cause.response.status if isinstance(cause, HTTPError) else None
        text = "" if status is None else str(status)
        super().__init__(f"Credentials are invalid: {text} {cause.message}")
        self.cause = cause
