"""The fused (generated) action path gives exactly what the interpreted path gives.

Every preview runs twice, once as shipped and once with the generator switched off, on
generated events (invalid ones, nulls, empty strings and objects, odd numbers, missing
identities) and on generated variations of the default mappings; request bytes, per-event
outcomes and raised errors must be identical.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.events import identify_events, track_events
from reference_client.api import DestinationClient, OrttoActions, OrttoAudiences
from reference_client.definitions import ORTTO_ACTIONS, ORTTO_AUDIENCES
from reference_client.js import json as js_json
from reference_client.runtime import engine
from reference_client.runtime.fused import compile_fused, generate
from reference_client.runtime.schema import fields_to_json_schema

ODD_NUMBERS = [-0.0, 0, 0.0, 1e21, 1e-7, 1e16, 100.0, 2**53, 2**64, -(2**63) - 1, 1.5, 12.25]
ODD_STRINGS = [
    "", " ", "a", "add", "remove", "0", "false", "true", "null", "e+5", "1.0,", "x\n\t\x00y",
    "2024-05-01T10:00:00.000Z", "2024-02-30T10:00:00Z", "203.0.113.7", "999.1.1.1", "ortto.com",
    "Order Completed", "\u2028é",
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(ODD_NUMBERS)
    | st.sampled_from(ODD_STRINGS)
    | st.text(max_size=4)
)
KEYS = st.sampled_from(["", "a", "1", "0", "country", "city", "email", "address"]) | st.text(
    max_size=3
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)
ADDRESS = st.dictionaries(
    st.sampled_from(["country", "state", "city", "postal_code", ""]), JSON, max_size=5
)
TRAITS = st.one_of(JSON, st.dictionaries(KEYS | st.just("address"), JSON, max_size=4)).map(
    lambda t: t
) | st.fixed_dictionaries({"address": ADDRESS}, optional={"email": SCALARS, "": JSON})


IDS = st.sampled_from(["u1", "", "a-1", "2"]) | st.sampled_from(["u2", "anon"]) | SCALARS
TIMESTAMPS = st.sampled_from(["2024-05-01T10:00:00.000Z", "2024-05-01 10:00:00+10:00"]) | SCALARS
IPS = st.sampled_from(["203.0.113.7", None, "10.0.0.1"]) | SCALARS


def _optional(keys: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=keys)


CONTEXT = _optional(
    {
        "ip": IPS,
        "traits": TRAITS,
        "app": _optional({"namespace": st.sampled_from(["ortto.com", "", "app"]) | SCALARS}),
        "personas": _optional(
            {
                "computation_key": st.sampled_from(["aud", "x"]) | SCALARS,
                "external_audience_id": st.sampled_from(["ext-1", ""]) | SCALARS,
                "computation_class": st.just("audience"),
            }
        ),
    }
)
EVENT = _optional(
    {
        "type": st.sampled_from(["identify", "track"]),
        "userId": IDS,
        "anonymousId": IDS,
        "messageId": IDS,
        "timestamp": TIMESTAMPS,
        "event": SCALARS,
        "traits": TRAITS,
        "properties": JSON,
        "context": CONTEXT | CONTEXT | JSON,
    }
)
EVENTS = st.lists(EVENT, min_size=1, max_size=6)
ANY_EVENTS = st.lists(EVENT | JSON, min_size=1, max_size=4)  # non-objects fail the batch

PATHS = st.sampled_from(
    ["$.userId", "$.traits", "$.traits.email", "$.context.ip", "$.traits.address.city", "$.",
     "$.context.traits.0", "$.properties.length", "$.missing.deep.er", "$.messageId", "$.event",
     "traits['address'].country"]
)  # fmt: skip


def _nodes(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return (
        st.builds(lambda p: {"@path": p}, PATHS)
        | st.builds(
            lambda e, t, f: {"@if": {"exists": {"@path": e}, "then": t, "else": f}},
            PATHS,
            inner,
            inner,
        )
        | st.builds(lambda e, t: {"@if": {"exists": {"@path": e}, "then": t}}, PATHS, inner)
        | st.builds(lambda v: {"@literal": v}, inner)
        | st.dictionaries(st.sampled_from(["a", "b", "1", "country", "city"]), inner, max_size=3)
        | st.lists(inner, max_size=2)
        | st.just({"@template": "{{userId}}"})
    )


NODE = st.recursive(SCALARS, _nodes, max_leaves=6)


def _varied(default: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    keys = [*sorted(default), "extra", ""]
    return st.dictionaries(st.sampled_from(keys), NODE, max_size=4).flatmap(
        lambda changes: st.sets(st.sampled_from(sorted(default)), max_size=2).map(
            lambda removed: {
                **{k: v for k, v in default.items() if k not in removed},
                **changes,
            }
        )
    )


@contextmanager
def interpreted() -> Iterator[None]:
    """Switch the generator off: every event takes the interpreted path."""
    saved = engine.fused_action
    engine.fused_action = lambda *args: None
    try:
        yield
    finally:
        engine.fused_action = saved


def _observe(client: DestinationClient, action: str, events: Any, **options: Any) -> Any:
    try:
        preview = client.preview(action, events, **options)
    except Exception as error:  # both paths must fail alike
        return ("raised", type(error).__name__, str(error))
    requests = [(r.method, r.url, r.headers, r.body) for r in preview.requests]
    outcomes = [(repr(o), o.retryable) for o in preview.outcomes]
    return requests, outcomes


def _assert_same(client: DestinationClient, action: str, events: Any, **options: Any) -> None:
    fused = _observe(client, action, events, **options)
    with interpreted():
        expected = _observe(client, action, events, **options)
    assert fused == expected


ACTIONS_CLIENT = OrttoActions("pau-0a1b2c3d", endpoint="http://127.0.0.1:9")
AUDIENCES_CLIENT = OrttoAudiences("pau-0a1b2c3d", endpoint="http://127.0.0.1:9")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("action", ["upsertContactProfile", "trackActivity"])
@SETTINGS
@given(events=EVENTS, audience=st.sampled_from([None, "aud-1"]))
def test_fused_equals_interpreted_on_generated_events(
    action: str, events: list[Any], audience: str | None
) -> None:
    _assert_same(ACTIONS_CLIENT, action, events, audience_id=audience)


@SETTINGS
@given(events=ANY_EVENTS)
def test_fused_equals_interpreted_when_events_are_not_objects(events: list[Any]) -> None:
    _assert_same(ACTIONS_CLIENT, "upsertContactProfile", events)


@SETTINGS
@given(events=EVENTS)
def test_fused_equals_interpreted_for_sync_audience(events: list[Any]) -> None:
    _assert_same(AUDIENCES_CLIENT, "syncAudience", events)


@pytest.mark.parametrize("action", ["upsertContactProfile", "trackActivity"])
@SETTINGS
@given(data=st.data(), events=EVENTS)
def test_fused_equals_interpreted_on_varied_mappings(
    action: str, data: st.DataObject, events: list[Any]
) -> None:
    mapping = data.draw(_varied(ORTTO_ACTIONS.action(action).default_mapping()))
    _assert_same(ACTIONS_CLIENT, action, events, mapping=mapping)


@SETTINGS
@given(data=st.data(), events=EVENTS)
def test_fused_equals_interpreted_on_varied_sync_mappings(
    data: st.DataObject, events: list[Any]
) -> None:
    mapping = data.draw(_varied(ORTTO_AUDIENCES.action("syncAudience").default_mapping()))
    _assert_same(AUDIENCES_CLIENT, "syncAudience", events, mapping=mapping)


@pytest.mark.parametrize(
    ("action", "events"),
    [("upsertContactProfile", identify_events(300)), ("trackActivity", track_events(300))],
)
def test_default_mappings_compile_and_take_the_fused_path(action: str, events: Any) -> None:
    definition = ORTTO_ACTIONS.action(action)
    schema = fields_to_json_schema(definition.fields)
    fused = compile_fused(definition.default_mapping(), schema, drop_empty_keys=True)
    assert fused is not None
    assert all(fused(event) is not None for event in events)
    _assert_same(ACTIONS_CLIENT, action, events)


def test_generated_source_is_straight_line_python() -> None:
    definition = ORTTO_ACTIONS.action("upsertContactProfile")
    source, _ = generate(
        definition.default_mapping(), fields_to_json_schema(definition.fields), True
    )
    assert source.startswith("def fused(data):")
    assert "data.get('userId', U)" in source


def test_unsupported_directive_compiles_to_nothing() -> None:
    definition = ORTTO_ACTIONS.action("upsertContactProfile")
    mapping = {**definition.default_mapping(), "user_id": {"@template": "{{userId}}"}}
    assert compile_fused(mapping, fields_to_json_schema(definition.fields), True) is None


@pytest.mark.parametrize(
    "value", [1e21, 1e-7, 100.0, -0.0, 2**64, 1e16, 0.1, "e+1", "x\x00\u2028", [1.0, {"a": 2.0}]]
)
def test_plain_writer_matches_the_javascript_writer(value: Any) -> None:
    assert js_json.dumps_plain_bytes([{"v": value}]) == js_json.dumps_bytes([{"v": value}])


@given(JSON)
def test_plain_writer_matches_on_generated_json(value: Any) -> None:
    assert js_json.dumps_plain_bytes(value) == js_json.dumps_bytes(value)
