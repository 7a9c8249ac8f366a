"""Rate windows, payload limits and per-item validation."""

from __future__ import annotations

import pytest

from mock_ortto import rules
from mock_ortto.config import Settings
from mock_ortto.testing import RunningMock
from tests.mock_ortto.conftest import KEY


def test_rate_window_answers_ortto_429(live: RunningMock) -> None:
    live.admin.configure(rate_limit=True, rate_plan="free")
    try:
        live.admin.set_time("2024-05-01T10:00:00Z")
        client = live.client(KEY)
        limit = rules.default_int("rate.free.10s")
        for _ in range(limit):
            assert client.get("/me").status_code == 200
        response = client.get("/me")
        assert response.status_code == 429
        body = response.json()
        assert body == {
            "error": {"code": "rate-limit", "message": "rate limit", "try-in-seconds": 10}
        }
        assert response.headers["Retry-After"] == "10"
        assert response.headers["X-Mock-Rule"] == "rate.free.10s"
        other = live.client("pus-other-account")
        assert other.get("/me").status_code == 200  # per key
        live.admin.advance(10)
        assert client.get("/me").status_code == 200
        entry = live.admin.journal(5)[2]
        assert entry["rule"] == "rate.free.10s" and entry["status"] == 429
    finally:
        live.admin.reset()


def test_sixty_second_window(live: RunningMock) -> None:
    live.admin.configure(rate_limit=True, rate_plan="free")
    try:
        live.admin.set_time("2024-05-01T10:00:00Z")
        client = live.client(KEY)
        for _ in range(3):
            for _ in range(20):
                assert client.get("/me").status_code == 200
            live.admin.advance(10)
        response = client.get("/me")  # 61st request at t=30 s: the 60-second window is full
        assert response.status_code == 429
        assert response.headers["X-Mock-Rule"] == "rate.free.60s"
        assert response.json()["error"]["try-in-seconds"] == 30
        assert response.headers["Retry-After"] == "30"
        live.admin.advance(30)
        assert client.get("/me").status_code == 200
    finally:
        live.admin.reset()


def test_rate_limit_off(live: RunningMock) -> None:
    client = live.client(KEY)
    assert all(client.get("/me").status_code == 200 for _ in range(50))


def test_too_many_items(live: RunningMock) -> None:
    items = [{"user_id": f"u{i}"} for i in range(rules.default_int("payload.max_items") + 1)]
    response = live.client().post("/identify", json=items)
    assert response.status_code == 413
    assert "at most 500" in response.json()["error"]
    assert live.admin.contacts(KEY) == []


def test_body_too_large(live: RunningMock) -> None:
    live.admin.configure(max_body_bytes=1000)
    try:
        response = live.client().post(
            "/identify", json=[{"user_id": "u", "traits": {"x": "y" * 2000}}]
        )
        assert response.status_code == 413
        assert response.headers["X-Mock-Rule"] == "payload.max_body_bytes"
    finally:
        live.admin.reset()


def test_depth_limit_is_per_item(live: RunningMock) -> None:
    deep: dict[str, object] = {}
    node = deep
    for _ in range(40):
        node["n"] = {}
        node = node["n"]  # type: ignore[assignment]
    response = live.client().post(
        "/identify", json=[{"user_id": "a", "traits": deep}, {"user_id": "b"}]
    )
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert [e["index"] for e in errors] == [0]
    assert "deeper than 32" in errors[0]["message"]


@pytest.mark.parametrize(
    ("item", "needle"),
    [
        ({"traits": {}}, "user_id or anonymous_id"),
        ({"user_id": "", "anonymous_id": ""}, "user_id or anonymous_id"),
        ({"user_id": "u", "ip": "300.1.1.1"}, "IPv4"),
        ({"user_id": "u", "ip": "::1"}, "IPv4"),
        ({"user_id": "u", "timestamp": "yesterday"}, "RFC 3339"),
        ({"user_id": "u", "timestamp": "2025-01-01"}, "RFC 3339"),
        ({"user_id": "u", "timestamp": "2024-02-30T00:00:00Z"}, "RFC 3339"),
        ({"user_id": "u", "audience_update_mode": "toggle"}, "audience_update_mode"),
        ({"user_id": "u", "audience": {"mode": "flip", "id": "aud_0001"}}, "mode"),
        ({"user_id": 7}, "user_id"),
        ({"user_id": "u", "traits": []}, "traits"),
        ({"user_id": "u", "location": {"planet": "Mars"}}, "unknown keys"),
        ({"user_id": "u", "location": {"city": 5}}, "city"),
        ({"user_id": "u", "surprise": True}, "unknown keys"),
        ({"user_id": "u", "enable_batching": "yes"}, "enable_batching"),
        ("not an object", "object"),
    ],
)
def test_per_item_errors(live: RunningMock, item: object, needle: str) -> None:
    response = live.client().post("/identify", json=[{"user_id": "ok"}, item])
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["index"] == 1
    assert errors[0]["status"] == 400
    assert needle in errors[0]["message"]
    assert [c["user_id"] for c in live.admin.contacts(KEY)] == ["ok"]


def test_item_naming_an_unknown_audience_is_a_per_item_404(live: RunningMock) -> None:
    item = {"user_id": "u", "audience": {"mode": "add", "id": "aud_9999"}}
    response = live.client().post("/identify", json=[{"user_id": "ok"}, item])
    assert response.json() == {
        "errors": [{"index": 1, "status": 404, "message": "audience aud_9999 not found"}]
    }
    assert live.admin.journal(1)[0]["item_errors"][0]["rule"] == "item.audience_unknown"
    assert [c["user_id"] for c in live.admin.contacts(KEY)] == ["ok"]


