"""The Ortto client: how each action turns payloads into one request and per-item results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference_client.destinations.clean import clean_object
from reference_client.destinations.endpoint import get_endpoint
from reference_client.js import json as js_json
from reference_client.js.numbers import to_js_string
from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import trim, truthy
from reference_client.runtime.errors import JSTypeError, PayloadValidationError
from reference_client.runtime.results import PAYLOAD_VALIDATION_FAILED, MultiStatusResponse
from reference_client.transport.client import RequestClient

PROCESSED = "Processed successfully"
MISSING_EVENT_NAME = "Missing event name"
MISSING_AUDIENCE_NAME = "Missing audience name"
MISSING_AUDIENCE_ID = "Missing audience Id"
ORTTO_NAMESPACE = "ortto.com"
AUDIENCE_MODES = ("add", "remove")


def _success(sent: Any) -> dict[str, Any]:
    return {"status": 200, "body": PROCESSED, "sent": sent}


def _index(value: Any) -> int | None:
    """The array position a server ``index`` addresses in JavaScript, or ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.isdigit() and (value == "0" or value[0] != "0"):
        return int(value)
    return None


def batch_errors(data: Any) -> list[Any]:
    """``data.errors`` of a batch answer, failing exactly where the JavaScript code fails."""
    if data is UNDEFINED:
        raise JSTypeError("Cannot read properties of undefined (reading 'errors')")
    if data is None:
        raise JSTypeError("Cannot read properties of null (reading 'errors')")
    errors = data.get("errors", UNDEFINED) if isinstance(data, dict) else UNDEFINED
    if not truthy(errors):
        return []
    if not isinstance(errors, list):
        raise JSTypeError("data.errors.forEach is not a function")
    for entry in errors:
        if entry is None:
            raise JSTypeError("Cannot read properties of null (reading 'index')")
    return errors


def _field(entry: Any, key: str) -> Any:
    return entry.get(key, UNDEFINED) if isinstance(entry, dict) else UNDEFINED


def _error_fields(entry: Any, sent: Any) -> dict[str, Any]:
    return {
        "status": _field(entry, "status"),
        "errormessage": _field(entry, "message"),
        "sent": sent,
    }


def _optional_trim(value: Any, name: str) -> str:
    """``value?.trim()``: nullish gives ``""``; a non-string is the JavaScript TypeError."""
    if value is None or value is UNDEFINED:
        return ""
    if not isinstance(value, str):
        raise JSTypeError(f"{name}?.trim is not a function")
    return trim(value)


def _with_audience(clean: dict[str, Any], payload: dict[str, Any], audience_id: str) -> None:
    mode = payload.get("audience_update_mode")
    if audience_id and mode in AUDIENCE_MODES:
        clean["audience"] = {"mode": mode, "id": audience_id}


