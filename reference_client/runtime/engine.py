"""The Segment Actions runtime around a destination: ``onEvent``, ``onBatch``, hooks, audiences.

:class:`DestinationRuntime` reproduces ``@segment/actions-core`` step by step (settings
validation, subscription matching, mapping, ``removeEmptyValues``, schema validation,
``perform``/``performBatch``, multi-status merging) for one destination definition. The
destination's own behaviour comes from :class:`~reference_client.destinations.implementation.
OrttoImplementation`.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reference_client.definitions import Action, Destination, get_destination
from reference_client.destinations.endpoint import API_KEY_VAR, LOCAL_ENDPOINT_VAR
from reference_client.destinations.implementation import OrttoImplementation, extend_request
from reference_client.js.undefined import UNDEFINED
from reference_client.js.values import truthy
from reference_client.mapping import Mapping, MappingError
from reference_client.runtime.collector import collector_paused
from reference_client.runtime.empty import Cleaner, compile_remover
from reference_client.runtime.errors import (
    AggregateAjvError,
    CredentialsInvalidError,
    IntegrationError,
    JSTypeError,
    SegmentError,
)
from reference_client.runtime.fused import Fused, compile_fused
from reference_client.runtime.results import (
    MultiStatusResponse,
    batch_entry,
    runtime_error_entry,
)
from reference_client.runtime.schema import fields_to_json_schema
from reference_client.runtime.validation import Validator
from reference_client.subscriptions import FqlError
from reference_client.subscriptions import subscription as compiled_subscription
from reference_client.transport.client import DEFAULT_TIMEOUT_MS, RequestClient
from reference_client.transport.transports import HttpxTransport, Transport

NOT_SUBSCRIBED = "not subscribed"
FAILED_SUBSCRIPTION = "Failed to validate subscription"
NO_MATCH = "Payload is either invalid or does not match the subscription"

_VALIDATORS: dict[tuple[str, str], Validator] = {}
_ACTIONS: dict[tuple[str, str], CompiledAction] = {}
_FUSED: OrderedDict[tuple[str, str, bool, str], Fused | None] = OrderedDict()
_FUSED_CACHE_SIZE = 128


@dataclass(frozen=True)
class CompiledAction:
    """An action's schema compiled once: the validator and both ``removeEmptyValues`` modes."""

    validator: Validator
    clean_single: Cleaner
    clean_batch: Cleaner


def compiled_action(destination: Destination, action: Action) -> CompiledAction:
    """The compiled schema of ``action``, cached like ajv's ``"<dest>:<title>"`` key."""
    key = (destination.name, action.title)
    compiled = _ACTIONS.get(key)
    if compiled is None:
        schema = fields_to_json_schema(action.fields)
        compiled = _ACTIONS[key] = CompiledAction(
            Validator(schema), compile_remover(schema, is_root=True), compile_remover(schema)
        )
    return compiled


def fused_action(
    destination: Destination, action: Action, mapping: Any, drop_empty_keys: bool
) -> Fused | None:
    """The generated map-clean-validate function of ``action`` with ``mapping`` (cached), or
    ``None`` when the mapping has shapes the generator leaves to the closures."""
    # repr, unlike JSON, tells 1 from 1.0 and "1", lists from tuples and NaN from null.
    key = (destination.name, action.title, drop_empty_keys, repr(mapping))
    if key in _FUSED:
        _FUSED.move_to_end(key)
        return _FUSED[key]
    schema = fields_to_json_schema(action.fields)
    fused = _FUSED[key] = compile_fused(mapping, schema, drop_empty_keys)
    if len(_FUSED) > _FUSED_CACHE_SIZE:
        _FUSED.popitem(last=False)
    return fused


def _fields_validator(destination: Destination, kind: str, fields: Sequence[Any]) -> Validator:
    key = (destination.name, kind)
    validator = _VALIDATORS.get(key)
    if validator is None:
        validator = _VALIDATORS[key] = Validator(fields_to_json_schema(fields))
    return validator


