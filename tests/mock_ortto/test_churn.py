"""Churn protection timelines on the mock clock, for each policy and both stores."""

from __future__ import annotations

from typing import Any

import httpx

from mock_ortto.testing import RunningMock
from tests.mock_ortto.conftest import KEY


def _setup(live: RunningMock) -> tuple[httpx.Client, str]:
    client = live.client(KEY)
    audience = client.post("/audiences/create", json={"name": "Churners"}).json()
    return client, audience["id"]


def _member(client: httpx.Client, audience_id: str, mode: str, user: str = "u-1") -> None:
    item: dict[str, Any] = {
        "user_id": user,
        "audience": {"mode": mode, "id": audience_id},
        "traits": {},
    }
    response = client.put("/audiences/members", json=[item])
    assert response.status_code == 200
    assert response.json() == {"errors": []}


def _kinds(live: RunningMock, audience_id: str) -> list[str]:
    return [e["kind"] for e in live.admin.timeline(KEY, audience_id=audience_id)]


def _is_member(live: RunningMock, audience_id: str) -> bool:
    rows = live.admin.memberships(KEY, audience_id=audience_id)
    assert len(rows) == 1
    return bool(rows[0]["member"])


def test_reentry_after_30s_is_blocked_until_reconciliation(live: RunningMock) -> None:
    client, aud = _setup(live)
    _member(client, aud, "add")
    live.admin.advance(5)
    _member(client, aud, "remove")
    live.admin.advance(30)
    _member(client, aud, "add")
    assert _kinds(live, aud) == ["entered", "exited", "blocked"]
    assert _is_member(live, aud) is False
    row = live.admin.memberships(KEY, audience_id=aud)[0]
    assert row["pending"] == "add"
    clock = live.admin.advance(86400)  # crosses UTC midnight
    assert clock["reconciled"] == 1
    events = live.admin.timeline(KEY, audience_id=aud)
    assert [e["kind"] for e in events][-1] == "reconciled"
    assert events[-1]["at"] == "2024-05-02T00:00:00.000Z"
    assert _is_member(live, aud) is True


def test_reentry_after_61s_applies_in_real_time(live: RunningMock) -> None:
    client, aud = _setup(live)
    _member(client, aud, "add")
    _member(client, aud, "remove")
    live.admin.advance(61)
    _member(client, aud, "add")
    assert _kinds(live, aud) == ["entered", "exited", "entered"]
    assert _is_member(live, aud) is True


def test_exactly_60s_is_still_within_the_minute(live: RunningMock) -> None:
    client, aud = _setup(live)
    _member(client, aud, "add")
    _member(client, aud, "remove")
    live.admin.advance(60)
    _member(client, aud, "add")
    assert _kinds(live, aud)[-1] == "blocked"


def test_latest_instruction_wins_at_reconciliation(live: RunningMock) -> None:
    client, aud = _setup(live)
    _member(client, aud, "add")
    _member(client, aud, "remove")
    live.admin.advance(10)
    _member(client, aud, "add")  # blocked, pending add
    live.admin.advance(10)
    _member(client, aud, "remove")  # cancels the pending add
    live.admin.advance(86400)
    assert _kinds(live, aud) == ["entered", "exited", "blocked", "unchanged"]
    assert _is_member(live, aud) is False


def test_reconciliation_runs_at_the_day_boundary_only(live: RunningMock) -> None:
    client, aud = _setup(live)
    _member(client, aud, "add")
    _member(client, aud, "remove")
    _member(client, aud, "add")
    live.admin.set_time("2024-05-01T23:59:59Z")
    assert _is_member(live, aud) is False
    live.admin.advance(1)
    assert _is_member(live, aud) is True


def test_identify_audience_object_also_drives_membership(live: RunningMock) -> None:
    client, aud = _setup(live)
    base = {"user_id": "u-9", "traits": {}, "audience_update_mode": "add"}
    r = client.post("/identify", json=[{**base, "audience": {"mode": "add", "id": aud}}])
    assert r.json() == {"errors": []}
    r = client.post(
        "/track",
        json=[
            {
                **base,
                "event": "Left",
                "audience_update_mode": "remove",
                "audience": {"mode": "remove", "id": aud},
            }
        ],
    )
    assert r.json() == {"errors": []}
    r = client.post("/identify", json=[{**base, "audience": {"mode": "add", "id": aud}}])
    assert [e["kind"] for e in live.admin.timeline(KEY, audience_id=aud)] == [
        "entered",
        "exited",
        "blocked",
    ]
    decisions = live.admin.journal(1)[0]["decisions"]
    assert decisions[0]["rule"] == "churn.reentry_block_seconds"