@pytest.mark.parametrize(
    "timestamp",
    ["2024-05-01 10:00:00Z", "2024-05-01t10:00:00z", "2024-05-01T10:00:00", "0000-01-01T00:00:00Z"],
)
def test_timestamps_the_destination_lets_through_are_accepted(
    live: RunningMock, timestamp: str
) -> None:
    response = live.client().post("/identify", json=[{"user_id": "u", "timestamp": timestamp}])
    assert response.json() == {"errors": []}


def test_ip_with_leading_zeros_is_accepted_like_the_destination_does(live: RunningMock) -> None:
    response = live.client().post("/identify", json=[{"user_id": "u", "ip": "01.2.3.4"}])
    assert response.json() == {"errors": []}


def test_clock_refuses_instants_it_cannot_hold(live: RunningMock) -> None:
    answer = live.admin.http.post(
        "/_mock/clock", json={"action": "set", "at": "2024-01-01T23:59:60Z"}
    )
    assert answer.status_code == 400
    assert "cannot be set" in answer.json()["error"]
    answer = live.admin.http.post(
        "/_mock/clock", json={"action": "set", "at": "0000-01-01T00:00:00Z"}
    )
    assert answer.status_code == 409


def test_track_blank_event(live: RunningMock) -> None:
    response = live.client().post(
        "/track",
        json=[{"user_id": "u", "event": "  "}, {"user_id": "u"}, {"user_id": "u", "event": "x"}],
    )
    errors = response.json()["errors"]
    assert [e["index"] for e in errors] == [0, 1]
    assert live.admin.activities(KEY)[0]["event"] == "x"


# "Blank" is JavaScript's whitespace, as the document's patterns mean it: Python's \s also
# takes U+001C..U+001F and U+0085, and not U+FEFF (found by `nox -s fuzz`, case gwMJkq).
NOT_BLANK_TO_JAVASCRIPT = ["\x1f", "\x1c", "\x85"]
BLANK_TO_JAVASCRIPT = ["\ufeff", "\u2003 ", "\u3000\t", "\u2028"]


def test_blank_means_javascript_whitespace_for_event_names(live: RunningMock) -> None:
    events = NOT_BLANK_TO_JAVASCRIPT + BLANK_TO_JAVASCRIPT
    response = live.client().post("/track", json=[{"user_id": "u", "event": e} for e in events])
    refused = [e["index"] for e in response.json()["errors"]]
    assert refused == list(range(len(NOT_BLANK_TO_JAVASCRIPT), len(events)))
    assert [a["event"] for a in live.admin.activities(KEY)] == NOT_BLANK_TO_JAVASCRIPT


def test_blank_means_javascript_whitespace_for_audience_names(live: RunningMock) -> None:
    client = live.client()
    for name in NOT_BLANK_TO_JAVASCRIPT:
        assert client.post("/audiences/create", json={"name": name}).status_code == 200, name
    for name in BLANK_TO_JAVASCRIPT:
        answer = client.post("/audiences/create", json={"name": name})
        assert answer.status_code == 400, name
        assert "body.name must match pattern" in answer.json()["error"]


def test_null_location_values_and_null_ip_are_fine(live: RunningMock) -> None:
    item = {
        "user_id": "u",
        "ip": None,
        "location": {"country": None, "state": None, "city": None, "post_code": None},
    }
    assert live.client().post("/identify", json=[item]).json() == {"errors": []}


def test_activity_dedup(live: RunningMock) -> None:
    item = {
        "user_id": "u",
        "event": "E",
        "message_id": "m1",
        "timestamp": "2024-05-01T10:00:00.000Z",
    }
    client = live.client()
    assert client.post("/track", json=[item, item]).json() == {"errors": []}
    assert client.post("/track", json=[item]).json() == {"errors": []}
    assert len(live.admin.activities(KEY)) == 1
    other_time = dict(item, timestamp="2024-05-01T10:00:01.000Z")
    client.post("/track", json=[other_time, {k: v for k, v in item.items() if k != "message_id"}])
    assert len(live.admin.activities(KEY)) == 3
    assert live.admin.journal(2)[1]["decisions"][0]["rule"] == "activity.dedup"


def test_rules_table_states_the_limits_a_default_server_enforces(live: RunningMock) -> None:
    served = {row["id"]: row for row in live.admin.http.get("/_mock/rules").json()["rules"]}
    assert served["payload.max_items"] | {"summary": ""} == {
        "id": "payload.max_items",
        "category": "payload",
        "value": 500,
        "unit": "items",
        "summary": "",
        "source": "destination-code",
        "setting": "max_items",
    }
    assert served["rate.free.10s"]["value"] == 20 and served["rate.free.60s"]["value"] == 60
    assert served["churn.policy"]["value"] == "reentry"
    assert served["rate.enabled"]["value"] is True
    defaults = Settings().to_json()
    for row in served.values():
        if row["setting"] is not None and row["setting"] != "rate_windows":
            assert row["value"] == defaults[row["setting"]], row["id"]


def test_audience_name_limit_follows_the_runtime_setting(live: RunningMock) -> None:
    client = live.client()
    assert client.post("/audiences/create", json={"name": "x" * 300}).status_code == 400
    live.admin.configure(audience_name_max_chars=1000)
    try:
        assert client.post("/audiences/create", json={"name": "x" * 300}).status_code == 200
    finally:
        live.admin.configure(audience_name_max_chars=rules.default_int("audience.name_max_chars"))
