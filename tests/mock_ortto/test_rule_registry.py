"""Every rule id the mock emits is in the one registry, :data:`mock_ortto.rules.RULES`.

A broad scenario over real HTTP collects every id the mock sends (``X-Mock-Rule`` headers,
journal entries, per-item errors, decisions, membership timelines); a source scan catches ids
the scenario would miss.
"""

from __future__ import annotations

import ast
import re
import socket
from pathlib import Path
from typing import Any

import httpx

from mock_ortto import rules
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.testing import RunningMock
from tests.mock_ortto.conftest import KEY

PACKAGE = Path(__file__).resolve().parents[2] / "mock_ortto"
TOKEN = "registry-token"
DOTTED = re.compile(r"[a-z]+(?:\.[a-z0-9_]+)+")
NOT_RULES = {"gunicorn.socket", "werkzeug.socket", "pyproject.toml"}


class Recorder:
    """Sends requests and keeps every rule id the answers name."""

    def __init__(self, running: RunningMock) -> None:
        self.base = running.base_url
        self.seen: set[str] = set()

    def send(self, method: str, path: str, token: bool = True, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if path.startswith("/v1"):
            headers.setdefault("Authorization", f"Bearer {KEY}")
        elif token:
            headers["X-Mock-Admin-Token"] = TOKEN
        answer = httpx.request(method, self.base + path, headers=headers, **kwargs)
        if "X-Mock-Rule" in answer.headers:
            self.seen.add(answer.headers["X-Mock-Rule"])
        return answer

    def raw(self, data: bytes) -> None:
        """Send bytes the HTTP client would not, keep the rule of the answer."""
        host, port = self.base.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(data)
            head = sock.recv(65536).split(b"\r\n\r\n", 1)[0].decode("latin-1")
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "x-mock-rule":
                self.seen.add(value.strip())

    def collect_records(self) -> None:
        entries = self.send("GET", "/_mock/journal", params={"limit": "100000"}).json()
        for entry in entries["entries"]:
            self.seen.add(entry["rule"])
            self.seen.update(e["rule"] for e in entry["item_errors"])
            self.seen.update(d["rule"] for d in entry["decisions"])
        events = self.send("GET", "/_mock/timeline", params={"api_key": KEY}).json()["events"]
        self.seen.update(event["rule"] for event in events)


def _configure(r: Recorder, **changes: Any) -> None:
    assert r.send("PATCH", "/_mock/config", json=changes).status_code == 200


def _members(r: Recorder, audience: str, mode: str, user: str = "m1") -> None:
    item = {"user_id": user, "audience": {"mode": mode, "id": audience}, "traits": {}}
    assert r.send("PUT", "/v1/audiences/members", json=[item]).status_code == 200


def _scenario(r: Recorder) -> None:
    r.send("POST", "/_mock/clock", json={"action": "freeze", "at": "2024-05-01T10:00:00Z"})
    r.send("GET", "/v1/me", headers={"Authorization": "Bearer nope"})
    r.send("GET", "/v1/me")
    r.send("GET", "/v1/nothing")
    r.send("GET", "/v1/identify")
    r.send("POST", "/v1/identify", content=b"{")
    deep: dict[str, Any] = {}
    for _ in range(40):
        deep = {"n": deep}
    bad_items = [{}, {"user_id": 5}, {"user_id": "d", "traits": deep}]
    bad_items.append({"user_id": "u", "audience": {"mode": "add", "id": "aud_9999"}})
    r.send("POST", "/v1/identify", json=bad_items)
    audience = r.send("POST", "/v1/audiences/create", json={"name": "A"}).json()["id"]
    r.send("POST", "/v1/audiences/create", json={"name": "A"})
    r.send("POST", "/v1/audiences/create", json={"name": "x" * 300})
    r.send("POST", "/v1/audiences/create", json={"nom": "A"})
    r.send("POST", "/v1/audiences/get", json={"id": "aud_4242"})
    event = {"user_id": "t", "event": "E", "message_id": "m", "timestamp": "2024-05-01T10:00:00Z"}
    r.send("POST", "/v1/track", json=[event, event])
    r.send("POST", "/v1/identify", json=[{"anonymous_id": "a1"}])
    _members(r, audience, "add", user="")  # no identity: per-item error only
    r.send(
        "PUT",
        "/v1/audiences/members",
        json=[{"anonymous_id": "a1", "audience": {"mode": "add", "id": audience}, "traits": {}}],
    )
    r.send("POST", "/v1/identify", json=[{"user_id": "u1"}])
    r.send("POST", "/v1/identify", json=[{"user_id": "u1", "anonymous_id": "a1"}])  # merge
    _members(r, audience, "add")
    _members(r, audience, "remove")
    _members(r, audience, "add")  # re-entry inside the block: blocked
    r.send("POST", "/_mock/clock", json={"action": "advance", "seconds": 86400})
    _configure(r, churn_policy="flap", flap_max_changes=1)
    _members(r, audience, "remove", user="f1")
    _members(r, audience, "add", user="f1")
    _members(r, audience, "remove", user="f1")
    _configure(r, max_items=1, max_body_bytes=10)
    r.send("POST", "/v1/identify", json=[{"user_id": "a"}, {"user_id": "b"}])
    r.send("POST", "/v1/identify", json=[{"user_id": "a" * 20}])
    _configure(r, max_items=500, max_body_bytes=2097152)
    # bodies, inspection and the HTTP layer (docs/reliability.md)
    r.send("POST", "/v1/identify", content=b"[]", headers={"Content-Type": "text/plain"})
    r.send("POST", "/v1/identify", content="[]".encode("utf-16"))
    r.send("POST", "/v1/identify", json=[{"user_id": "ok"}, {}])
    r.send("PUT", "/_mock/state", content=b"[" * 200 + b"]" * 200)
    r.send("GET", "/_mock/contacts", params={"api_key": "nope"})
    r.send("GET", "/_mock/faults", params={"unknown": "1"})
    r.send("GET", "/_mock/health", headers={"X-Big": "a" * 70000})
    r.raw(b"POST /v1/identify HTTP/1.1\r\nHost: m\r\nContent-Length: twelve\r\n\r\n")
    r.raw(b"PUT /_mock/state HTTP/1.1\r\nHost: m\r\nContent-Length: 999999999\r\n\r\n")
    r.send("POST", "/_mock/faults", json={"status": 503})
    r.send("GET", "/v1/me")
    r.send("POST", "/_mock/faults", json={"item_errors": [{"index": 0}]})
    r.send("POST", "/v1/identify", json=[{"user_id": "i"}])
    r.send("GET", "/_mock/config", token=False)
    r.send("POST", "/_mock/clock", json={"action": "set", "at": "0000-01-01T00:00:00Z"})
    r.send("GET", "/_mock/journal/999999")
    _configure(r, rate_limit=True, rate_plan="free")
    for _ in range(21):
        r.send("GET", "/v1/me")
    _configure(r, rate_plan="gold", rate_windows={"gold": [[10, 1]]})
    r.send("GET", "/v1/me")
    r.send("GET", "/v1/me")


def test_every_rule_id_the_mock_emits_is_registered(mock_ortto_factory) -> None:  # type: ignore[no-untyped-def]
    running = mock_ortto_factory(ServerConfig(admin_token=TOKEN, settings=Settings()))
    recorder = Recorder(running)
    _scenario(recorder)
    recorder.collect_records()
    unregistered = {rule_id for rule_id in recorder.seen if rules.find(rule_id) is None}
    assert unregistered == set()
    assert {"rate.free.10s", "rate.gold.10s"} <= recorder.seen
    assert rules.find("rate.gold.10s") == rules.RULES_BY_ID["rate.window"]
    own = {rule.id for rule in rules.RULES if rule.setting is None} - {"rate.window"}
    # these need serve options a default server does not have (a read timeout of seconds, a
    # small connection limit): tests/mock_ortto/test_hostile.py reaches them
    needs_options = {"http.read_timeout", "http.connection_limit"}
    assert own - needs_options - recorder.seen == set()  # the scenario reaches every other


def _rule_strings() -> dict[str, set[str]]:
    """Every dotted lower-case string literal in the mock's code, with where it is."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("rules.py", "settings.py") or "openapi" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and DOTTED.fullmatch(text) and text not in NOT_RULES:
                found.setdefault(text, set()).add(path.name)
    return found


def test_every_rule_id_in_the_code_is_registered() -> None:
    literals = _rule_strings()
    assert "request.invalid" in literals  # the scan sees the code's ids
    missing = {rule_id: where for rule_id, where in literals.items() if rules.find(rule_id) is None}
    assert missing == {}, "register these in mock_ortto/rules.py (or list them in NOT_RULES)"


def test_journal_explanations_come_from_the_registry(live: RunningMock) -> None:
    live.client().get("/nothing")
    (entry,) = live.admin.journal(1)
    assert entry["rule"] == "route.unknown"
    assert entry["explain"] == rules.RULES_BY_ID["route.unknown"].summary