def test_flap_policy_defers_changes_beyond_the_limit(live: RunningMock) -> None:
    live.admin.configure(churn_policy="flap")
    try:
        client, aud = _setup(live)
        _member(client, aud, "add")
        live.admin.advance(1)
        _member(client, aud, "remove")
        live.admin.advance(1)
        _member(client, aud, "add")  # third change within 60 s
        assert _kinds(live, aud) == ["entered", "exited", "deferred"]
        live.admin.advance(61)
        _member(client, aud, "remove")  # window passed, but state already "out": unchanged
        _member(client, aud, "add")  # applies in real time now
        assert _kinds(live, aud)[-1] == "entered"
    finally:
        live.admin.configure(churn_policy="reentry")


def test_flap_policy_reconciles_at_midnight(live: RunningMock) -> None:
    live.admin.configure(churn_policy="flap", flap_max_changes=1, flap_window_seconds=600)
    try:
        client, aud = _setup(live)
        _member(client, aud, "add")
        _member(client, aud, "remove")
        assert _kinds(live, aud) == ["entered", "deferred"]
        assert _is_member(live, aud) is True
        live.admin.advance(86400)
        assert _is_member(live, aud) is False
        assert _kinds(live, aud)[-1] == "reconciled"
    finally:
        live.admin.reset()


def test_policy_off_applies_everything(live: RunningMock) -> None:
    live.admin.configure(churn_policy="off")
    try:
        client, aud = _setup(live)
        for mode in ("add", "remove", "add", "remove", "add"):
            _member(client, aud, mode)
        assert _kinds(live, aud) == ["entered", "exited", "entered", "exited", "entered"]
    finally:
        live.admin.reset()


def test_durations_are_configurable(live: RunningMock) -> None:
    live.admin.configure(reentry_block_seconds=5)
    try:
        client, aud = _setup(live)
        _member(client, aud, "add")
        _member(client, aud, "remove")
        live.admin.advance(6)
        _member(client, aud, "add")
        assert _kinds(live, aud)[-1] == "entered"
    finally:
        live.admin.reset()


def test_real_time_clock_by_default(mock_ortto: RunningMock) -> None:
    import time

    before = time.time()
    now = mock_ortto.admin.clock()
    assert now["frozen"] is False
    assert abs(now["now_unix"] - before) < 5


def test_unchanged_instructions_of_one_batch_are_journalled_with_their_own_wording(
    live: RunningMock,
) -> None:
    client, aud = _setup(live)
    _member(client, aud, "add", user="u-a")
    live.admin.advance(5)
    _member(client, aud, "remove", user="u-a")
    live.admin.advance(30)
    _member(client, aud, "add", user="u-a")  # blocked: an 'add' waits for the reconciliation

    def item(user: str, mode: str) -> dict[str, Any]:
        return {"user_id": user, "audience": {"mode": mode, "id": aud}, "traits": {}}

    batch = [
        item("u-b", "remove"),  # never a member
        item("u-c", "remove"),
        item("u-a", "remove"),  # not a member, and cancels the blocked 'add'
        item("u-b", "add"),  # entered: not journalled as a decision
        item("u-b", "add"),
        item("u-c", "remove"),
    ]
    response = client.put("/audiences/members", json=batch)
    assert response.json() == {"errors": []}
    decisions = live.admin.journal(1)[0]["decisions"]
    assert decisions == [
        {"index": 0, "rule": "churn.applied", "detail": "unchanged: not a member"},
        {"index": 1, "rule": "churn.applied", "detail": "unchanged: not a member"},
        {
            "index": 2,
            "rule": "churn.applied",
            "detail": "unchanged: not a member; cancels the deferred 'add'",
        },
        {"index": 4, "rule": "churn.applied", "detail": "unchanged: already a member"},
        {"index": 5, "rule": "churn.applied", "detail": "unchanged: not a member"},
    ]
    assert live.admin.memberships(KEY, audience_id=aud)[0]["pending"] is None
