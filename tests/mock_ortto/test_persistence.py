"""SQLite persistence: stop and restart; nothing acknowledged is lost."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.mock_ortto.conftest import KEY
from tests.mock_ortto.proc import ServerProcess

AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.mark.slow
def test_restart_keeps_acknowledged_state(tmp_path: Path) -> None:
    store = f"sqlite:{tmp_path / 'p.sqlite3'}"
    first = ServerProcess("--store", store)
    acknowledged = 0
    try:
        client = httpx.Client(base_url=first.base_url + "/v1", headers=AUTH, timeout=30)
        aud = client.post("/audiences/create", json={"name": "Kept"}).json()["id"]
        for b in range(20):
            r = client.post("/identify", json=[{"user_id": f"u{b}-{i}"} for i in range(10)])
            if r.status_code == 200:
                acknowledged += 10
        client.post(
            "/track",
            json=[{"user_id": "u0-0", "event": "E", "audience": {"mode": "add", "id": aud}}],
        )
        httpx.post(first.base_url + "/_mock/faults", json={"status": 503, "count": 3})
        httpx.post(
            first.base_url + "/_mock/clock", json={"action": "freeze", "at": "2030-01-01T00:00:00Z"}
        )
        client.close()
    finally:
        first.stop()
    second = ServerProcess("--store", store)
    try:
        contacts = httpx.get(second.base_url + "/_mock/contacts", params={"api_key": KEY}).json()[
            "contacts"
        ]
        assert len(contacts) == acknowledged == 200
        assert httpx.get(second.base_url + "/_mock/activities", params={"api_key": KEY}).json()[
            "activities"
        ]
        members = httpx.get(second.base_url + "/_mock/memberships", params={"api_key": KEY}).json()
        assert members["memberships"][0]["member"] is True
        assert (
            httpx.get(second.base_url + "/_mock/clock").json()["now"] == "2030-01-01T00:00:00.000Z"
        )
        assert len(httpx.get(second.base_url + "/_mock/faults").json()["faults"]) == 1
        r = httpx.post(
            second.base_url + "/v1/audiences/create", json={"name": "Next"}, headers=AUTH
        )
        assert r.status_code == 503  # the queued fault survived too
    finally:
        second.stop()


def test_cli_prints_endpoint_line_and_serves(tmp_path: Path) -> None:
    server = ServerProcess("--churn-policy", "flap", "--rate-limit", "off")
    try:
        assert server.line == f"ORTTO_LOCAL_ENDPOINT={server.base_url}"
        config = httpx.get(server.base_url + "/_mock/config").json()
        assert config["settings"]["churn_policy"] == "flap"
        assert config["settings"]["rate_limit"] is False
        assert httpx.get(server.base_url + "/v1/me", headers=AUTH).json() == {}
    finally:
        server.stop()


def test_cli_refuses_workers_without_sqlite() -> None:
    import subprocess
    import sys

    from tests.mock_ortto.proc import ROOT

    r = subprocess.run(
        [sys.executable, "-m", "mock_ortto", "serve", "--workers", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert r.returncode == 2 and "sqlite" in r.stderr
