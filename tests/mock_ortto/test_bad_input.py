"""Bad input over real HTTP: always a clear 4xx with a JSON body, never a 5xx."""

from __future__ import annotations

import json
import math
import re
import socket

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_ortto.testing import RunningMock
from tests.mock_ortto.conftest import KEY

AUTH = {"Authorization": f"Bearer {KEY}"}
PATHS = [
    ("POST", "/v1/identify"),
    ("POST", "/v1/track"),
    ("PUT", "/v1/audiences/members"),
    ("POST", "/v1/audiences/create"),
    ("POST", "/v1/audiences/get"),
]


def _check(response: httpx.Response, expected: set[int]) -> None:
    assert response.status_code in expected, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    if response.status_code >= 400:
        assert body["error"], body


BATCH_PATHS = PATHS[:3]
NOT_JSON = [
    b"",
    b"{",
    b"[1,",
    b"NaN",
    b"[NaN]",
    b'[{"user_id": "u", "traits": {"x": 1e400}}]',
]
NOT_UTF8 = [  # a BOM too: bodies are UTF-8 JSON text without one (docs/mock/choices.md)
    b"\x00\xff\xfe\x89PNG\r\n",
    b"\xef\xbb\xbf[]",
    '[{"user_id": "u"}]'.encode("utf-16"),
]
TOO_DEEP = [b"[" * 200000, b'{"a":' * 5000 + b"1" + b"}" * 5000]
NOT_AN_ARRAY = [b'"just a string"', b"null", b"123", b"{}"]
AUDIENCE_PATHS = PATHS[3:]
BODY_CASES = [
    *((m, p, raw, 400, "payload.json_array") for m, p in PATHS for raw in NOT_JSON),
    *((m, p, raw, 400, "payload.utf8") for m, p in PATHS for raw in NOT_UTF8),
    *((m, p, raw, 400, "payload.max_json_depth") for m, p in PATHS for raw in TOO_DEEP),
    *((m, p, raw, 400, "payload.json_array") for m, p in BATCH_PATHS for raw in NOT_AN_ARRAY),
    *(
        (m, p, raw, 400, "request.invalid")
        for m, p in AUDIENCE_PATHS
        for raw in [*NOT_AN_ARRAY[:3], b"[]"]
    ),
]


@pytest.mark.parametrize(("method", "path", "raw", "status", "rule"), BODY_CASES)
def test_each_odd_body_gets_its_one_answer(
    live: RunningMock, method: str, path: str, raw: bytes, status: int, rule: str
) -> None:
    r = httpx.request(method, live.base_url + path, content=raw, headers=AUTH)
    _check(r, {status})
    assert r.headers["X-Mock-Rule"] == rule


def test_messages_say_what_is_wrong(live: RunningMock) -> None:
    url = live.base_url + "/v1/identify"
    r = httpx.post(url, content=b"{}", headers=AUTH)
    assert "JSON array" in r.json()["error"] and "object" in r.json()["error"]
    r = httpx.post(url, content=b"[1,", headers=AUTH)
    assert "not valid JSON" in r.json()["error"]
    r = httpx.post(url, content=b"", headers=AUTH)
    assert "empty" in r.json()["error"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic cGF1LWtleQ=="},
        {"Authorization": "Bearer pa-key"},
        {"Authorization": "Bearer paus-key"},
        {"Authorization": "Bearer p a-key"},
        {"Authorization": "Bearer " + "x" * 10000},
        {"Authorization": "Bearer pau-key", "Content-Type": "text/plain"},
    ],
)
def test_odd_headers(live: RunningMock, headers: dict[str, str]) -> None:
    r = httpx.post(live.base_url + "/v1/identify", json=[{"user_id": "u"}], headers=headers)
    if headers.get("Authorization") != "Bearer pau-key":
        expected = {401}
    else:  # a body declared as anything but JSON is refused (see docs/mock/choices.md)
        expected = {415} if headers.get("Content-Type") == "text/plain" else {200}
    _check(r, expected)


def test_huge_strings_and_wrong_types(live: RunningMock) -> None:
    client = live.client()
    items = [
        {"user_id": "u" * 200000},
        {"user_id": ["list"]},
        {"user_id": "u", "traits": {"k" * 1000: "v" * 100000}},
        {"user_id": "u", "batch_size": "500"},
        {"user_id": None, "anonymous_id": None},
        {"user_id": "u", "location": []},
        {"user_id": "u", "audience": "aud_0001"},
        {"user_id": "\u0000\u202e"},
    ]
    r = client.post("/identify", json=items)
    _check(r, {200})
    assert [e["index"] for e in r.json()["errors"]] == [1, 3, 4, 5, 6]


