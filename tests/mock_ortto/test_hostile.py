"""Hostile clients against real servers in every serving mode (thread, process, workers).

Raw sockets with timeouts: a server that waits for a body it should refuse, or starves behind
slow clients, fails a test by timing out instead of hanging the suite.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from mock_ortto.app import create_app
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.door import DoorOptions
from mock_ortto.server import ThreadedServer
from mock_ortto.store import open_store
from tests.mock_ortto import soak
from tests.mock_ortto.proc import ServerProcess

KEY = "pau-0a1b2c3d4e5f6a7b"
BODY_LIMIT = 2 * 1024 * 1024
ADMIN_LIMIT = 1024 * 1024
HANG_GUARD = 20.0  # seconds a socket may wait: a hang fails the test instead of blocking
OPTIONS = ["--connection-limit", "40", "--read-timeout", "2", "--threads", "2"]


@dataclass
class Target:
    """A running server in one serving mode."""

    mode: str
    port: int


@pytest.fixture(scope="module", params=["thread", "process", "workers"])
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    """The mock with small limits, in each serving mode."""
    admin = ["--max-admin-body-bytes", str(ADMIN_LIMIT), "--quiet", "--rate-limit", "off"]
    if request.param == "thread":
        cfg = ServerConfig(settings=Settings(rate_limit=False), max_admin_body_bytes=ADMIN_LIMIT)
        options = DoorOptions(threads=2, connection_limit=40, read_timeout=2)
        server = ThreadedServer(create_app(cfg, open_store("memory")), options=options).start()
        yield Target("thread", server.port)
        server.stop()
        return
    extra = []
    if request.param == "workers":
        db = tmp_path_factory.mktemp("hostile") / "mock.db"
        extra = ["--workers", "2", "--store", f"sqlite:{db}"]
    proc = ServerProcess(*OPTIONS, *admin, *extra)
    yield Target(request.param, int(proc.base_url.rsplit(":", 1)[1]))
    proc.stop()


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD)
    sock.settimeout(HANG_GUARD)
    return sock


def _read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read one HTTP answer (status, headers, body) from ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before an answer: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body[:length]


def _exchange(port: int, data: bytes) -> tuple[int, dict[str, str], dict[str, object]]:
    with _connect(port) as sock:
        sock.sendall(data)
        status, headers, body = _read_answer(sock)
    assert headers["content-type"] == "application/json", (status, body)
    return status, headers, json.loads(body)


def _request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": "mock", **headers}.items())
    return f"{method} {path} HTTP/1.1\r\n{head}\r\n".encode() + body


def test_a_declared_length_over_the_limit_is_refused_before_the_body(target: Target) -> None:
    headers = {"Authorization": f"Bearer {KEY}", "Content-Length": str(50 * 1024 * 1024)}
    with _connect(target.port) as sock:  # 1 MiB of the promised 50 MiB, then wait for an answer
        sock.sendall(_request("POST", "/v1/identify", headers, b"[" + b" " * (1024 * 1024)))
        status, answer_headers, body = _read_answer(sock)
    assert status == 413
    assert answer_headers["x-mock-rule"] == "payload.max_body_bytes"
    assert json.loads(body) == {"error": f"request body is larger than {BODY_LIMIT} bytes"}


def test_a_chunked_body_is_cut_off_at_the_limit(target: Target) -> None:
    headers = {"Authorization": f"Bearer {KEY}", "Transfer-Encoding": "chunked"}
    chunk = b"x" * 65536
    framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    with _connect(target.port) as sock:
        sock.sendall(_request("POST", "/v1/identify", headers))
        sent = 0
        with pytest.raises(OSError):  # the server stops reading once past the limit
            while sent < 128 * 1024 * 1024:
                sock.sendall(framed)
                sent += len(chunk)
        status, answer_headers, body = _read_answer(sock)
    assert sent < 16 * BODY_LIMIT  # cut off at the limit (plus what kernel buffers held)
    assert status == 413
    assert answer_headers["x-mock-rule"] == "payload.max_body_bytes"
    assert json.loads(body) == {"error": f"request body is larger than {BODY_LIMIT} bytes"}


def test_admin_bodies_have_their_own_cap(target: Target) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": str(ADMIN_LIMIT + 1)}
    with _connect(target.port) as sock:
        sock.sendall(_request("PUT", "/_mock/state", headers, b"{"))
        status, answer_headers, body = _read_answer(sock)
    assert status == 413
    assert answer_headers["x-mock-rule"] == "admin.max_body_bytes"
    assert json.loads(body) == {"error": f"request body is larger than {ADMIN_LIMIT} bytes"}


def test_refusals_made_by_the_http_layer_are_json(target: Target) -> None:
    status, headers, body = _exchange(
        target.port, _request("GET", "/_mock/health", {"X-Big": "a" * 70000})
    )
    assert (status, headers["x-mock-rule"]) == (431, "http.header_size")
    assert body == {"error": "request line and headers are larger than 65536 bytes"}
    status, headers, body = _exchange(
        target.port, _request("POST", "/v1/identify", {"Content-Length": "twelve"})
    )
    assert (status, headers["x-mock-rule"]) == (400, "http.malformed")
    assert str(body["error"]).startswith("malformed HTTP request:")


def test_slow_clients_do_not_starve_others(target: Target) -> None:
    slow = [_connect(target.port) for _ in range(20)]
    try:
        for sock in slow:  # each has sent a few bytes of its headers and then nothing
            sock.sendall(b"POST /v1/identify HTTP/1.1\r\nHost: m")
        for _ in range(10):
            status, _, body = _exchange(
                target.port, _request("GET", "/_mock/health", {"Connection": "close"})
            )
            assert (status, body["status"]) == (200, "ok")
    finally:
        for sock in slow:
            sock.close()


def test_a_request_that_never_finishes_arriving_gets_408(target: Target) -> None:
    with _connect(target.port) as sock:
        sock.sendall(b"POST /v1/identify HTTP/1.1\r\nHost: m")
        status, headers, body = _read_answer(sock)
    assert (status, headers["x-mock-rule"]) == (408, "http.read_timeout")
    assert json.loads(body) == {"error": "the request did not arrive within 2 s"}


def test_past_the_connection_limit_clients_get_a_clean_503(target: Target) -> None:
    if target.mode == "workers":
        pytest.skip("the limit is per process; which worker accepts is up to the kernel")
    held = [_connect(target.port) for _ in range(40)]
    try:
        for sock in held:  # every one of the 40 is served (a request each, kept alive)
            sock.sendall(_request("GET", "/_mock/health", {}))
            assert _read_answer(sock)[0] == 200
        status, headers, body = _exchange(target.port, _request("GET", "/_mock/health", {}))
        assert (status, headers["x-mock-rule"]) == (503, "http.connection_limit")
        assert body == {"error": "the mock already holds 40 open connections"}
    finally:
        for sock in held:
            sock.close()


def test_the_server_still_answers_after_all_this(target: Target) -> None:
    for _ in range(100):  # held connections of the test before close as the server sees it
        status, _, body = _exchange(target.port, _request("GET", "/_mock/health", {}))
        if status != 503:
            break
        time.sleep(0.1)
    assert (status, body["status"]) == (200, "ok")


@pytest.mark.parametrize("mode", ["single", "workers"])
def test_nothing_accepted_is_lost_under_faults_and_hostile_clients(mode: str) -> None:
    tally, stored, queued = soak.run(mode, writers=3, batches=8)
    assert tally.batches == 24
    assert tally.fault_answers == 8  # 5 per-item and 3 status faults (2 drops: no answer)
    assert tally.acknowledged <= stored  # items lost: 0
    assert not (tally.refused | tally.failed) & stored  # refused items stored: 0
    assert len(tally.refused) == 5 and len(tally.failed) == 3 * soak.ITEMS_PER_BATCH
    assert len(tally.unanswered) == 2 * soak.ITEMS_PER_BATCH
    assert queued == 10
