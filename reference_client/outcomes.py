"""Per-event outcomes in one flat shape, whichever runtime path produced them.

The runtime speaks in three dialects (single-event result lists holding a
``MultiStatusResponse``, batch multi-status entries, and ``{"output": ...}`` notes); this
module turns each into :class:`EventOutcome` so the CLI, the Python API and the conformance
contract all report ``status``, ``errortype``, ``message``, ``body`` and ``sent`` alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reference_client.js.undefined import UNDEFINED
from reference_client.mapping import MappingError
from reference_client.runtime.errors import HTTPError, SegmentError, is_retryable_status
from reference_client.runtime.results import MultiStatusResponse, error_type_for


@dataclass(frozen=True)
class EventOutcome:
    """What happened to one input event."""

    status: int | None
    errortype: str | None = None
    message: str | None = None
    body: Any = None
    sent: Any = None
    errorreporter: str | None = None
    output: str | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx outcome (including events Ortto ignores on purpose)."""
        return self.status is not None and 200 <= self.status <= 299 and self.errortype is None

    @property
    def retryable(self) -> bool:
        """Whether Segment would retry this event."""
        return not self.ok and is_retryable_status(self.status)

    def to_dict(self) -> dict[str, Any]:
        """The run-contract form: the five keys always, the others when known."""
        out: dict[str, Any] = {
            "status": self.status,
            "errortype": self.errortype,
            "message": self.message,
            "body": self.body,
            "sent": self.sent,
        }
        if self.errorreporter is not None:
            out["errorreporter"] = self.errorreporter
        if self.output is not None:
            out["output"] = self.output
        return out


def from_entry(entry: dict[str, Any] | None) -> EventOutcome:
    """An outcome from one multi-status entry (``None`` is a hole in the answer)."""
    if entry is None:
        return EventOutcome(status=None, message="no response for this event")
    if "output" in entry and "status" not in entry:
        return EventOutcome(status=None, message=entry["output"], output=entry["output"])

    def pick(key: str) -> Any:
        value = entry.get(key)
        return None if value is UNDEFINED else value

    return EventOutcome(
        status=pick("status"),
        errortype=pick("errortype"),
        message=pick("errormessage"),
        body=pick("body"),
        sent=pick("sent"),
        errorreporter=pick("errorreporter"),
    )


def from_single(results: list[dict[str, Any]]) -> EventOutcome:
    """The outcome of one ``onEvent`` call (its last result entry decides)."""
    for item in reversed(results):
        data = item.get("data")
        if isinstance(data, MultiStatusResponse):
            first = data.get(0)
            return from_entry(None if first is None else first.value())
    if results:
        return from_entry({"output": results[-1].get("output", "")})
    return EventOutcome(status=None, message="no subscription ran", output="")


def from_batch(results: list[Any], count: int) -> list[EventOutcome]:
    """Outcomes of one ``onBatch`` call: the first subscription's entries, one per event."""
    for item in results:
        if "multistatus" in item:
            return [from_entry(entry) for entry in item["multistatus"]]
        if "output" in item:
            return [from_entry({"output": item["output"]}) for _ in range(count)]
    return [EventOutcome(status=None, message="no subscription ran", output="")] * count


def from_failure(error: SegmentError | MappingError) -> EventOutcome:
    """The outcome of an event whose whole batch failed (HTTP error, bad key, bad mapping)."""
    status = error.response.status if isinstance(error, HTTPError) else error.status
    errortype = error_type_for(status) if isinstance(error, HTTPError) else error.js_name
    return EventOutcome(status=status, errortype=errortype, message=error.message)


def runtime_value(value: Any) -> Any:
    """Replace ``MultiStatusResponse`` objects with the JSON form the vectors record."""
    if isinstance(value, MultiStatusResponse):
        return value.to_runtime()
    if isinstance(value, dict):
        return {k: runtime_value(v) for k, v in value.items() if v is not UNDEFINED}
    if isinstance(value, list):
        return [runtime_value(v) for v in value]
    return value
