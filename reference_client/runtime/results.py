"""Per-event results: ``MultiStatusResponse`` and the status -> ``errortype`` table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reference_client.js.undefined import UNDEFINED

HTTP_ERROR_CODES: dict[int, str] = {
    100: "CONTINUE", 101: "SWITCHING_PROTOCOLS", 102: "PROCESSING", 103: "EARLY_HINTS",
    200: "OK", 201: "CREATED", 202: "ACCEPTED", 203: "NON_AUTHORITATIVE_INFORMATION",
    204: "NO_CONTENT", 205: "RESET_CONTENT", 206: "PARTIAL_CONTENT", 207: "MULTI_STATUS",
    208: "ALREADY_REPORTED", 226: "IM_USED", 300: "MULTIPLE_CHOICES",
    301: "MOVED_PERMENANTLY", 302: "FOUND", 303: "SEE_OTHER", 304: "NOT_MODIFIED",
    305: "USE_PROXY", 306: "SWITCH_PROXY", 307: "TEMPORARY_REDIRECT", 308: "PERMANENT_REDIRECT",
    400: "BAD_REQUEST", 401: "UNAUTHORIZED", 402: "PAYMENT_REQUIRED", 403: "FORBIDDEN",
    404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 406: "NOT_ACCEPTABLE",
    407: "PROXY_AUTHENTICATION_REQUIRED", 408: "REQUEST_TIMEOUT", 409: "CONFLICT", 410: "GONE",
    411: "LENGTH_REQUIRED", 412: "PRECONDITION_FAILED", 413: "PAYLOAD_TOO_LARGE",
    414: "URI_TOO_LONG", 415: "UNSUPPORTED_MEDIA_TYPE", 416: "RANGE_NOT_SATISFIABLE",
    417: "EXPECTATION_FAILED", 418: "IM_A_TEAPOT", 421: "MISDIRECTED_REQUEST",
    422: "UNPROCESSABLE_ENTITY", 423: "LOCKED", 424: "FAILED_DEPENDENCY", 425: "TOO_EARLY",
    426: "UPGRADE_REQUIRED", 428: "PRECONDITION_REQUIRED", 429: "TOO_MANY_REQUESTS",
    431: "REQUEST_HEADER_FIELDS_TOO_LARGE", 451: "UNAVAILABLE_FOR_LEGAL_REASONS",
    499: "CANCELLED", 500: "INTERNAL_SERVER_ERROR", 501: "NOT_IMPLEMENTED",
    502: "BAD_GATEWAY", 503: "SERVICE_UNAVAILABLE", 504: "GATEWAY_TIMEOUT",
    505: "HTTP_VERSION_NOT_SUPPORTED", 506: "VARIANT_ALSO_NEGOTIATES",
    507: "INSUFFICIENT_STORAGE", 508: "LOOP_DETECTED", 509: "BANDWIDTH_LIMIT_EXCEEDED",
    510: "NOT_EXTENDED", 511: "NETWORK_AUTHENTICATION_REQUIRED", 529: "SITE_IS_OVERLOADED",
}  # fmt: skip
"""``getErrorCodeFromHttpStatus``'s table (including its ``PERMENANTLY`` typo)."""

PAYLOAD_VALIDATION_FAILED = "PAYLOAD_VALIDATION_FAILED"
INTEGRATIONS = "INTEGRATIONS"
DESTINATION = "DESTINATION"


def error_type_for(status: Any) -> str:
    """The ``errortype`` Segment infers from an HTTP status (``UNKNOWN_ERROR`` otherwise)."""
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if isinstance(status, bool) or not isinstance(status, int):
        return "UNKNOWN_ERROR"
    return HTTP_ERROR_CODES.get(status, "UNKNOWN_ERROR")


@dataclass(slots=True)
class ItemResult:
    """One entry of a multi-status answer, success or error.

    ``fields`` keeps the entry exactly as the destination built it (key order included);
    absent keys are simply not there, as in the JavaScript object.
    """

    ok: bool
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> Any:
        """The entry's HTTP-like status (may be absent for a malformed server answer)."""
        return self.fields.get("status")

    def value(self) -> dict[str, Any]:
        """The plain object ``MultiStatusResponse#value()`` would give."""
        return {k: v for k, v in self.fields.items() if v is not UNDEFINED}


class MultiStatusResponse:
    """A sparse list of per-item results, as ``MultiStatusResponse`` in actions-core."""

    def __init__(self) -> None:
        self.responses: list[ItemResult | None] = []

    def _put(self, index: int, item: ItemResult) -> None:
        if index == len(self.responses):  # the usual case: items in order
            self.responses.append(item)
            return
        if index < 0:
            return
        while len(self.responses) <= index:
            self.responses.append(None)
        self.responses[index] = item

    def set_success(self, index: int, fields: dict[str, Any], *, owned: bool = False) -> None:
        """``setSuccessResponseAtIndex`` (``owned``: ``fields`` is a fresh dict nobody else
        holds, kept without a copy)."""
        self._put(index, ItemResult(True, fields if owned else dict(fields)))

    def set_error(self, index: int, fields: dict[str, Any]) -> None:
        """``setErrorResponseAtIndex``: fills ``errortype`` from the status when absent."""
        entry = dict(fields)
        if entry.get("errortype", UNDEFINED) is UNDEFINED:
            entry["errortype"] = error_type_for(entry.get("status"))
        self._put(index, ItemResult(False, entry))

    def get(self, index: int) -> ItemResult | None:
        """The entry at ``index``, or ``None`` for a hole."""
        return self.responses[index] if 0 <= index < len(self.responses) else None

    def __len__(self) -> int:
        return len(self.responses)

    def to_runtime(self) -> dict[str, Any]:
        """The JSON form the vectors use for a ``MultiStatusResponse`` in single-event data."""
        return {
            "__type": "MultiStatusResponse",
            "responses": [
                None if r is None else {"__type": "success" if r.ok else "error", **r.value()}
                for r in self.responses
            ],
        }


def batch_entry(item: ItemResult | None) -> dict[str, Any]:
    """What ``executeBatch`` reports for one surviving event, given the destination's entry."""
    if item is None:
        return {
            "status": 500,
            "errormessage": "MultiStatusResponse is missing a response at the specified index",
            "errortype": PAYLOAD_VALIDATION_FAILED,
            "errorreporter": INTEGRATIONS,
        }
    value = item.value()
    if item.ok:
        return value
    reporter = DESTINATION if value.get("sent") or value.get("body") else INTEGRATIONS
    return {**value, "errorreporter": reporter}


def runtime_error_entry(message: str, status: int = 400) -> dict[str, Any]:
    """An entry the runtime itself produces (validation, subscription mismatch)."""
    return {
        "status": status,
        "errortype": PAYLOAD_VALIDATION_FAILED,
        "errormessage": message,
        "errorreporter": INTEGRATIONS,
    }
