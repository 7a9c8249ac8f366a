"""``mock-ortto serve`` as a user runs it: the endpoint line, refusals to start, the log."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.mock_ortto.proc import ROOT, ServerProcess

KEY = "pau-0a1b2c3d4e5f6a7b"


def _serve(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run a serve command expected to exit on its own."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "mock_ortto", "serve", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_taken_port_is_refused_in_one_line_and_no_endpoint_is_printed(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        for mode in ([], ["--workers", "2", "--store", f"sqlite:{tmp_path / 'm.db'}"]):
            done = _serve("--port", str(port), *mode)
            assert done.returncode == 2
            assert done.stdout == ""
            assert done.stderr.strip().splitlines() == [
                f"mock-ortto: cannot listen on 127.0.0.1:{port}: Address already in use"
            ]


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_an_invalid_port_is_refused(port: str) -> None:
    done = _serve("--port", port)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == (
        f"mock-ortto: port {port} is out of range (0..65535; 0 picks a free one)"
    )


def test_a_missing_store_directory_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "mock.db"
    done = _serve("--port", "0", "--store", f"sqlite:{missing}")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == (
        f"mock-ortto: cannot open store: cannot open SQLite file {missing}:"
        f" directory {missing.parent} does not exist"
    )


@pytest.mark.parametrize("mode", ["single", "workers"])
def test_endpoint_line_means_listening_and_each_request_is_logged(
    tmp_path: Path, mode: str
) -> None:
    args = ["--workers", "2", "--store", f"sqlite:{tmp_path / 'm.db'}"] if mode == "workers" else []
    log = tmp_path / "stderr.txt"
    server = ServerProcess(*args, stderr_path=log)  # its first request is not retried
    try:
        client = httpx.Client(base_url=server.base_url + "/v1", timeout=30)
        headers = {"Authorization": f"Bearer {KEY}"}
        client.post("/identify", json=[{"user_id": "u1"}], headers=headers)
        client.post("/identify", json=[{"type": "identify", "userId": "u1"}], headers=headers)
        client.get("/nowhere", headers=headers)
    finally:
        server.stop()
    lines = log.read_text().splitlines()
    port = server.base_url.rsplit(":", 1)[1]
    assert lines[0].startswith(f"mock-ortto listening on http://127.0.0.1:{port} (")
    assert lines[0].endswith("Ctrl+C or SIGTERM stops it")
    requests = [ln.rsplit(" ", 1)[0] for ln in lines if ln.startswith(("GET ", "POST "))]
    assert requests == [
        "GET /_mock/health 200 -",
        "POST /v1/identify 200 accepted",
        "POST /v1/identify 200 batch.refused",
        "GET /v1/nowhere 404 route.unknown",
    ]
    assert all(ln.endswith("ms") for ln in lines if ln.startswith(("GET ", "POST ")))
    assert not [ln for ln in lines if "gunicorn" in ln.lower() or "[INFO]" in ln]


def test_sigterm_lets_the_request_in_flight_finish_and_logs_it(tmp_path: Path) -> None:
    """SIGTERM stops the mock as Ctrl+C does: a request being answered still gets its answer,
    and its line (queued for the loop to write) is on stderr before the process ends."""
    log = tmp_path / "stderr.txt"
    server = ServerProcess(stderr_path=log)
    answers: list[int] = []
    try:
        fault = {"latency_ms": 1500, "path": "/v1/me"}
        httpx.post(server.base_url + "/_mock/faults", json=fault, timeout=30).raise_for_status()

        def ask() -> None:
            headers = {"Authorization": f"Bearer {KEY}"}
            answer = httpx.get(server.base_url + "/v1/me", headers=headers, timeout=30)
            answers.append(answer.status_code)

        caller = threading.Thread(target=ask)
        caller.start()
        time.sleep(0.5)  # the request now waits in a worker (1.5 s of injected latency)
        server.proc.terminate()
        caller.join(timeout=30)
        assert server.proc.wait(timeout=15) == 0
    finally:
        server.stop()
    assert answers == [200]
    assert any(ln.startswith("GET /v1/me 200 ") for ln in log.read_text().splitlines())


def test_quiet_silences_request_lines(tmp_path: Path) -> None:
    log = tmp_path / "stderr.txt"
    server = ServerProcess("--quiet", stderr_path=log)
    try:
        httpx.get(server.base_url + "/v1/me", timeout=30)
    finally:
        server.stop()
    lines = log.read_text().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mock-ortto listening on")


@pytest.mark.parametrize("source", ["file", "env"])
def test_admin_token_from_a_file_or_the_environment(tmp_path: Path, source: str) -> None:
    secret = "from-" + source
    if source == "file":
        token_file = tmp_path / "token"
        token_file.write_text(secret + "\n")
        server = ServerProcess("--admin-token-file", str(token_file), "--quiet")
    else:
        server = ServerProcess("--quiet", env={"MOCK_ORTTO_ADMIN_TOKEN": secret})
    try:
        url = server.base_url + "/_mock/config"
        assert httpx.get(url, timeout=30).status_code == 401
        answer = httpx.get(url, headers={"X-Mock-Admin-Token": secret}, timeout=30)
        assert answer.status_code == 200
        assert answer.json()["admin_token"] is True
    finally:
        server.stop()
    assert secret not in " ".join(server.proc.args)  # type: ignore[arg-type]


def test_an_unreadable_token_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    done = _serve("--port", "0", "--admin-token-file", str(empty))
    assert done.returncode == 2
    assert done.stderr.strip() == f"mock-ortto: admin token file {empty} is empty"
    done = _serve("--port", "0", "--admin-token-file", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"mock-ortto: cannot read admin token file {tmp_path / 'nope'}: No such file or directory"
    )


_GC_PROBE = """
import gc, json
from mock_ortto.app import create_app
from mock_ortto.server import ThreadedServer, tune_gc
server = ThreadedServer(create_app()).start()
server.stop()
embedded = gc.get_threshold()
tune_gc()
print(json.dumps([embedded, gc.get_threshold(), gc.get_freeze_count()]))
"""


def test_only_a_serving_process_tunes_the_garbage_collector() -> None:
    """A process that embeds the mock keeps CPython's collector settings; ``tune_gc`` (run by
    ``mock-ortto serve``) freezes the start-up objects and collects less often."""
    from mock_ortto.server import GC_THRESHOLDS

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", _GC_PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    embedded, served, frozen = json.loads(done.stdout)
    assert embedded == [700, 10, 10]
    assert tuple(served) == GC_THRESHOLDS
    assert frozen > 10_000