def test_unknown_path_and_wrong_method(live: RunningMock) -> None:
    r = httpx.get(live.base_url + "/v1/nothing", headers=AUTH)
    _check(r, {404})
    r = httpx.get(live.base_url + "/v1/identify", headers=AUTH)
    _check(r, {405})
    assert "POST" in r.headers["Allow"]
    r = httpx.delete(live.base_url + "/_mock/state")
    _check(r, {405})


def test_admin_bad_bodies(live: RunningMock) -> None:
    for path, body in [
        ("/_mock/clock", {"action": "warp"}),
        ("/_mock/clock", {"action": "set"}),
        ("/_mock/faults", {"status": 42}),
        ("/_mock/state", {"format": "other"}),
    ]:
        method = "PUT" if path == "/_mock/state" else "POST"
        _check(httpx.request(method, live.base_url + path, json=body), {400})
    _check(httpx.patch(live.base_url + "/_mock/config", content=b"[", headers={}), {400})
    _check(httpx.get(live.base_url + "/_mock/contacts"), {400})
    _check(httpx.get(live.base_url + "/_mock/journal?limit=abc"), {400})
    _check(
        httpx.post(
            live.base_url + "/_mock/clock",
            json={"action": "set", "at": "9999-12-31T23:59:59-23:00"},
        ),
        {409},
    )


def test_huge_content_length_claim(live: RunningMock) -> None:
    with socket.create_connection((live.server.host, live.server.port)) as sock:
        sock.sendall(
            b"POST /v1/identify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pau-key\r\n"
            b"Content-Type: application/json\r\nContent-Length: 999999999999\r\n\r\n[]"
        )
        sock.settimeout(5)
        data = sock.recv(4096)
    assert data.split(b" ", 2)[1] == b"413"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_fuzzed_json_gets_its_one_right_answer(live: RunningMock, body: object) -> None:
    for method, path in PATHS:
        r = httpx.request(method, live.base_url + path, json=body, headers=AUTH)
        _check(r, {_expected_status(live, path, body)})


def _only(body: object, key: str) -> str | None:
    """``body[key]`` when ``body`` is an object with that one string key, else ``None``."""
    if isinstance(body, dict) and list(body) == [key] and isinstance(body[key], str):
        return body[key]
    return None


def _expected_status(live: RunningMock, path: str, body: object) -> int:
    if path in (p for _, p in BATCH_PATHS):
        return 200 if isinstance(body, list) else 400
    if path == "/v1/audiences/create":
        name = _only(body, "name")
        return 200 if name is not None and re.search(r"\S", name) and len(name) <= 255 else 400
    audience_id = _only(body, "id")
    if audience_id is None or not 1 <= len(audience_id) <= 1000:
        return 400
    known = {a["id"] for a in live.admin.audiences(KEY)}
    return 200 if audience_id in known else 404


def _reject(token: str) -> object:
    raise ValueError(token)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(text)
    return value


def expected_batch_status(raw: bytes) -> int:
    """The one right answer to a batch body: 200 for a JSON array, else 400 (Python's parser
    is the oracle: strict, no NaN/Infinity, no out-of-range numbers, UTF-8 without a BOM)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return 400
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_reject, parse_float=_finite)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return 400
    return 200 if isinstance(body, list) else 400


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=300) | st.sampled_from([b"[]", b"[1]", b" [ ] ", b"[{}]"]))
def test_fuzzed_bytes_get_the_answer_their_parse_decides(live: RunningMock, raw: bytes) -> None:
    r = httpx.post(live.base_url + "/v1/identify", content=raw, headers=AUTH)
    _check(r, {expected_batch_status(raw)})


def test_lone_surrogate_escapes_get_a_clear_4xx_and_break_nothing(live: RunningMock) -> None:
    """Unpaired surrogates (\\udXXX escapes) cannot be stored: per-item 400, nothing lost."""
    client = live.client()
    json_headers = {"content-type": "application/json"}
    raw = b'[{"user_id":"ok"},{"user_id":"u","traits":{"k":"\\udc00"}}]'
    response = client.post("/identify", content=raw, headers=json_headers)
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["index"] == 1 and error["status"] == 400
    assert "item.traits.k holds an unpaired UTF-16 surrogate" in error["message"]
    for path, body in (
        ("/audiences/create", b'{"name":"x\\ud800"}'),
        ("/audiences/get", b'{"id":"\\ud800"}'),
    ):
        answer = client.post(path, content=body, headers=json_headers)
        assert answer.status_code == 400, path
        assert "unpaired UTF-16 surrogate" in answer.json()["error"]
    assert [c["user_id"] for c in live.admin.contacts(KEY)] == ["ok"]
    assert live.admin.audiences(KEY) == []
    assert live.admin.snapshot()  # the whole state still exports


def test_journal_ids_beyond_any_store_are_not_found(live: RunningMock) -> None:
    answer = live.admin.http.get("/_mock/journal/99999999999999999999999")
    assert answer.status_code == 404
