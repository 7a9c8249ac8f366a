"""Per-event outcomes in one flat shape, whichever runtime path produced them.

The runtime speaks in three dialects (single-event result lists holding a
``MultiStatusResponse``, batch multi-status entries, and ``{"output": ...}`` notes); this
module turns each into :class:`EventOutcome` so the CLI, the Python API and the conformance
contract all report ``status``, ``errortype``, ``message``, ``body`` and ``sent`` alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from reference_client.js import json as js_json
from reference_client.js.undefined import UNDEFINED
from reference_client.mapping import MappingError
from reference_client.runtime.engine import NOT_SUBSCRIBED
from reference_client.runtime.errors import HTTPError, SegmentError, is_retryable_status
from reference_client.runtime.results import MultiStatusResponse, error_type_for


@dataclass(frozen=True)
class EventOutcome:
    """What happened to one input event.

    Exactly one of :attr:`ok`, :attr:`skipped` and :attr:`failed` is true.
    """

    status: int | None
    """The HTTP-like status Segment reports (``None`` when there is none, e.g. a network error)."""
    errortype: str | None = None
    """``PAYLOAD_VALIDATION_FAILED``, ``TOO_MANY_REQUESTS``, ... or the error's JavaScript name
    (``FetchError``, ``TimeoutError``) when the whole batch failed without an answer."""
    message: str | None = None
    """The error message, or the runtime's note for a skipped event (``not subscribed``)."""
    body: Any = None
    """What Ortto answered for this event."""
    sent: Any = None
    """The item sent for this event (the runtime's own form in the ``run`` contract; a decoded
    JSON value through the Python API and the command line)."""
    errorreporter: str | None = None
    """``INTEGRATIONS`` (the runtime refused the event) or ``DESTINATION`` (Ortto did)."""
    output: str | None = None
    """The runtime's note when no action ran on the event."""
    error_retryable: bool | None = field(default=None, compare=False, repr=False)
    """Set for whole-batch failures: whether Segment retries the error that ended the batch."""

    @property
    def ok(self) -> bool:
        """True for a 2xx outcome (including events Ortto ignores on purpose)."""
        return self.status is not None and 200 <= self.status <= 299 and self.errortype is None

    @property
    def skipped(self) -> bool:
        """True when no action ran on the event (it matched no subscription): not a failure."""
        return self.output is not None and self.status is None and self.errortype is None

    @property
    def failed(self) -> bool:
        """True when the event was neither delivered nor skipped."""
        return not (self.ok or self.skipped)

    @property
    def retryable(self) -> bool:
        """Whether Segment would retry this event."""
        if self.error_retryable is not None:
            return self.error_retryable
        return self.failed and is_retryable_status(self.status)

    @property
    def label(self) -> str:
        """A short tally key: ``ok``, ``skipped: not subscribed``, ``429 TOO_MANY_REQUESTS``,
        ``FetchError``."""
        if self.ok:
            return "ok"
        if self.skipped:
            return f"skipped: {self.output}"
        parts = [str(p) for p in (self.status, self.errortype) if p is not None]
        return " ".join(parts) or "failed"

    def with_sent_decoded(self) -> EventOutcome:
        """The same outcome with ``sent`` as a JSON value: Sync Audience records the item as a
        JSON string where the other actions keep the object; this gives one shape."""
        if not isinstance(self.sent, str):
            return self
        try:
            return replace(self, sent=js_json.loads(self.sent))
        except ValueError:
            return self

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


_ENTRY_KEYS = ("status", "errortype", "errormessage", "body", "sent", "errorreporter")


def from_entry(entry: dict[str, Any] | None) -> EventOutcome:
    """An outcome from one multi-status entry (``None`` is a hole in the answer)."""
    if entry is None:
        return EventOutcome(status=None, message="no response for this event")
    if "output" in entry and "status" not in entry:
        return EventOutcome(status=None, message=entry["output"], output=entry["output"])

    if UNDEFINED in entry.values():  # rare: an entry keeping an undefined field
        entry = {key: value for key, value in entry.items() if value is not UNDEFINED}
    return EventOutcome(*map(entry.get, _ENTRY_KEYS))


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
    retryable = error.retryable if isinstance(error, SegmentError) else False
    return EventOutcome(
        status=status, errortype=errortype, message=error.message, error_retryable=retryable
    )


def not_subscribed() -> EventOutcome:
    """The outcome of an event no action subscribes to, worded as the runtime words it."""
    return from_entry({"output": NOT_SUBSCRIBED})


def runtime_value(value: Any) -> Any:
    """Replace ``MultiStatusResponse`` objects with the JSON form the vectors record."""
    if isinstance(value, MultiStatusResponse):
        return value.to_runtime()
    if isinstance(value, dict):
        return {k: runtime_value(v) for k, v in value.items() if v is not UNDEFINED}
    if isinstance(value, list):
        return [runtime_value(v) for v in value]
    return value
