"""The runtime pipeline against the executed scenarios of destination.md §7.3 and runtime.md."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reference_client.definitions import ORTTO_ACTIONS, ORTTO_AUDIENCES
from reference_client.runtime.engine import DestinationRuntime
from reference_client.runtime.errors import (
    AggregateAjvError,
    CredentialsInvalidError,
    HTTPError,
    IntegrationError,
    InvalidAuthenticationError,
    JSTypeError,
)
from reference_client.runtime.results import MultiStatusResponse
from tests.reference_client.scripted import scripted

LOCAL = {"ORTTO_LOCAL_ENDPOINT": "http://127.0.0.1:1"}
SETTINGS = {"api_key": "pau-key"}
UPSERT = ORTTO_ACTIONS.action("upsertContactProfile").default_mapping()
TRACK = ORTTO_ACTIONS.action("trackActivity").default_mapping()
SYNC = ORTTO_AUDIENCES.action("syncAudience").default_mapping()
HOOK = {
    "onMappingSave": {
        "inputs": {"audience_name": "VIP"},
        "outputs": {"audience_id": "aud-123", "audience_name": "VIP"},
    }
}

E_ID = {
    "type": "identify",
    "userId": "u1",
    "anonymousId": "a1",
    "messageId": "m1",
    "timestamp": "2025-05-20T10:00:00.000Z",
    "context": {
        "ip": "203.0.113.7",
        "traits": {"address": {"country": "CtxCountry", "city": "CtxCity"}},
    },
    "traits": {
        "email": "john@example.com",
        "first_name": "John",
        "address": {
            "country": "Australia",
            "state": "NSW",
            "city": "Sydney",
            "postal_code": "2000",
        },
    },
    "properties": {},
}
E_TR = {
    "type": "track",
    "event": "Order Completed",
    "userId": "u1",
    "anonymousId": "a1",
    "messageId": "m9",
    "timestamp": "2025-05-20T10:00:00.000Z",
    "context": {
        "ip": "203.0.113.7",
        "app": {"namespace": "com.example"},
        "traits": {"email": "john@example.com", "address": {"country": "Australia"}},
    },
    "properties": {"total": 42.5, "currency": "AUD", "items": [{"sku": "A"}]},
}
E_ID_BODY = {
    "timestamp": "2025-05-20T10:00:00.000Z",
    "message_id": "m1",
    "user_id": "u1",
    "anonymous_id": "a1",
    "enable_batching": True,
    "ip": "203.0.113.7",
    "location": {"country": "Australia", "state": "NSW", "city": "Sydney", "post_code": "2000"},
    "traits": E_ID["traits"],
    "audience_update_mode": "add",
    "batch_size": 500,
}
OK = (200, {"errors": []})


def runtime(*answers: Any, destination: Any = ORTTO_ACTIONS) -> DestinationRuntime:
    return DestinationRuntime(destination, env=LOCAL, transport=scripted(*answers))


def sent(rt: DestinationRuntime) -> list[Any]:
    return [json.loads(r.body or b"null") for r in rt.transport.requests]  # type: ignore[attr-defined]


def subscribed(
    mapping: dict[str, Any],
    subscribe: str = 'type = "identify"',
    action: str = "upsertContactProfile",
) -> dict[str, Any]:
    return {
        **SETTINGS,
        "subscription": {"subscribe": subscribe, "partnerAction": action, "mapping": mapping},
    }


def single_data(results: list[dict[str, Any]]) -> dict[str, Any]:
    data = results[2]["data"]
    assert isinstance(data, MultiStatusResponse)
    first = data.get(0)
    assert first is not None
    return first.value()


def test_upsert_default_mapping_body_and_result() -> None:
    rt = runtime(OK)
    results = rt.on_event(E_ID, subscribed(UPSERT))
    assert [r["output"] for r in results] == [
        "Mappings resolved",
        "Payload validated",
        "Action Executed",
    ]
    assert sent(rt) == [[E_ID_BODY]]
    assert rt.transport.requests[0].url == "http://127.0.0.1:1/v1/identify"  # type: ignore[attr-defined]
    assert single_data(results) == {
        "status": 200,
        "body": "Processed successfully",
        "sent": E_ID_BODY,
    }


@pytest.mark.parametrize(
    ("extra", "mode", "audience"),
    [
        ({}, "add", {"mode": "add", "id": "aud-123"}),
        ({"audience_update_mode": "remove"}, "remove", {"mode": "remove", "id": "aud-123"}),
        ({"audience_update_mode": ""}, None, None),
    ],
)
def test_hook_outputs_add_the_audience_last(
    extra: dict[str, Any], mode: str | None, audience: dict[str, Any] | None
) -> None:
    rt = runtime(OK)
    rt.on_event(E_ID, subscribed({**UPSERT, **HOOK, **extra}))
    body = sent(rt)[0][0]
    assert body.get("audience_update_mode") == mode
    assert body.get("audience") == audience
    if audience:
        assert list(body)[-1] == "audience"


def test_upsert_falls_back_to_context_traits() -> None:
    event = {
        "type": "track",
        "userId": "u2",
        "anonymousId": "a2",
        "messageId": "m2",
        "timestamp": "2025-05-20T10:00:00.000Z",
        "context": {
            "ip": "198.51.100.1",
            "traits": {
                "email": "ctx@example.com",
                "address": {"city": "Melbourne", "postal_code": "3000"},
            },
        },
    }
    rt = runtime(OK)
    rt.on_event(event, subscribed(UPSERT, subscribe='type = "track"'))
    body = sent(rt)[0][0]
    assert body["location"] == {"city": "Melbourne", "post_code": "3000"}
    assert body["traits"] == event["context"]["traits"]


def test_track_default_mapping() -> None:
    rt = runtime(OK)
    rt.on_event(E_TR, subscribed(TRACK, 'type = "track"', "trackActivity"))
    assert sent(rt) == [
        [
            {
                "timestamp": "2025-05-20T10:00:00.000Z",
                "message_id": "m9",
                "user_id": "u1",
                "anonymous_id": "a1",
                "enable_batching": True,
                "ip": "203.0.113.7",
                "location": {"country": "Australia"},
                "traits": E_TR["context"]["traits"],
                "audience_update_mode": "add",
                "batch_size": 500,
                "event": "Order Completed",
                "namespace": "com.example",
                "properties": E_TR["properties"],
            }
        ]
    ]


def test_single_track_settlements_do_not_raise() -> None:
    rt = runtime()
    ortto = {**E_TR, "context": {**E_TR["context"], "app": {"namespace": "ortto.com"}}}
    data = single_data(rt.on_event(ortto, subscribed(TRACK, 'type = "track"', "trackActivity")))
    assert data["body"] == "Order Completed was originated from ortto.com (Ignored)"
    blank = single_data(
        rt.on_event({**E_TR, "event": "   "}, subscribed(TRACK, 'type = "track"', "trackActivity"))
    )
    assert (blank["status"], blank["errortype"], blank["errormessage"]) == (
        400,
        "PAYLOAD_VALIDATION_FAILED",
        "Missing event name",
    )
    assert rt.transport.requests == []  # type: ignore[attr-defined]


def test_single_empty_event_name_is_a_schema_error() -> None:
    rt = runtime()
    with pytest.raises(AggregateAjvError) as caught:
        rt.on_event({**E_TR, "event": ""}, subscribed(TRACK, 'type = "track"', "trackActivity"))
    assert caught.value.message == "The root value is missing the required field 'event'."
    assert caught.value.status == 400


def test_track_batch_mixed_remaps_server_indices() -> None:
    events = [
        E_TR,
        {**E_TR, "event": ""},
        {**E_TR, "event": "  "},
        {**E_TR, "context": {**E_TR["context"], "app": {"namespace": "ortto.com"}}},
        {**E_TR, "properties": {}},
        {k: v for k, v in E_TR.items() if k not in ("userId", "anonymousId")},
    ]
    rt = runtime(
        (200, {"errors": [{"index": 1, "status": 422, "message": "Failed to process event"}]})
    )
    result = rt.on_batch(events, subscribed(TRACK, 'type = "track"', "trackActivity"))
    statuses = result[0]["multistatus"]
    assert len(sent(rt)[0]) == 2
    assert [s["status"] for s in statuses] == [200, 400, 400, 200, 422, 400]
    assert statuses[1]["errorreporter"] == "DESTINATION"
    assert statuses[4]["errortype"] == "UNPROCESSABLE_ENTITY"
    assert statuses[4]["errorreporter"] == "DESTINATION"
    assert statuses[5]["errorreporter"] == "INTEGRATIONS"
    assert statuses[5]["errormessage"].startswith(
        "The root value is missing the required field 'user_id'."
    )


def test_upsert_batch_ignores_out_of_range_index() -> None:
    events = [
        E_ID,
        {k: v for k, v in E_ID.items() if k not in ("userId", "anonymousId")},
        {**E_ID, "traits": {"email": "bad"}},
    ]
    rt = runtime((200, {"errors": [{"index": 2, "status": 422, "message": "x"}]}))
    statuses = rt.on_batch(events, subscribed({**UPSERT, **HOOK}))[0]["multistatus"]
    assert [s["status"] for s in statuses] == [200, 400, 200]
    third = sent(rt)[0][1]
    assert third["location"] == {"country": "CtxCountry", "city": "CtxCity"}
    assert third["audience"] == {"mode": "add", "id": "aud-123"}


def test_http_errors_fail_the_whole_batch() -> None:
    rt = runtime((500, {"error": "boom"}))
    with pytest.raises(HTTPError) as caught:
        rt.on_batch([E_ID, E_ID], subscribed(UPSERT))
    assert caught.value.message == "Internal Server Error"
    assert caught.value.response.status == 500
    assert caught.value.retryable


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("", "application/json", "Cannot read properties of undefined (reading 'errors')"),
        ("null", "application/json", "Cannot read properties of null (reading 'errors')"),
        ('{"errors":"x"}', "application/json", "data.errors.forEach is not a function"),
    ],
)
def test_malformed_success_bodies_crash_like_the_real_code(
    body: str, content_type: str, message: str
) -> None:
    rt = runtime((200, body, content_type))
    with pytest.raises(JSTypeError) as caught:
        rt.on_batch([E_ID], subscribed(UPSERT))
    assert caught.value.message == message


def test_text_body_means_every_item_succeeded() -> None:
    rt = runtime((200, '{"errors":[{"index":0,"status":400}]}', "text/plain"))
    statuses = rt.on_batch([E_ID], subscribed(UPSERT))[0]["multistatus"]
    assert statuses[0]["status"] == 200


def test_validation_errors_in_single_mode() -> None:
    rt = runtime()
    with pytest.raises(AggregateAjvError, match="IP Address must be a valid IPv4"):
        rt.on_event({**E_ID, "context": {"ip": "not-an-ip"}}, subscribed(UPSERT))
    with pytest.raises(AggregateAjvError, match="Timestamp must be a valid date and time"):
        rt.on_event({**E_ID, "timestamp": "2025-01-01"}, subscribed(UPSERT))


def test_anonymous_only_with_null_ip() -> None:
    event = {
        "type": "identify",
        "anonymousId": "anon-only",
        "messageId": "m",
        "timestamp": "2025-01-01T00:00:00.000Z",
        "context": {"ip": None},
        "traits": {"a": None},
    }
    rt = runtime(OK)
    rt.on_event(event, subscribed(UPSERT))
    assert sent(rt) == [
        [
            {
                "timestamp": "2025-01-01T00:00:00.000Z",
                "message_id": "m",
                "anonymous_id": "anon-only",
                "enable_batching": True,
                "ip": None,
                "location": {},
                "traits": {"a": None},
                "audience_update_mode": "add",
                "batch_size": 500,
            }
        ]
    ]


def test_subscription_outcomes() -> None:
    rt = runtime()
    assert rt.on_event(E_TR, subscribed(UPSERT)) == [{"output": "not subscribed"}]
    assert rt.on_event(
        E_ID, {**SETTINGS, "subscription": {"subscribe": "", "partnerAction": "x"}}
    ) == [{"output": "Failed to validate subscription"}]
    bad = rt.on_event(E_ID, subscribed(UPSERT, subscribe='foo = "bar"'))
    assert bad == [
        {"output": "Invalid subscription : Cannot read properties of undefined (reading 'type')"}
    ]
    assert rt.on_batch([E_TR], subscribed(UPSERT)) == [{"output": "not subscribed"}]


def test_missing_api_key_is_reported_before_matching() -> None:
    rt = runtime()
    with pytest.raises(AggregateAjvError) as caught:
        rt.on_event(
            E_TR,
            {
                "subscription": {
                    "subscribe": 'type = "identify"',
                    "partnerAction": "upsertContactProfile",
                }
            },
        )
    assert caught.value.message == "The root value is missing the required field 'api_key'."
    assert caught.value.status == 400


def test_invalid_key_without_local_endpoint() -> None:
    rt = DestinationRuntime(ORTTO_ACTIONS, env={}, transport=scripted())
    with pytest.raises(InvalidAuthenticationError):
        rt.on_event(E_ID, {**subscribed(UPSERT), "api_key": "invalid api key"})
    with pytest.raises(CredentialsInvalidError) as caught:
        rt.test_authentication({"api_key": "invalid"})
    assert caught.value.message == "Credentials are invalid:  Invalid API key"


def test_environment_key_overrides_settings() -> None:
    rt = DestinationRuntime(
        ORTTO_ACTIONS, env={"ORTTO_API_KEY": "peu-envkey"}, transport=scripted((200, {}))
    )
    rt.test_authentication({"api_key": "pau-setkey"})
    request = rt.transport.requests[0]  # type: ignore[attr-defined]
    assert request.url == "https://segment-action-api-eu.ortto.app/v1/me"
    assert request.headers["authorization"] == "Bearer peu-envkey"
    audiences = DestinationRuntime(
        ORTTO_AUDIENCES,
        env={"ORTTO_API_KEY": "peu-envkey"},
        transport=scripted((200, {"id": "x", "name": "n"})),
    )
    audiences.create_audience({"api_key": "pau-setkey"}, "n")
    request = audiences.transport.requests[0]  # type: ignore[attr-defined]
    assert request.url == "https://segment-action-api-au.ortto.app/v1/audiences/create"
    assert request.headers["authorization"] == "Bearer peu-envkey"


@pytest.mark.parametrize(
    ("inputs", "answer", "expected"),
    [
        (
            {"audience_name": "VIP Customers"},
            (200, {"id": "aud-777", "name": "VIP Customers"}),
            {
                "successMessage": (
                    "Connected to Audience 'VIP Customers' (id: aud-777) successfully."
                ),
                "savedData": {"audience_id": "aud-777", "audience_name": "VIP Customers"},
            },
        ),
        ({"audience_name": ""}, None, {}),
        ({}, None, {}),
        (
            {"audience_name": "   "},
            None,
            {"error": {"message": "Missing audience name", "code": "400"}},
        ),
        (
            {"audience_name": "x"},
            (409, {"error": "exists"}),
            {"error": {"message": "Conflict", "code": "Unknown Error"}},
        ),
    ],
)
def test_associate_audience_hook(
    inputs: dict[str, Any], answer: Any, expected: dict[str, Any]
) -> None:
    rt = runtime(*([answer] if answer else []))
    assert rt.execute_hook("upsertContactProfile", "onMappingSave", SETTINGS, inputs) == expected


def test_hook_trims_and_rejects_unknown_hooks() -> None:
    rt = runtime((200, {"id": "a", "name": "Padded"}))
    rt.execute_hook("trackActivity", "onMappingSave", SETTINGS, {"audience_name": "  Padded  "})
    assert sent(rt) == [{"name": "Padded"}]
    with pytest.raises(IntegrationError, match="Missing implementation for hook: retl"):
        rt.execute_hook("trackActivity", "retl", SETTINGS, {})
    audiences = runtime(destination=ORTTO_AUDIENCES)
    with pytest.raises(IntegrationError, match="does not support any hooks"):
        audiences.execute_hook("syncAudience", "onMappingSave", SETTINGS, {})


ENGAGE = {
    "computation_class": "audience",
    "computation_key": "vip_users",
    "external_audience_id": "ext-1",
}


def test_sync_audience_identify_and_track() -> None:
    identify = {
        "type": "identify",
        "userId": "u1",
        "anonymousId": "a1",
        "messageId": "e1",
        "context": {"personas": ENGAGE},
        "traits": {
            "vip_users": True,
            "email": "john@example.com",
            "ip": "203.0.113.9",
            "country": "AU",
            "city": "Sydney",
            "postal_code": "2000",
            "state": "NSW",
        },
    }
    track = {
        "type": "track",
        "event": "Audience Exited",
        "userId": "u2",
        "anonymousId": "a2",
        "messageId": "e2",
        "context": {"personas": ENGAGE},
        "properties": {
            "vip_users": False,
            "email": "jane@example.com",
            "audience_key": "vip_users",
        },
    }
    rt = runtime(OK, OK, destination=ORTTO_AUDIENCES)
    subscribe = 'type = "identify" or type = "track"'
    data = single_data(rt.on_event(identify, subscribed(SYNC, subscribe, "syncAudience")))
    rt.on_event(track, subscribed(SYNC, subscribe, "syncAudience"))
    first, second = sent(rt)
    assert first == [
        {
            "message_id": "e1",
            "user_id": "u1",
            "anonymous_id": "a1",
            "ip": "203.0.113.9",
            "location": {"country": "AU", "state": "NSW", "city": "Sydney", "post_code": "2000"},
            "audience": {"mode": "add", "id": "ext-1"},
            "traits": {
                "email": "john@example.com",
                "ip": "203.0.113.9",
                "country": "AU",
                "city": "Sydney",
                "postal_code": "2000",
                "state": "NSW",
            },
        }
    ]
    assert second[0]["audience"] == {"mode": "remove", "id": "ext-1"}
    assert second[0]["traits"] == {"email": "jane@example.com", "audience_key": "vip_users"}
    assert data["sent"] == rt.transport.requests[0].body.decode()[1:-1]  # type: ignore[attr-defined]


def test_sync_audience_rejects_non_audience_computations() -> None:
    rt = runtime(destination=ORTTO_AUDIENCES)
    event = {
        "type": "identify",
        "userId": "u",
        "context": {"personas": {**ENGAGE, "computation_class": "trait"}},
        "traits": {"vip_users": True},
    }
    with pytest.raises(AggregateAjvError, match='must be one of: "audience" or "journey_step"'):
        rt.on_event(event, subscribed(SYNC, 'type = "identify"', "syncAudience"))


def test_audience_operations() -> None:
    rt = runtime(
        (200, {"id": "ext-1", "name": "Engage VIP"}),
        (200, {"id": "ext-1"}),
        destination=ORTTO_AUDIENCES,
    )
    assert rt.create_audience(SETTINGS, "  Engage VIP ") == {"externalId": "ext-1"}
    assert rt.get_audience(SETTINGS, " ext-1 ") == {"externalId": "ext-1"}
    assert sent(rt) == [{"name": "Engage VIP"}, {"id": "ext-1"}]
    with pytest.raises(AggregateAjvError, match="missing the required field 'audienceName'"):
        rt.create_audience(SETTINGS, "x", {"other": 1})
    with pytest.raises(JSTypeError):
        runtime().create_audience(SETTINGS, "x")
    with pytest.raises(IntegrationError) as caught:
        rt.refresh_access_token(SETTINGS)
    assert (caught.value.status, caught.value.code) == (501, "NotImplemented")


def test_empty_key_with_local_endpoint_sends_a_valid_header() -> None:
    # the real destination sends "Bearer " (trailing space); see docs/reference_client
    rt = runtime((200, {}))
    rt.test_authentication({"api_key": ""})
    assert rt.transport.requests[0].headers["authorization"] == "Bearer"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda rt: rt.create_audience(SETTINGS, 5), "audienceName?.trim is not a function"),
        (lambda rt: rt.get_audience(SETTINGS, ["x"]), "audienceId?.trim is not a function"),
    ],
)
def test_non_string_audience_names_fail_like_javascript(call: Any, message: str) -> None:
    with pytest.raises(JSTypeError, match=message.replace("?", r"\?")):
        call(runtime(destination=ORTTO_AUDIENCES))
