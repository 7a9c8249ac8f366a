"""Fault injection, snapshot/restore, per-key isolation, merge rule, journal, admin token."""

from __future__ import annotations

import time

import httpx
import pytest

from mock_ortto.auth import redact
from mock_ortto.config import ServerConfig
from mock_ortto.testing import RunningMock
from tests.mock_ortto.conftest import KEY


def test_fault_status_then_normal(live: RunningMock) -> None:
    live.admin.fault(status=503, count=2)
    client = live.client()
    assert client.get("/me").status_code == 503
    r = client.post("/identify", json=[{"user_id": "u"}])
    assert r.status_code == 503 and r.json() == {"error": "injected fault: HTTP 503"}
    assert client.post("/identify", json=[{"user_id": "u"}]).status_code == 200
    assert len(live.admin.contacts(KEY)) == 1  # the faulted batch stored nothing
    assert live.admin.journal(3)[1]["rule"] == "fault.injected"


def test_fault_429_uses_ortto_body(live: RunningMock) -> None:
    live.admin.fault(status=429, try_in_seconds=7)
    r = live.client().get("/me")
    assert r.status_code == 429
    assert r.json() == {
        "error": {"code": "rate-limit", "message": "rate limit", "try-in-seconds": 7}
    }
    assert r.headers["Retry-After"] == "7"


def test_fault_item_errors(live: RunningMock) -> None:
    live.admin.fault(
        item_errors=[{"index": 1, "status": 422, "message": "Failed to process event#1"}]
    )
    items = [{"user_id": f"u{i}"} for i in range(3)]
    r = live.client().post("/identify", json=items)
    assert r.json() == {
        "errors": [{"index": 1, "status": 422, "message": "Failed to process event#1"}]
    }
    assert sorted(c["user_id"] for c in live.admin.contacts(KEY)) == ["u0", "u2"]


def test_fault_latency_and_path_filter(live: RunningMock) -> None:
    live.admin.fault(latency_ms=300, path="/v1/track")
    client = live.client()
    assert client.get("/me").status_code == 200
    (queued,) = live.admin.http.get("/_mock/faults").json()["faults"]
    assert queued["remaining"] == 1  # another path does not consume the fault
    started = time.perf_counter()
    assert client.post("/track", json=[{"user_id": "u", "event": "e"}]).status_code == 200
    assert time.perf_counter() - started >= 0.3  # the answer waited (a sleep never ends early)
    assert live.admin.http.get("/_mock/faults").json() == {"faults": []}


def test_fault_dropped_connection(live: RunningMock) -> None:
    live.admin.fault(drop_connection=True)
    client = live.client()
    with pytest.raises(httpx.TransportError):
        client.post("/identify", json=[{"user_id": "u"}])
    assert live.client().get("/me").status_code == 200
    assert live.admin.http.get("/_mock/faults").json() == {"faults": []}


def test_faults_only_for_one_key(live: RunningMock) -> None:
    live.admin.fault(status=500, api_key="pus-other")
    assert live.client().get("/me").status_code == 200
    assert live.client("pus-other").get("/me").status_code == 500


def test_snapshot_restore_roundtrip(live: RunningMock) -> None:
    client = live.client()
    aud = client.post("/audiences/create", json={"name": "S"}).json()["id"]
    client.post("/identify", json=[{"user_id": "u1", "anonymous_id": "a1", "traits": {"n": 1}}])
    client.post(
        "/track", json=[{"user_id": "u1", "event": "E", "audience": {"mode": "add", "id": aud}}]
    )
    client.put(
        "/audiences/members",
        json=[{"user_id": "u1", "audience": {"mode": "remove", "id": aud}, "traits": {}}],
    )
    client.put(
        "/audiences/members",
        json=[{"user_id": "u1", "audience": {"mode": "add", "id": aud}, "traits": {}}],
    )
    snap = live.admin.snapshot()
    live.admin.reset()
    assert live.admin.http.get("/_mock/contacts", params={"api_key": KEY}).status_code == 404
    assert live.admin.restore(snap) == {"restored_accounts": 1}
    assert live.admin.snapshot() == snap
    # sequences continue after a restore
    assert client.post("/audiences/create", json={"name": "T"}).json()["id"] == "aud_0002"
    live.admin.advance(86400)
    assert live.admin.memberships(KEY)[0]["member"] is True


def test_snapshot_moves_between_stores(live: RunningMock, mock_ortto: RunningMock) -> None:
    live.client().post("/identify", json=[{"user_id": "u1", "traits": {"a": [1, {"b": None}]}}])
    snap = live.admin.snapshot()
    mock_ortto.admin.restore(snap)
    assert mock_ortto.admin.snapshot()["accounts"] == snap["accounts"]


