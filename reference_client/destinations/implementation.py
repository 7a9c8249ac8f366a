"""What the two Ortto destination definitions *do*: perform, hooks, audiences, authentication.

The Segment runtime (:mod:`reference_client.runtime.engine`) calls these through
:class:`OrttoImplementation`; everything Ortto-specific stays in this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference_client.destinations.endpoint import API_KEY_VAR
from reference_client.destinations.ortto_client import OrttoClient
from reference_client.js.numbers import to_js_string
from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import truthy
from reference_client.runtime.errors import SegmentError
from reference_client.runtime.results import MultiStatusResponse
from reference_client.transport.client import RequestClient

HOOK_KEY = "onMappingSave"
CLEANING_ACTIONS = frozenset({"upsertContactProfile", "trackActivity"})
"""Actions whose ``perform`` starts with ``cleanObject`` of each whole payload."""


def hook_audience_id(hook_outputs: Mapping[str, Any]) -> str:
    """``hookOutputs?.onMappingSave?.outputs?.audience_id ?? ''``."""
    saved = hook_outputs.get(HOOK_KEY)
    outputs = saved.get("outputs") if isinstance(saved, dict) else None
    audience_id = outputs.get("audience_id") if isinstance(outputs, dict) else None
    return "" if audience_id is None else audience_id


def extend_request(settings: dict[str, Any], env: Mapping[str, str]) -> dict[str, str]:
    """``extendRequest``: ``ORTTO_API_KEY`` overwrites the key in place; Bearer auth header."""
    override = env.get(API_KEY_VAR)
    if override:
        settings["api_key"] = override
    return {"Authorization": f"Bearer {to_js_string(settings.get('api_key', UNDEFINED))}"}


class OrttoImplementation:
    """Binds action slugs, hooks and audience operations to :class:`OrttoClient` calls."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def client(self, request: RequestClient) -> OrttoClient:
        """An Ortto client on top of ``request``."""
        return OrttoClient(request, self.env)

    @staticmethod
    def cleans_payloads(action: str) -> bool:
        """Whether ``action`` applies ``cleanObject`` to whole payloads before reading them
        (so the runtime may fold it into its own copies and pass ``cleaned=True``)."""
        return action in CLEANING_ACTIONS

    def perform_batch(
        self,
        action: str,
        request: RequestClient,
        settings: Mapping[str, Any],
        payloads: list[dict[str, Any]],
        hook_outputs: Mapping[str, Any],
        cleaned: bool = False,
    ) -> MultiStatusResponse:
        """Run ``action`` over ``payloads`` (``perform`` is the same call with one payload).

        ``cleaned``: ``cleanObject`` was already applied to every payload, and each is plain
        JSON (``dict`` with ``str`` keys, ``list``, ``str``, ``int``, ``float``, ``bool``,
        ``None``).
        """
        client = self.client(request)
        audience_id = hook_audience_id(hook_outputs)
        if action == "upsertContactProfile":
            return client.upsert_contacts(settings, payloads, audience_id, cleaned)
        if action == "trackActivity":
            return client.send_activities(settings, payloads, audience_id, cleaned)
        if action == "syncAudience":
            return client.sync_audience(settings, payloads)
        raise KeyError(action)

    def perform_hook(
        self, request: RequestClient, settings: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``onMappingSave``: create or link the audience named in the inputs."""
        name = inputs.get("audience_name", UNDEFINED)
        if not truthy(name):
            return {}
        try:
            audience = self.client(request).create_audience(settings, name)
        except SegmentError as error:
            code = "Unknown Error" if error.status is None else str(error.status)
            return {"error": {"message": error.message or "Unknown Error", "code": code}}
        audience_id = audience.get("id", UNDEFINED) if isinstance(audience, dict) else UNDEFINED
        audience_name = audience.get("name", UNDEFINED) if isinstance(audience, dict) else UNDEFINED
        message = (
            f"Connected to Audience '{to_js_string(audience_name)}' "
            f"(id: {to_js_string(audience_id)}) successfully."
        )
        saved = {"audience_id": audience_id, "audience_name": audience_name}
        return {
            "successMessage": message,
            "savedData": {k: v for k, v in saved.items() if v is not UNDEFINED},
        }

    def create_audience(
        self, request: RequestClient, settings: Mapping[str, Any], audience_name: Any
    ) -> dict[str, Any]:
        """``audienceConfig.createAudience`` -> ``{"externalId": id}``."""
        data = self.client(request).create_audience(settings, audience_name)
        return {"externalId": data.get("id", UNDEFINED) if isinstance(data, dict) else UNDEFINED}

    def get_audience(
        self, request: RequestClient, settings: Mapping[str, Any], external_id: Any
    ) -> dict[str, Any]:
        """``audienceConfig.getAudience`` -> ``{"externalId": id}``."""
        data = self.client(request).get_audience(settings, external_id)
        return {"externalId": data.get("id", UNDEFINED) if isinstance(data, dict) else UNDEFINED}

    def test_authentication(self, request: RequestClient, settings: Mapping[str, Any]) -> None:
        """``GET /me``."""
        self.client(request).test_authentication(settings)