def environment_from_os() -> dict[str, str]:
    """The two environment variables the destination reads, from this process."""
    return {k: os.environ[k] for k in (LOCAL_ENDPOINT_VAR, API_KEY_VAR) if k in os.environ}


def _mark_validation_status(error: BaseException) -> None:
    if isinstance(error, AggregateAjvError) or (
        isinstance(error, MappingError) and error.js_name == "ValidationError"
    ):
        error.status = 400


class DestinationRuntime:
    """Runs one destination the way Segment does.

    ``env`` holds ``ORTTO_LOCAL_ENDPOINT`` / ``ORTTO_API_KEY`` (default: this process's
    environment); ``transport`` sends the requests (default: real HTTP with httpx).
    """

    def __init__(
        self,
        destination: Destination | str,
        *,
        env: MappingABC[str, str] | None = None,
        transport: Transport | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> None:
        self.destination = (
            get_destination(destination) if isinstance(destination, str) else destination
        )
        self.env = dict(environment_from_os() if env is None else env)
        self.transport: Transport = transport or HttpxTransport()
        self.timeout_ms = timeout_ms
        self.implementation = OrttoImplementation(self.env)

    # -- building blocks -------------------------------------------------------------------

    def request_client(self, settings: dict[str, Any]) -> RequestClient:
        """A request client for ``settings`` (applies ``extendRequest``, mutating them)."""
        return RequestClient(self.transport, extend_request(settings, self.env), self.timeout_ms)

    def validate_settings(self, settings: MappingABC[str, Any]) -> dict[str, Any]:
        """Validate a copy of the settings (coerced, unknown keys removed); status 400 on error."""
        copy = dict(settings)
        validator = _fields_validator(self.destination, "settings", self.destination.settings)
        errors = validator(copy)
        if errors:
            raise AggregateAjvError(errors, status=400)
        return copy

    def resolve(
        self, action: Action, mapping: Mapping, event: Any, single: bool
    ) -> tuple[Any, list[str]]:
        """Map, clean and validate one event; returns the payload and its validation errors."""
        compiled = compiled_action(self.destination, action)
        clean = compiled.clean_single if single else compiled.clean_batch
        payload = clean(mapping.resolve(event))
        return payload, compiled.validator(payload)

    @staticmethod
    def hook_outputs(action: Action, mapping: MappingABC[str, Any]) -> dict[str, Any]:
        """``hookOutputs``: the raw mapping value under each hook key the action defines."""
        return {h.key: mapping[h.key] for h in action.hooks if truthy(mapping.get(h.key))}

    def perform(
        self,
        action: Action,
        settings: dict[str, Any],
        payloads: list[dict[str, Any]],
        hook_outputs: MappingABC[str, Any],
        cleaned: bool = False,
    ) -> MultiStatusResponse:
        """``perform``/``performBatch`` of the destination (``cleaned``: every payload came from
        the fused path with the destination's cleaning folded in, so it is plain JSON)."""
        request = self.request_client(settings)
        return self.implementation.perform_batch(
            action.slug, request, settings, payloads, hook_outputs, cleaned=cleaned
        )

    # -- single event ----------------------------------------------------------------------

    def execute(
        self, action: Action, event: Any, mapping: MappingABC[str, Any], settings: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """``Action.execute``: the three result entries of one event (raises on failure)."""
        compiled = Mapping(dict(mapping))
        payload, errors = self.resolve(action, compiled, event, single=True)
        results: list[dict[str, Any]] = [{"output": "Mappings resolved"}]
        if errors:
            raise AggregateAjvError(errors)
        results.append({"output": "Payload validated"})
        data = self.perform(action, settings, [payload], self.hook_outputs(action, mapping))
        results.append({"data": data, "output": "Action Executed"})
        return results

    def _subscriptions(self, settings: MappingABC[str, Any]) -> list[Any]:
        single = settings.get("subscription")
        if truthy(single):
            return [single]
        many = settings.get("subscriptions")
        return list(many) if isinstance(many, list) else []

    def on_event(self, event: Any, settings: MappingABC[str, Any]) -> list[dict[str, Any]]:
        """``Destination.onEvent``: run every subscription of ``settings`` on one event."""
        validated = self.validate_settings(settings)
        results: list[dict[str, Any]] = []
        for subscription in self._subscriptions(settings):
            try:
                results.extend(self._on_subscription_event(subscription, event, validated))
            except (SegmentError, MappingError) as error:
                _mark_validation_status(error)
                raise
        return results

    def _on_subscription_event(
        self, subscription: Any, event: Any, settings: dict[str, Any]
    ) -> list[dict[str, Any]]:
        subscribe = subscription.get("subscribe") if isinstance(subscription, dict) else None
        if not isinstance(subscribe, str) or subscribe == "":
            return [{"output": FAILED_SUBSCRIPTION}]
        try:
            subscribed = compiled_subscription(subscribe)  # parsed and compiled once per string
        except FqlError as error:
            return [{"output": f"Invalid subscription : {error}"}]
        if not subscribed.matches(event):
            return [{"output": NOT_SUBSCRIBED}]
        slug = subscription.get("partnerAction")
        if not isinstance(slug, str) or not self.destination.has_action(slug):
            return []
        mapping = subscription.get("mapping") or {}
        return self.execute(self.destination.action(slug), event, mapping, dict(settings))

    # -- batches ---------------------------------------------------------------------------

    def execute_batch(
        self,
        action: Action | str,
        events: Sequence[Any],
        mapping: MappingABC[str, Any],
        settings: MappingABC[str, Any],
    ) -> list[dict[str, Any]]:
        """``Destination.executeBatch``: one multi-status entry per event.

        The cyclic garbage collector is paused meanwhile (:mod:`.collector`)."""
        if isinstance(action, str):
            action = self.destination.action(action)
        if not action.has_perform_batch:
            raise IntegrationError(
                "This action does not support batched requests.", "NotImplemented", 501
            )
        with collector_paused():
            return self._execute_batch(action, events, mapping, settings)

    def _execute_batch(
        self,
        action: Action,
        events: Sequence[Any],
        mapping: MappingABC[str, Any],
        settings: MappingABC[str, Any],
    ) -> list[dict[str, Any]]:
        compiled = Mapping(dict(mapping))
        cleans = self.implementation.cleans_payloads(action.slug)
        fused = fused_action(self.destination, action, compiled.mapping, cleans)
        statuses: list[dict[str, Any] | None] = [None] * len(events)
        survivors: list[dict[str, Any]] = []
        positions: list[int] = []
        all_fused = fused is not None and cleans
        for index, event in enumerate(events):
            payload = fused(event) if fused is not None and type(event) is dict else None
            if payload is None:  # the interpreted path: anything unusual, every error
                payload, errors = self.resolve(action, compiled, event, single=False)
                if errors:
                    statuses[index] = runtime_error_entry(" ".join(errors))
                    continue
                all_fused = False
            survivors.append(payload)
            positions.append(index)
        if survivors:
            settings_copy = dict(settings)
            answer = self.perform(
                action,
                settings_copy,
                survivors,
                self.hook_outputs(action, mapping),
                cleaned=all_fused,
            )
            for sent_index, index in enumerate(positions):
                statuses[index] = batch_entry(answer.get(sent_index))
        return [s for s in statuses if s is not None]

    def on_batch(self, events: Sequence[Any], settings: MappingABC[str, Any]) -> list[Any]:
        """``Destination.onBatch``: one ``{"multistatus": [...]}`` per subscription."""
        validated = self.validate_settings(settings)
        results: list[Any] = []
        for subscription in self._subscriptions(settings):
            try:
                outcome = self._on_subscription_batch(subscription, events, validated)
            except (SegmentError, MappingError) as error:
                _mark_validation_status(error)
                raise
            if outcome is not None:
                results.append(outcome)
        return results

    def _on_subscription_batch(
        self, subscription: Any, events: Sequence[Any], settings: dict[str, Any]
    ) -> dict[str, Any] | None:
        subscribe = subscription.get("subscribe") if isinstance(subscription, dict) else None
        if not isinstance(subscribe, str) or subscribe == "":
            return {"multistatus": [runtime_error_entry(FAILED_SUBSCRIPTION) for _ in events]}
        try:
            subscribed = compiled_subscription(subscribe)  # parsed and compiled once per string
        except FqlError as error:
            message = f"Invalid subscription : {error}"
            return {"multistatus": [runtime_error_entry(message) for _ in events]}
        matching = [i for i, event in enumerate(events) if subscribed.matches(event)]
        if not matching:
            return {"output": NOT_SUBSCRIBED}
        slug = subscription.get("partnerAction")
        if not isinstance(slug, str) or not self.destination.has_action(slug):
            return None
        mapping = subscription.get("mapping") or {}
        executed = self.execute_batch(
            self.destination.action(slug), [events[i] for i in matching], mapping, settings
        )
        statuses: list[dict[str, Any]] = [runtime_error_entry(NO_MATCH) for _ in events]
        for index, entry in zip(matching, executed, strict=True):
            statuses[index] = entry
        return {"multistatus": statuses}

    # -- hooks, audiences, authentication --------------------------------------------------

    def execute_hook(
        self, action: str, hook: str, settings: MappingABC[str, Any], hook_inputs: Any
    ) -> dict[str, Any]:
        """``Action.executeHook`` (the ``Associate Audience`` hook of Ortto (Actions))."""
        definition = self.destination.action(action)
        if not definition.hooks:
            raise IntegrationError("This action does not support any hooks.", "NotImplemented", 501)
        found = definition.hook(hook)
        if found is None:
            raise IntegrationError(
                f"Missing implementation for hook: {hook}.", "NotImplemented", 501
            )
        inputs = dict(hook_inputs) if isinstance(hook_inputs, dict) else hook_inputs
        kind = f"hook:{definition.slug}:{found.key}"
        errors = _fields_validator(self.destination, kind, found.input_fields)(inputs)
        if errors:
            raise AggregateAjvError(errors)
        settings_copy = dict(settings)
        request = self.request_client(settings_copy)
        return self.implementation.perform_hook(request, settings_copy, inputs)

    def _audience_call(self, audience_settings: Any) -> None:
        if self.destination.audience_config is None:
            raise JSTypeError(
                "Cannot use 'in' operator to search for 'createAudience' in undefined"
            )
        if isinstance(audience_settings, dict) and audience_settings:
            validator = _fields_validator(
                self.destination, "audienceSettings", self.destination.audience_fields
            )
            errors = validator(dict(audience_settings))
            if errors:
                raise AggregateAjvError(errors)

    def create_audience(
        self, settings: MappingABC[str, Any], audience_name: Any, audience_settings: Any = None
    ) -> dict[str, Any]:
        """``createAudience`` -> ``{"externalId": ...}`` (Ortto (Audiences) only)."""
        self._audience_call(audience_settings)
        original = dict(settings)
        request = self.request_client(dict(settings))  # headers from a copy, host from original
        return self.implementation.create_audience(request, original, audience_name)

    def get_audience(
        self, settings: MappingABC[str, Any], external_id: Any, audience_settings: Any = None
    ) -> dict[str, Any]:
        """``getAudience`` -> ``{"externalId": ...}`` (Ortto (Audiences) only)."""
        self._audience_call(audience_settings)
        original = dict(settings)
        request = self.request_client(dict(settings))
        return self.implementation.get_audience(request, original, external_id)

    def test_authentication(self, settings: MappingABC[str, Any]) -> None:
        """``testAuthentication``: ``GET /me``; failures become "Credentials are invalid: ..."."""
        validated = self.validate_settings(settings)
        try:
            request = self.request_client(validated)
            self.implementation.test_authentication(request, validated)
        except SegmentError as error:
            raise CredentialsInvalidError(error) from error

    def refresh_access_token(self, settings: MappingABC[str, Any], oauth: Any = UNDEFINED) -> None:
        """Always fails: the Ortto destinations use a static API key, not OAuth."""
        raise IntegrationError(
            "refreshAccessToken is only valid with oauth2 authentication scheme",
            "NotImplemented",
            501,
        )
