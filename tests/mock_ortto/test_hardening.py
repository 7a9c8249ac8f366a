"""Issue 10 and the admin API of issue 7, against a live server on both stores."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest

from mock_ortto import rules
from mock_ortto.auth import redact
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.settings import SETTINGS_BY_NAME
from mock_ortto.store import open_store
from mock_ortto.testing import RunningMock, start_mock
from tests.mock_ortto.conftest import KEY

JSON_HEADERS = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}


def _post(live: RunningMock, path: str, raw: bytes, **headers: str) -> httpx.Response:
    return httpx.post(
        live.base_url + path, content=raw, headers={**JSON_HEADERS, **headers}, timeout=30
    )


def _nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"n": value}
    return value


# --- body text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ('[{"user_id": "u1"}]'.encode("utf-16"), "byte-order mark"),
        ('[{"user_id": "u1"}]'.encode("utf-16-le"), "NUL bytes"),
        ('[{"user_id": "u1"}]'.encode("utf-32"), "byte-order mark"),
        ('[{"user_id": "u1"}]'.encode("utf-32-be"), "NUL bytes"),
        (b"\xef\xbb\xbf" + b'[{"user_id": "u1"}]', "byte-order mark"),
        (b'[{"user_id": "caf\xe9"}]', "not UTF-8"),
    ],
)
def test_bodies_that_are_not_utf8_are_refused(live: RunningMock, raw: bytes, needle: str) -> None:
    answer = _post(live, "/v1/identify", raw)
    assert answer.status_code == 400
    assert answer.headers["X-Mock-Rule"] == "payload.utf8"
    assert needle in answer.json()["error"]
    assert live.admin.contacts(KEY) == []  # known (it authenticated), nothing stored


def test_numbers_are_stored_alike_whatever_else_is_in_the_batch(live: RunningMock) -> None:
    big = "123456789012345678901234567890"
    alone = f'[{{"user_id": "a", "traits": {{"n": {big}, "m": 18446744073709551615}}}}]'
    # a lone surrogate in another item sends the body through the other parser
    mixed = (
        f'[{{"user_id": "b", "traits": {{"n": {big}, "m": 18446744073709551615}}}},'
        ' {"user_id": "\\ud800"}]'
    )
    assert _post(live, "/v1/identify", alone.encode()).json() == {"errors": []}
    assert _post(live, "/v1/identify", mixed.encode()).json()["errors"][0]["index"] == 1
    traits = {c["user_id"]: c["traits"] for c in live.admin.contacts(KEY)}
    assert traits["a"] == traits["b"] == {"n": 1.2345678901234568e29, "m": 18446744073709551615}


# --- Content-Type --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("application/json", 200),
        ("application/json; charset=utf-8", 200),
        ("Application/JSON; charset=UTF-8", 200),
        ("application/vnd.segment+json", 200),
        ("text/plain", 415),
        ("application/x-www-form-urlencoded", 415),
        ("application/json; charset=latin-1", 415),
    ],
)
def test_content_type(live: RunningMock, content_type: str, status: int) -> None:
    answer = _post(live, "/v1/identify", b'[{"user_id": "u1"}]', **{"Content-Type": content_type})
    assert answer.status_code == status
    if status == 415:
        assert answer.headers["X-Mock-Rule"] == "payload.content_type"
        assert "application/json" in answer.json()["error"]
        admin = httpx.post(
            live.base_url + "/_mock/clock",
            content=b'{"action": "resume"}',
            headers={"Content-Type": content_type},
            timeout=30,
        )
        assert admin.status_code == 415


def test_a_body_without_content_type_is_read_as_json(live: RunningMock) -> None:
    answer = httpx.post(
        live.base_url + "/v1/identify",
        content=b'[{"user_id": "u1"}]',
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=30,
    )
    assert answer.status_code == 200 and answer.json() == {"errors": []}


# --- what X-Mock-Rule says about a batch ---------------------------------------------------


def test_the_rule_header_does_not_say_accepted_when_items_were_refused(live: RunningMock) -> None:
    client = live.client()
    segment_shaped = client.post("/identify", json=[{"type": "identify", "userId": "u1"}])
    assert segment_shaped.status_code == 200
    assert segment_shaped.headers["X-Mock-Rule"] == "batch.refused"
    mixed = client.post("/identify", json=[{"user_id": "u1"}, {"userId": "u2"}])
    assert mixed.headers["X-Mock-Rule"] == "batch.partial"
    clean = client.post("/identify", json=[{"user_id": "u3"}])
    assert clean.headers["X-Mock-Rule"] == "accepted"
    rules_seen = [e["rule"] for e in live.admin.journal(3)]
    assert rules_seen == ["accepted", "batch.partial", "batch.refused"]
    for rule in ("batch.partial", "batch.refused"):
        assert rule in rules.RULES_BY_ID


# --- admin inspection ------------------------------------------------------------------------


def test_an_unknown_account_is_404_with_the_known_ones(live: RunningMock) -> None:
    live.client().post("/identify", json=[{"user_id": "u1"}])
    for what in ("contacts", "activities", "audiences", "memberships", "timeline"):
        answer = live.admin.http.get(f"/_mock/{what}", params={"api_key": "nope"})
        assert answer.status_code == 404, what
        assert answer.headers["X-Mock-Rule"] == "account.unknown"
        assert answer.json() == {
            "error": f"no account with api_key {redact('nope')}",
            "known_accounts": [redact(KEY)],
        }


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/_mock/contacts", {"api_key": KEY, "path": "/v1/identify"}),
        ("/_mock/activities", {"api_key": KEY, "user_id": "u1"}),
        ("/_mock/audiences", {"api_key": KEY, "limit": "1"}),
        ("/_mock/memberships", {"api_key": KEY, "status": "200"}),
        ("/_mock/timeline", {"api_key": KEY, "rule": "x"}),
        ("/_mock/journal", {"api_key": KEY}),
        ("/_mock/accounts", {"limit": "1"}),
        ("/_mock/faults", {"id": "1"}),
    ],
)
def test_unknown_query_parameters_are_refused(
    live: RunningMock, path: str, params: dict[str, str]
) -> None:
    live.client().post("/identify", json=[{"user_id": "u1"}])
    answer = live.admin.http.get(path, params=params)
    assert answer.status_code == 400
    assert answer.headers["X-Mock-Rule"] == "admin.query"
    unknown = [k for k in params if k not in ("api_key",) or path.endswith("journal")]
    assert answer.json()["error"].startswith(f"unknown query parameter {unknown[-1]} on {path}")


def test_the_journal_filters_by_path_status_and_rule(live: RunningMock) -> None:
    client = live.client()
    client.post("/identify", json=[{"user_id": "u1"}])
    client.post("/track", json=[{"user_id": "u1"}])  # refused: no event
    client.get("/me")
    client.post("/identify", content=b"{", headers={"Content-Type": "application/json"})

    def paths(**params: str) -> list[str]:
        answer = live.admin.http.get("/_mock/journal", params=params)
        assert answer.status_code == 200, answer.text
        return [f"{e['path']} {e['status']} {e['rule']}" for e in answer.json()["entries"]]

    assert paths(path="/v1/identify") == [
        "/v1/identify 400 payload.json_array",
        "/v1/identify 200 accepted",
    ]
    assert paths(status="400") == ["/v1/identify 400 payload.json_array"]
    assert paths(rule="batch.refused") == ["/v1/track 200 batch.refused"]
    assert paths(path="/v1/identify", status="200", limit="1") == ["/v1/identify 200 accepted"]
    assert live.admin.http.get("/_mock/journal", params={"status": "9"}).status_code == 400


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"action": "jump"}, "body.action must be one of freeze, resume, set, advance ('jump')"),
        ({}, "body.action must be one of freeze, resume, set, advance (missing)"),
        ({"action": "set"}, "action set needs body.at"),
        ({"action": "advance", "seconds": -5}, "body.seconds must be a number from 0 to"),
        ({"action": "advance", "at": "x"}, "action advance does not take at (it takes seconds)"),
        ({"action": "set", "at": "tomorrow"}, "body.at must be an RFC 3339 date-time"),
        ({"action": {}}, "body.action must be one of"),
    ],
)
def test_clock_errors_name_the_field(live: RunningMock, body: Any, message: str) -> None:
    answer = live.admin.http.post("/_mock/clock", json=body)
    assert answer.status_code == 400
    assert answer.json()["error"].startswith(message)


@pytest.mark.parametrize("path", ["/", "/_mock/", "/_mock"])
def test_index_in_json_and_html(live: RunningMock, path: str) -> None:
    as_json = httpx.get(live.base_url + path, timeout=30)
    assert as_json.status_code == 200
    links = as_json.json()["links"]
    assert links["openapi"] == "/openapi.json"
    for url in links.values():  # every link answers
        assert httpx.get(live.base_url + url, timeout=30).status_code == 200, url
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    as_html = httpx.get(live.base_url + path, headers=browser, timeout=30)
    assert as_html.headers["Content-Type"].startswith("text/html")
    assert '<a href="/openapi.json">openapi</a>' in as_html.text


def test_accounts_are_counted(live: RunningMock) -> None:
    client = live.client()
    client.post("/identify", json=[{"user_id": f"u{i}"} for i in range(3)])
    client.post("/track", json=[{"user_id": "u1", "event": "e"}])
    client.post("/audiences/create", json={"name": "A"})
    answer = live.admin.http.get("/_mock/accounts").json()
    assert answer == {
        "accounts": [{"api_key": redact(KEY), "contacts": 3, "activities": 1, "audiences": 1}]
    }


# --- depth -----------------------------------------------------------------------------------


def _snapshot_with_traits(traits: Any) -> dict[str, Any]:
    contact = {
        "id": "c_000001",
        "user_id": "u1",
        "anonymous_ids": [],
        "traits": traits,
        "location": {},
        "ip": None,
    }
    return {"format": "mock-ortto-snapshot/1", "accounts": {KEY: {"contacts": [contact]}}}


@pytest.mark.parametrize("levels", [33, 1000])
def test_a_snapshot_deeper_than_max_depth_is_refused_and_state_stays_readable(
    live: RunningMock, levels: int
) -> None:
    live.client().post("/identify", json=[{"user_id": "kept"}])
    marker = "DEEP"
    text = json.dumps(_snapshot_with_traits(marker))  # nest by hand: past json.dumps' own limit
    text = text.replace(f'"{marker}"', '{"n": ' * levels + '"leaf"' + "}" * levels)
    answer = live.admin.http.put(
        "/_mock/state", content=text.encode(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    if levels == 33:
        assert answer.headers["X-Mock-Rule"] == "payload.max_depth"
        assert answer.json()["error"] == (
            f"accounts[{redact(KEY)}].contacts[0].traits nests deeper than 32 levels"
        )
    else:
        assert answer.headers["X-Mock-Rule"] == "payload.max_json_depth"
    assert [c["user_id"] for c in live.admin.contacts(KEY)] == ["kept"]
    assert live.admin.snapshot()["accounts"][KEY]["contacts"][0]["user_id"] == "kept"


def test_max_depth_has_a_ceiling_every_store_holds(live: RunningMock) -> None:
    ceiling = SETTINGS_BY_NAME["max_depth"].maximum
    assert ceiling == 100
    too_high = live.admin.http.patch("/_mock/config", json={"max_depth": ceiling + 1})
    assert too_high.status_code == 400
    assert live.admin.configure(max_depth=ceiling)["settings"]["max_depth"] == ceiling
    deep = _nested(ceiling - 1)  # traits itself is one level
    assert live.client().post("/identify", json=[{"user_id": "u1", "traits": deep}]).json() == {
        "errors": []
    }
    snap = live.admin.snapshot()
    assert snap["accounts"][KEY]["contacts"][0]["traits"] == deep
    assert live.admin.restore(snap) == {"restored_accounts": 1}
    assert live.admin.contacts(KEY)[0]["traits"] == deep


# --- inspection never holds the write lock ---------------------------------------------------


def test_inspection_does_not_block_writers(tmp_path: Any) -> None:
    store = open_store(f"sqlite:{tmp_path / 'm.db'}")
    running = start_mock(ServerConfig(store="sqlite", settings=Settings(rate_limit=False)), store)
    try:
        client = running.client()
        client.post("/identify", json=[{"user_id": "u1"}])
        reader = open_store(f"sqlite:{tmp_path / 'm.db'}")
        outcome: list[int] = []
        with reader.reading() as txn:  # an inspection in progress, in another connection
            assert txn.count(KEY, "contacts") == 1
            worker = threading.Thread(
                target=lambda: outcome.append(
                    client.post("/identify", json=[{"user_id": "u2"}]).status_code
                )
            )
            worker.start()
            worker.join(timeout=30)
            assert outcome == [200]  # the write went through while the read was open
        assert len(running.admin.contacts(KEY)) == 2
        reader.close()
    finally:
        running.stop()


def test_admin_body_cap_applies_in_process_too() -> None:
    running = start_mock(ServerConfig(max_admin_body_bytes=1000))
    try:
        big = json.dumps(_snapshot_with_traits({"x": "y" * 2000})).encode()
        answer = running.admin.http.put(
            "/_mock/state", content=big, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 413
        assert answer.json() == {"error": "request body is larger than 1000 bytes"}
    finally:
        running.stop()


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize("at", ["0439-01-29T00:00:00Z", "9000-06-01T00:00:00Z"])
def test_any_clock_the_admin_api_sets_survives_a_snapshot(
    live: RunningMock, at: str, frozen: bool
) -> None:
    # found by the fuzz session: the snapshot schema held offsets within +-1e10 s only
    live.admin.set_time(at)
    if not frozen:
        live.admin.resume()
    snap = live.admin.snapshot()
    assert live.admin.restore(snap) == {"restored_accounts": 0}
    assert live.admin.clock()["now"][:4] == at[:4]
