"""The ``run`` contract: execute a recorded vector's ``input`` as the real runtime would.

``python -m reference_client run VECTOR.json`` prints one JSON document per call:

* event methods: ``{"results": [{"status", "errortype", "message", "body", "sent"}, ...]}``,
  one entry per input event;
* a call that fails as a whole: ``{"error": {"name", "message", "status"}}``;
* ``executeHook``: ``{"hook": {"savedData", "successMessage"}}`` or ``{"hook": {"error": ...}}``;
* ``createAudience`` / ``getAudience``: ``{"externalId": ...}``;
* ``testAuthentication``: ``{"ok": true}``.

With ``raw=True`` each document also carries ``"runtime"``: the value in the recorded
``destination_result`` form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference_client.js.undefined import UNDEFINED
from reference_client.mapping import MappingError
from reference_client.outcomes import from_batch, from_entry, from_single, runtime_value
from reference_client.runtime.engine import DestinationRuntime
from reference_client.runtime.errors import SegmentError
from reference_client.transport.transports import Transport


def _error_document(error: SegmentError | MappingError) -> dict[str, Any]:
    if isinstance(error, SegmentError):
        return {"error": error.to_dict()}
    out: dict[str, Any] = {"name": error.js_name, "message": error.message}
    if error.status is not None:
        out["status"] = error.status
    return {"error": out}


def _settings_with_subscription(call: Mapping[str, Any]) -> dict[str, Any]:
    settings = dict(call.get("settings") or {})
    subscription = call.get("subscription")
    if subscription is not None:
        settings["subscription"] = {**subscription, "mapping": call.get("mapping") or {}}
    return settings


def run_call(
    call: Mapping[str, Any],
    env: Mapping[str, str],
    transport: Transport | None = None,
    raw: bool = False,
) -> dict[str, Any]:
    """Execute one vector call and return its contract document."""
    runtime = DestinationRuntime(call.get("destination", "ortto"), env=env, transport=transport)
    method = call.get("method")
    settings = call.get("settings") or {}
    try:
        if method == "onEvent":
            value: Any = runtime.on_event(call.get("event"), _settings_with_subscription(call))
            document: dict[str, Any] = {"results": [from_single(value).to_dict()]}
        elif method == "onBatch":
            events = list(call.get("events") or [])
            value = runtime.on_batch(events, _settings_with_subscription(call))
            document = {"results": [o.to_dict() for o in from_batch(value, len(events))]}
        elif method == "executeBatch":
            value = runtime.execute_batch(
                call["action"], list(call.get("events") or []), call.get("mapping") or {}, settings
            )
            document = {"results": [from_entry(e).to_dict() for e in value]}
        elif method == "executeHook":
            value = runtime.execute_hook(
                call["action"],
                call.get("hook", "onMappingSave"),
                settings,
                call.get("hookInputs", UNDEFINED),
            )
            document = {"hook": runtime_value(value)}
        elif method in ("createAudience", "getAudience"):
            if method == "createAudience":
                value = runtime.create_audience(
                    settings, call.get("audienceName"), call.get("audienceSettings")
                )
            else:
                value = runtime.get_audience(
                    settings, call.get("externalId"), call.get("audienceSettings")
                )
            document = {"externalId": value.get("externalId")}
            document = {k: v for k, v in document.items() if v is not UNDEFINED}
        elif method == "testAuthentication":
            runtime.test_authentication(settings)
            value = UNDEFINED
            document = {"ok": True}
        elif method == "refreshAccessToken":
            runtime.refresh_access_token(settings, call.get("oauth"))
            value = UNDEFINED
            document = {"ok": True}
        else:
            raise ValueError(f"unknown method {method!r}")
    except (SegmentError, MappingError) as error:
        document = _error_document(error)
        if raw:
            document["runtime"] = {"ok": False, "error": document["error"]}
        return document
    if raw:
        shown = {"__undefined": True} if value is UNDEFINED else runtime_value(value)
        document["runtime"] = {"ok": True, "value": shown}
    return document


def run_input(
    vector_input: Any,
    env: Mapping[str, str],
    transport: Transport | None = None,
    raw: bool = False,
) -> Any:
    """Execute a vector's ``input``: one document for a call, a list for a list of calls."""
    if isinstance(vector_input, list):
        return [run_call(call, env, transport, raw) for call in vector_input]
    return run_call(vector_input, env, transport, raw)