def test_per_key_isolation(live: RunningMock) -> None:
    a, b = live.client("pau-aaaa"), live.client("peu-bbbb")
    assert a.post("/audiences/create", json={"name": "X"}).json() == {"id": "aud_0001", "name": "X"}
    assert b.post("/audiences/create", json={"name": "Y"}).json() == {"id": "aud_0001", "name": "Y"}
    assert b.post("/audiences/get", json={"id": "aud_0001"}).json()["name"] == "Y"
    a.post("/identify", json=[{"user_id": "same"}])
    assert len(live.admin.contacts("pau-aaaa")) == 1
    assert live.admin.contacts("peu-bbbb") == []
    live.admin.reset("pau-aaaa")  # forgotten: inspecting it says the account is unknown
    unknown = live.admin.http.get("/_mock/contacts", params={"api_key": "pau-aaaa"})
    assert unknown.status_code == 404
    assert unknown.json()["known_accounts"] == [redact("peu-bbbb")]
    assert len(live.admin.audiences("peu-bbbb")) == 1


def test_audience_create_is_case_sensitive_create_or_get(live: RunningMock) -> None:
    client = live.client()
    first = client.post("/audiences/create", json={"name": "VIP"}).json()
    assert client.post("/audiences/create", json={"name": "VIP"}).json() == first
    assert client.post("/audiences/create", json={"name": "vip"}).json()["id"] == "aud_0002"
    r = client.post("/audiences/create", json={"name": "   "})
    assert r.status_code == 400
    r = client.post("/audiences/get", json={"id": "nope"})
    assert r.status_code == 404 and r.json() == {"error": "audience nope not found"}


def test_merge_rule(live: RunningMock) -> None:
    client = live.client()
    aud = client.post("/audiences/create", json={"name": "M"}).json()["id"]
    client.post("/identify", json=[{"anonymous_id": "a1", "traits": {"x": 1, "y": 1}}])
    client.post("/track", json=[{"anonymous_id": "a1", "event": "Browse"}])
    client.put(
        "/audiences/members",
        json=[{"anonymous_id": "a1", "audience": {"mode": "add", "id": aud}, "traits": {}}],
    )
    client.post("/identify", json=[{"user_id": "u1", "traits": {"y": 2}}])
    assert len(live.admin.contacts(KEY)) == 2
    client.post("/identify", json=[{"user_id": "u1", "anonymous_id": "a1"}])  # merge
    contacts = live.admin.contacts(KEY)
    assert len(contacts) == 1
    merged = contacts[0]
    assert merged["user_id"] == "u1" and merged["anonymous_ids"] == ["a1"]
    assert merged["traits"] == {"x": 1, "y": 2}  # the user's contact wins on conflicts
    assert live.admin.activities(KEY)[0]["contact_id"] == merged["id"]
    assert live.admin.memberships(KEY)[0]["contact_id"] == merged["id"]
    # a new user id claims an anonymous-only contact
    client.post("/identify", json=[{"anonymous_id": "a2"}])
    client.post("/identify", json=[{"user_id": "u2", "anonymous_id": "a2"}])
    assert len(live.admin.contacts(KEY)) == 2
    # an anonymous id owned by another user moves to the latest user
    client.post("/identify", json=[{"user_id": "u3", "anonymous_id": "a2"}])
    u2 = live.admin.contacts(KEY, user_id="u2")[0]
    u3 = live.admin.contacts(KEY, user_id="u3")[0]
    assert u2["anonymous_ids"] == [] and u3["anonymous_ids"] == ["a2"]


def test_journal_redacts_keys_and_explains(live: RunningMock) -> None:
    live.client().post("/identify", json=[{"user_id": "u"}, {}])
    httpx.get(live.base_url + "/v1/me", headers={"Authorization": "Bearer nope"})
    entries = live.admin.journal(2)
    assert entries[0]["status"] == 401 and entries[0]["rule"] == "auth.key_shape"
    accepted = entries[1]
    assert KEY not in str(entries) and accepted["api_key"].startswith("pau-***")
    assert accepted["item_errors"][0]["rule"] == "item.identity"
    one = live.admin.http.get(f"/_mock/journal/{accepted['id']}").json()
    assert one == accepted


def test_config_is_reported(live: RunningMock) -> None:
    config = live.admin.config()
    assert config["settings"]["churn_policy"] == "reentry"
    assert config["settings"]["rate_windows"]["enterprise"] == [[10, 600], [60, 1800]]


def test_admin_token(mock_ortto_factory) -> None:  # type: ignore[no-untyped-def]
    running = mock_ortto_factory(ServerConfig(admin_token="s3cret"))
    assert httpx.get(running.base_url + "/_mock/config").status_code == 401
    assert running.admin.config()["admin_token"] is True
    doc = httpx.get(running.base_url + "/openapi.json").json()
    assert doc["paths"]["/_mock/config"]["get"]["security"] == [{"adminToken": []}]


def test_plugin_fixture(mock_ortto: RunningMock) -> None:
    assert mock_ortto.env == {"ORTTO_LOCAL_ENDPOINT": mock_ortto.base_url}
    assert mock_ortto.base_url.startswith("http://127.0.0.1:")
    assert mock_ortto.client().get("/me").json() == {}
    assert mock_ortto.admin.contacts() == []
