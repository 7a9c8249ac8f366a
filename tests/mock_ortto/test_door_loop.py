"""The door's loop thread: it waits while workers answer, and the request log is its job.

waitress' loop used to go round 14 to 187 times per request (measured with 4 clients,
depending on cores and ``--quiet``) while a worker was sending an answer it could not touch,
taking the interpreter lock from that very worker on each turn.
"""

from __future__ import annotations

import http.client
import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from mock_ortto.app import create_app
from mock_ortto.door import Door, DoorOptions, build_server
from mock_ortto.requestlog import RequestLog
from mock_ortto.server import ThreadedServer, listen

KEY = "pau-0a1b2c3d4e5f6a7b"


def _count_turns(door: Door) -> list[int]:
    """Count the loop's turns (the server's ``readable`` is asked once per turn)."""
    turns = [0]
    asked = door.server.readable

    def counted() -> bool:
        turns[0] += 1
        return bool(asked())

    door.server.readable = counted
    return turns


def _identify_body(client: int, request: int) -> bytes:
    items = [
        {"user_id": f"u{client}-{request}-{i}", "traits": {"plan": "pro", "n": i}}
        for i in range(100)
    ]
    return json.dumps(items).encode()


def test_the_loop_does_not_spin_while_workers_answer() -> None:
    server = ThreadedServer(create_app(), threads=8)
    turns = _count_turns(server._door)
    server.start()
    clients, per_client = 4, 50
    failures: list[str] = []

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
        for r in range(per_client):
            conn.request("POST", "/v1/identify", body=_identify_body(n, r), headers=headers)
            answer = conn.getresponse()
            if answer.read() != b'{"errors":[]}':
                failures.append(f"client {n} request {r}: {answer.status}")
        conn.close()

    try:
        before = turns[0]
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        per_request = (turns[0] - before) / (clients * per_client)
    finally:
        server.stop()
    assert failures == []
    # A request needs a turn or two (read it; wake up when its task ends); spinning took 14+.
    assert per_request < 4, f"the loop went round {per_request:.1f} times per request"


