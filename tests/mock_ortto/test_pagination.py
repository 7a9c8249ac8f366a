"""/_mock lists come a page at a time; account counts do not walk the records."""

from __future__ import annotations

from mock_ortto.testing import RunningMock
from tests.mock_ortto.conftest import KEY


def _seed(live: RunningMock, count: int) -> None:
    for start in range(0, count, 500):  # at most 500 items per batch
        items = [{"user_id": f"u{i}"} for i in range(start, min(count, start + 500))]
        assert live.client().post("/identify", json=items).json() == {"errors": []}


def test_contacts_are_paginated_in_creation_order(live: RunningMock) -> None:
    _seed(live, 5)
    http = live.admin.http
    first = http.get("/_mock/contacts", params={"api_key": KEY, "limit": 2}).json()
    assert [c["user_id"] for c in first["contacts"]] == ["u0", "u1"]
    assert first["next_offset"] == 2
    last = http.get("/_mock/contacts", params={"api_key": KEY, "offset": 4, "limit": 2}).json()
    assert [c["user_id"] for c in last["contacts"]] == ["u4"]
    assert last["next_offset"] is None
    exact = http.get("/_mock/contacts", params={"api_key": KEY, "offset": 3, "limit": 2}).json()
    assert exact["next_offset"] is None  # no empty page after the last full one


def test_admin_client_follows_pages(live: RunningMock) -> None:
    _seed(live, 1005)  # more than the default page of 1000
    contacts = live.admin.contacts()
    assert [c["user_id"] for c in contacts] == [f"u{i}" for i in range(1005)]


def test_activities_memberships_and_timeline_pages(live: RunningMock) -> None:
    client = live.client()
    audience = client.post("/audiences/create", json={"name": "A"}).json()["id"]
    events = [{"user_id": f"u{i}", "event": "E", "message_id": f"m{i}"} for i in range(3)]
    client.post("/track", json=events)
    members = [
        {"user_id": f"u{i}", "traits": {}, "audience": {"mode": "add", "id": audience}}
        for i in range(3)
    ]
    assert client.put("/audiences/members", json=members).json() == {"errors": []}
    http = live.admin.http
    for path, field in (
        ("activities", "activities"),
        ("memberships", "memberships"),
        ("timeline", "events"),
    ):
        page = http.get(f"/_mock/{path}", params={"api_key": KEY, "offset": 1, "limit": 1}).json()
        assert len(page[field]) == 1, path
        assert page["next_offset"] == 2, path


def test_bad_page_parameters_are_400(live: RunningMock) -> None:
    http = live.admin.http
    for params in ({"limit": "0"}, {"limit": "10001"}, {"offset": "-1"}, {"limit": "x"}):
        response = http.get("/_mock/contacts", params={"api_key": KEY, **params})
        assert response.status_code == 400, params
        assert "must be an integer" in response.json()["error"]


def test_account_counts(live: RunningMock) -> None:
    _seed(live, 7)
    live.client().post("/track", json=[{"user_id": "u1", "event": "E"}])
    rows = live.admin.http.get("/_mock/accounts").json()["accounts"]
    assert [(r["contacts"], r["activities"], r["audiences"]) for r in rows] == [(7, 1, 0)]


def test_pages_stay_in_order_after_a_merge(live: RunningMock) -> None:
    client = live.client()
    client.post("/identify", json=[{"anonymous_id": "a1"}, {"user_id": "u1"}, {"user_id": "u2"}])
    client.post("/identify", json=[{"user_id": "u2", "anonymous_id": "a1"}])  # a1 merges away
    client.post("/identify", json=[{"user_id": "u3"}])
    whole = live.admin.http.get("/_mock/contacts", params={"api_key": KEY}).json()["contacts"]
    assert [c["user_id"] for c in whole] == ["u1", "u2", "u3"]
    paged = [
        live.admin.http.get(
            "/_mock/contacts", params={"api_key": KEY, "offset": i, "limit": 1}
        ).json()["contacts"][0]["user_id"]
        for i in range(3)
    ]
    assert paged == ["u1", "u2", "u3"]
