"""``mock_ortto.testing`` and the pytest plugin: context managers, the in-process mode, and
the plugin registered once whether or not the package is installed."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

import httpx
import pytest

from mock_ortto.config import ServerConfig
from mock_ortto.testing import (
    DEFAULT_KEY,
    IN_PROCESS_URL,
    AdminClient,
    start_in_process,
    start_mock,
)
from tests.conformance.vectors import REPO

PLUGIN_USER = "tests/reference_client/test_api_surface.py::test_clients_close_their_connections"


def test_start_mock_stops_its_server_when_the_block_ends() -> None:
    with start_mock() as mock:
        base_url = mock.base_url
        assert httpx.get(f"{base_url}/_mock/clock").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/_mock/clock")


def test_stopping_lets_a_request_in_flight_finish(caplog: pytest.LogCaptureFixture) -> None:
    """A worker answering while the server stops must still reach the loop: the answer
    arrives whole and waitress logs no error (it used to write to a closed trigger)."""
    answers: list[httpx.Response] = []
    with start_mock() as mock:
        mock.admin.fault(latency_ms=400, path="/v1/identify")
        client = httpx.Client(
            base_url=mock.base_url + "/v1", headers={"Authorization": f"Bearer {DEFAULT_KEY}"}
        )  # not closed with the mock: it outlives the block
        sender = threading.Thread(
            target=lambda: answers.append(client.post("/identify", json=[{"user_id": "u"}]))
        )
        sender.start()
        time.sleep(0.15)  # the request is now held by the 400 ms fault, not yet answered
    sender.join(timeout=10)
    client.close()
    assert [a.status_code for a in answers] == [200]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_admin_client_closes_with_its_block() -> None:
    with start_mock() as mock:
        with AdminClient(mock.base_url) as admin:
            assert admin.journal() == []
        with pytest.raises(RuntimeError, match="closed"):
            admin.journal()


def test_the_in_process_mock_needs_no_port() -> None:
    with start_in_process(ServerConfig(admin_token="secret")) as mock:
        assert mock.base_url == IN_PROCESS_URL
        answer = mock.client().post("/identify", json=[{"user_id": "u1"}])
        assert answer.status_code == 200
        assert [c["user_id"] for c in mock.admin.contacts(DEFAULT_KEY)] == ["u1"]
        anonymous = httpx.Client(base_url=mock.base_url, transport=mock.transport)
        assert anonymous.get("/_mock/contacts").status_code == 401  # the token is enforced
    with start_in_process() as fresh:
        assert fresh.admin.snapshot()["accounts"] == {}  # each in-process mock starts empty


@pytest.mark.slow
@pytest.mark.parametrize("disable_autoload", ["1", ""])
def test_the_plugin_loads_once_installed_or_not(disable_autoload: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_DISABLE_PLUGIN_AUTOLOAD"}
    if disable_autoload:  # what a plain checkout sees: no entry point loads the plugin
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = disable_autoload
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", PLUGIN_USER],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