def _streaming_app(size: int, chunk: int) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response(
            "200 OK",
            [("Content-Type", "application/octet-stream"), ("Content-Length", str(size))],
        )
        block = b"x" * chunk
        return iter([block] * (size // chunk))

    return app


@contextmanager
def _door(app: Any, threads: int) -> Iterator[Door]:
    """A door around ``app`` on a free loopback port, stopped and closed afterwards."""
    door = build_server(
        app,
        listen("127.0.0.1", 0),
        lambda _path: (1024, "payload.max_body_bytes"),
        DoorOptions(threads=threads),
        RequestLog(quiet=True),
    )
    try:
        yield door
    finally:
        door.stop()
        door.server.close()  # the listening socket (a loop that ran has closed it already)


def test_an_answer_larger_than_the_output_watermark_still_flows() -> None:
    """A worker whose answer passes waitress' output high watermark (16 MiB) waits for the
    loop to drain it: the loop must still send while that task runs."""
    size, chunk = 40 * 1024 * 1024, 256 * 1024
    with _door(_streaming_app(size, chunk), threads=2) as door:
        loop = threading.Thread(target=door.run, daemon=True)
        loop.start()
        sock = socket.create_connection(("127.0.0.1", door.port), timeout=20)
        sock.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.5)  # not reading yet: the socket fills and the output buffer grows
        received = 0
        deadline = time.monotonic() + 20
        while received < size and time.monotonic() < deadline:
            data = sock.recv(1 << 20)
            if not data:
                break
            received += len(data)
        sock.close()
    loop.join(timeout=10)
    assert received > size, f"only {received} of {size} bytes (plus headers) arrived"


class _Stream(io.StringIO):
    """A stream that remembers which threads wrote to it."""

    def __init__(self) -> None:
        super().__init__()
        self.writers: set[str] = set()

    def write(self, text: str) -> int:
        self.writers.add(threading.current_thread().name)
        return super().write(text)


def test_request_lines_are_written_by_the_loop_in_order() -> None:
    stream = _Stream()
    server = ThreadedServer(create_app(), request_log=RequestLog(stream=stream)).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
        for path in ("/v1/me", "/v1/identify", "/v1/nowhere"):
            method = "POST" if path == "/v1/identify" else "GET"
            conn.request(method, path, body=b"[]" if method == "POST" else None, headers=headers)
            conn.getresponse().read()
        conn.close()
        deadline = time.monotonic() + 10
        while stream.getvalue().count("\n") < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        server.stop()
    lines = [ln.rsplit(" ", 1)[0] for ln in stream.getvalue().splitlines()]
    assert lines == [
        "GET /v1/me 200 accepted",
        "POST /v1/identify 200 accepted",
        "GET /v1/nowhere 404 route.unknown",
    ]
    assert stream.writers == {"mock-ortto"}  # the loop's thread, never a worker


def test_queued_lines_come_before_a_human_line_and_quiet_queues_nothing() -> None:
    stream = io.StringIO()
    log = RequestLog(stream=stream)
    log.line("GET", "/a", 200, "-", 1.0)
    log.line("POST", "/b\n", 400, "x", 2.0)
    assert stream.getvalue() == ""  # nothing written until the loop drains
    log.say("stopping")
    assert stream.getvalue().splitlines() == [
        "GET /a 200 - 1.0ms",
        "POST /b\\x0a 400 x 2.0ms",
        "stopping",
    ]
    log.drain()  # nothing left: nothing written
    assert stream.getvalue().count("\n") == 3
    quiet = RequestLog(quiet=True, stream=stream)
    quiet.line("GET", "/c", 200, "-", 1.0)
    quiet.drain()
    assert stream.getvalue().count("\n") == 3


class _BrokenStream(io.StringIO):
    """Standard error whose reader has gone away."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_broken_log_stream_does_not_stop_the_server() -> None:
    server = ThreadedServer(create_app(), request_log=RequestLog(stream=_BrokenStream())).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        statuses = []
        for _ in range(3):
            conn.request("GET", "/v1/me", headers={"Authorization": f"Bearer {KEY}"})
            answer = conn.getresponse()
            answer.read()
            statuses.append(answer.status)
        conn.close()
    finally:
        server.stop()
    assert statuses == [200, 200, 200]


@pytest.mark.parametrize(
    ("closing", "pending", "task_running", "lock_held", "writable"),
    [
        (False, 0, False, False, False),  # nothing to send
        (False, 13, False, False, True),  # an answer waits and its task has ended: send it
        (False, 13, True, True, False),  # the worker is sending its own answer: leave it
        (False, 13, True, False, True),  # the task waits (or is between writes): send
        (True, 0, True, True, True),  # closing: the loop must run handle_write
    ],
)
def test_writable_asks_for_a_turn_only_when_the_loop_could_send(
    closing: bool, pending: int, task_running: bool, lock_held: bool, writable: bool
) -> None:
    """The rule itself, on a channel's state (the output lock held by another thread)."""
    held, release = threading.Event(), threading.Event()
    with _door(_streaming_app(1, 1), threads=1) as door:
        channel: Any = object.__new__(door.server.channel_class)
        channel.outbuf_lock = threading.Condition()

        def worker() -> None:
            with channel.outbuf_lock:
                held.set()
                release.wait(10)

        holder = threading.Thread(target=worker)
        if lock_held:
            holder.start()
            assert held.wait(10)
        try:
            channel.adj = door.server.adj
            channel.will_close = closing
            channel.close_when_flushed = False
            channel.total_outbufs_len = pending
            channel.requests = [object()] if task_running else []
            assert bool(channel.writable()) is writable
        finally:
            release.set()
            if lock_held:
                holder.join(10)