class OrttoClient:
    """One instance per call; ``env`` carries ``ORTTO_LOCAL_ENDPOINT`` when set."""

    def __init__(self, request: RequestClient, env: Mapping[str, str]) -> None:
        self.request = request
        self.env = env

    def url(self, settings: Mapping[str, Any], path: str) -> str:
        """Absolute URL of ``path`` for the key in ``settings``."""
        return get_endpoint(settings.get("api_key", ""), self.env) + path

    def test_authentication(self, settings: Mapping[str, Any]) -> None:
        """``GET /me``: any 2xx means the key works."""
        self.request.request("GET", self.url(settings, "/me"))

    def upsert_contacts(
        self,
        settings: Mapping[str, Any],
        payloads: list[dict[str, Any]],
        audience_id: str,
        precleaned: bool = False,
    ) -> MultiStatusResponse:
        """``POST /identify`` with every payload; server indices address the payload list.

        ``precleaned``: ``cleanObject`` was already applied to each payload (which is then
        reused as the item) and each is plain JSON.
        """
        cleaned: list[dict[str, Any]] = []
        for payload in payloads:
            clean = payload if precleaned else clean_object(payload)
            _with_audience(clean, payload, audience_id)
            cleaned.append(clean)
        url = self.url(settings, "/identify")
        plain = precleaned and type(audience_id) is str
        data = self.request.request("POST", url, json=cleaned, plain=plain).data
        result = MultiStatusResponse()
        for i, clean in enumerate(cleaned):
            result.set_success(i, _success(clean), owned=True)
        for entry in batch_errors(data):
            index = _index(_field(entry, "index"))
            if index is not None:
                sent = cleaned[index] if index < len(cleaned) else UNDEFINED
                result.set_error(index, _error_fields(entry, sent))
        return result

    def send_activities(
        self,
        settings: Mapping[str, Any],
        payloads: list[dict[str, Any]],
        audience_id: str,
        precleaned: bool = False,
    ) -> MultiStatusResponse:
        """``POST /track``: blank event names and Ortto-originated events never leave
        (``precleaned`` as in :meth:`upsert_contacts`)."""
        result = MultiStatusResponse()
        filtered: list[dict[str, Any]] = []
        positions: list[int] = []
        for i, payload in enumerate(payloads):
            clean = payload if precleaned else clean_object(payload)
            event = payload.get("event")
            if not truthy(event) or (isinstance(event, str) and trim(event) == ""):
                result.set_error(
                    i,
                    {
                        "status": 400,
                        "sent": clean,
                        "errortype": PAYLOAD_VALIDATION_FAILED,
                        "errormessage": MISSING_EVENT_NAME,
                    },
                )
                continue
            if payload.get("namespace") == ORTTO_NAMESPACE:
                body = f"{to_js_string(event)} was originated from {ORTTO_NAMESPACE} (Ignored)"
                result.set_success(i, {"status": 200, "sent": clean, "body": body})
                continue
            _with_audience(clean, payload, audience_id)
            filtered.append(clean)
            positions.append(i)
        if not filtered:
            return result
        plain = precleaned and type(audience_id) is str
        url = self.url(settings, "/track")
        data = self.request.request("POST", url, json=filtered, plain=plain).data
        self._settle(result, filtered, positions, data, lambda item: item)
        return result

    def sync_audience(
        self, settings: Mapping[str, Any], payloads: list[dict[str, Any]]
    ) -> MultiStatusResponse:
        """``PUT /audiences/members``: the membership trait decides add or remove."""
        result = MultiStatusResponse()
        filtered: list[dict[str, Any]] = []
        positions: list[int] = []
        for i, payload in enumerate(payloads):
            audience_id = payload.get("external_audience_id")
            if not truthy(audience_id):
                result.set_error(
                    i,
                    {
                        "status": 400,
                        "sent": js_json.dumps(payload),
                        "errortype": PAYLOAD_VALIDATION_FAILED,
                        "errormessage": MISSING_AUDIENCE_ID,
                    },
                )
                continue
            traits = payload.get("traits")
            if not isinstance(traits, dict):
                raise JSTypeError("Cannot read properties of undefined (reading 'undefined')")
            key = to_js_string(payload.get("computation_key", UNDEFINED))
            member = traits.get(key, UNDEFINED)
            sent_traits = clean_object(traits)
            sent_traits.pop(key, None)
            item = {
                "message_id": payload.get("message_id", UNDEFINED),
                "user_id": payload.get("user_id", UNDEFINED),
                "anonymous_id": payload.get("anonymous_id", UNDEFINED),
                "ip": payload.get("ip", UNDEFINED),
                "location": payload.get("location", UNDEFINED),
                "audience": {"mode": "add" if member is True else "remove", "id": audience_id},
                "traits": sent_traits,
            }
            filtered.append({k: v for k, v in item.items() if v is not UNDEFINED})
            positions.append(i)
        if not filtered:
            return result
        url = self.url(settings, "/audiences/members")
        data = self.request.request("PUT", url, json=filtered).data
        self._settle(result, filtered, positions, data, js_json.dumps)
        return result

    @staticmethod
    def _settle(
        result: MultiStatusResponse,
        sent: list[dict[str, Any]],
        positions: list[int],
        data: Any,
        render: Any,
    ) -> None:
        """Mark what was sent as processed, then map server indices back to input positions."""
        errors = batch_errors(data)
        for item, position in zip(sent, positions, strict=True):
            result.set_success(position, _success(render(item)))
        for entry in errors:
            index = _index(_field(entry, "index"))
            if index is None or index >= len(sent):
                continue
            result.set_error(positions[index], _error_fields(entry, render(sent[index])))

    def create_audience(self, settings: Mapping[str, Any], name: Any) -> Any:
        """``POST /audiences/create`` with the trimmed name; returns the answer's data."""
        trimmed = _optional_trim(name, "audienceName")
        if not trimmed:
            raise PayloadValidationError(MISSING_AUDIENCE_NAME)
        url = self.url(settings, "/audiences/create")
        return self.request.request("POST", url, json={"name": trimmed}).data

    def get_audience(self, settings: Mapping[str, Any], external_id: Any) -> Any:
        """``POST /audiences/get`` with the trimmed id; returns the answer's data."""
        trimmed = _optional_trim(external_id, "audienceId")
        if not trimmed:
            raise PayloadValidationError(MISSING_AUDIENCE_ID)
        url = self.url(settings, "/audiences/get")
        return self.request.request("POST", url, json={"id": trimmed}).data
