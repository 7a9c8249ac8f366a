"""The front door: waitress, hardened against hostile clients.

Every serving mode (one process, gunicorn workers, the pytest plugin's thread) goes through
:func:`build_server`, so they behave alike:

* a request is handed to a worker thread only once it has fully arrived, so slow or idle
  connections hold a connection slot, never a thread;
* a request that has not fully arrived within ``read_timeout`` seconds is answered 408 and
  its connection closed, and idle keep-alive connections are closed after ``idle_timeout``;
* past ``connection_limit`` open connections a new client is answered 503 at once;
* the body limit is decided per request from the path (``/_mock`` bodies have their own cap)
  and the settings in force: a declared ``Content-Length`` over it is refused before the body
  is read, a chunked body is cut off once it passes it;
* every refusal the server makes itself (413, 431, 408, 400, 503) is JSON with an
  ``X-Mock-Rule`` header, like the app's own answers.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher
from waitress.utilities import (
    BadRequest,
    Error,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    ServerNotImplemented,
)

from mock_ortto import rules
from mock_ortto.requestlog import RequestLog

BodyLimit = Callable[[str], tuple[int, str]]
"""``path -> (largest accepted body in bytes, rule id that refuses a larger one)``."""

CHUNK_SLACK = 1024
"""Bytes of chunked framing allowed on top of the limit (the app checks the exact size)."""

RECV_BYTES = 256 * 1024
"""Largest read from a socket at once (waitress reads 8 KB). The reading thread needs the GIL
for every read, and waits for it while a worker thread runs a batch: a 250 KB body read in
8 KB pieces waits 31 times, read whole it waits once or twice."""


@dataclass(frozen=True, slots=True)
class DoorOptions:
    """How the door treats connections (serve options ``--threads`` ... ``--idle-timeout``)."""

    threads: int = 8
    connection_limit: int = rules.default_int("http.connection_limit")
    read_timeout: float = float(rules.default_int("http.read_timeout"))
    idle_timeout: float = 60.0
    max_header_bytes: int = rules.default_int("http.header_size")


class RequestTimeout(Error):  # type: ignore[misc]
    """The request did not fully arrive within the read timeout."""

    code = 408
    reason = "Request Timeout"


def refusal(code: int, rule: str, message: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status line, headers and JSON body of a refusal made outside the app."""
    body = json.dumps({"error": message}, separators=(",", ":")).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("X-Mock-Rule", rule),
    ]
    return f"{code} {HTTPStatus(code).phrase}", headers, body


def _describe(error: Error, parser: _Parser) -> tuple[str, str]:
    """Rule id and message of a refusal waitress decided."""
    if isinstance(error, RequestEntityTooLarge):
        return parser.limit_rule, f"request body is larger than {parser.body_limit} bytes"
    if isinstance(error, RequestHeaderFieldsTooLarge):
        size = parser.adj.max_request_header_size
        return "http.header_size", f"request line and headers are larger than {size} bytes"
    if isinstance(error, RequestTimeout):
        return "http.read_timeout", str(error.body)
    if isinstance(error, BadRequest | ServerNotImplemented):
        return "http.malformed", f"malformed HTTP request: {error.body}"
    return "http.malformed", str(error.body)


class _LimitedAdjustments:
    """The server's adjustments with this request's body limit (read by waitress' parser)."""

    def __init__(self, base: Adjustments, max_body: int) -> None:
        self._base = base
        self.max_request_body_size = max_body

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


class _Parser(HTTPRequestParser):  # type: ignore[misc]
    """waitress' parser, with a body limit chosen from the request path once headers are in."""

    adj: Any
    body_limit_of: BodyLimit
    body_limit = 0
    limit_rule = "payload.max_body_bytes"

    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.started = time.monotonic()

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        if self.content_length > 0 or self.chunked:
            self.body_limit, self.limit_rule = self.body_limit_of(self.path or "/")
            # waitress refuses a length >= its limit; chunked framing gets a little slack.
            slack = CHUNK_SLACK if self.chunked else 0
            self.adj = _LimitedAdjustments(self.adj, self.body_limit + 1 + slack)


class _JSONErrorTask(ErrorTask):  # type: ignore[misc]
    """Answers a refusal decided by waitress itself as JSON, and logs it."""

    def execute(self) -> None:
        rule, message = _describe(self.request.error, self.request)
        status, headers, body = refusal(self.request.error.code, rule, message)
        self.status = status
        self.response_headers.extend(h for h in headers if h[0] != "Content-Length")
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)
        server: _Server = self.channel.server
        method = getattr(self.request, "command", None) or "-"
        path = getattr(self.request, "path", None) or "-"
        server.request_log.line(method, path, self.request.error.code, rule, 0.0)


class _Channel(HTTPChannel):  # type: ignore[misc]
    error_task_class = _JSONErrorTask
    request: Any

    def writable(self) -> bool:
        """Whether the loop should try to send now: only when ``handle_write`` could.

        While a worker runs this channel's task, it sends its own output (waitress flushes in
        ``write_soon``) and holds the output lock meanwhile. waitress still calls the channel
        writable then; the loop fails to take the lock, sends nothing, and goes round again.
        On one core that loop keeps the interpreter lock from the very worker it waits for,
        up to the 5 ms switch interval per answer (measured: 21 to 187 turns per request).
        Here the channel asks for a turn only when no task runs or the output lock is free
        (a task waiting for the loop to drain its buffer releases it); when the task ends, it
        wakes the loop.
        """
        if self.will_close or self.close_when_flushed:
            return True
        if not self.total_outbufs_len:
            return False
        if not self.requests:
            return True
        lock = self.outbuf_lock
        if lock.acquire(False):  # free: the task is between writes or waits for us
            lock.release()
            return True
        return False

    def reading_since(self) -> float | None:
        """When the request being received started arriving (``None`` when idle)."""
        request = self.request
        return None if request is None else float(request.started)

    def time_out_reading(self, message: str) -> None:
        """Answer the request being received with a 408 and close afterwards."""
        with self.requests_lock:
            request = self.request
            if request is None or self.will_close:
                return
            if not request.headers_finished:
                HTTPRequestParser.parse_header(request, b"GET / HTTP/1.0\r\n")
                request.path = request.command = None
            request.error = RequestTimeout(message)
            request.completed = True
            self.request = None
            self.requests.append(request)
            if len(self.requests) == 1:
                self.server.add_task(self)


class _Server(TcpWSGIServer):  # type: ignore[misc]
    """waitress' TCP server: keeps accepting past the connection limit to refuse cleanly."""

    request_log: RequestLog
    read_timeout: float
    next_channel_cleanup: float

    def readable(self) -> bool:
        # Called once per turn of the loop, just before it waits: the request lines queued
        # since the last turn are written here, by the thread about to block anyway.
        self.request_log.drain()
        now = time.time()
        if now >= self.next_channel_cleanup:
            self.next_channel_cleanup = now + self.adj.cleanup_interval
            self.maintenance(now)
        return bool(self.accepting)

    def maintenance(self, now: float) -> None:
        super().maintenance(now)
        cutoff = time.monotonic() - self.read_timeout
        for channel in list(self.active_channels.values()):
            since = channel.reading_since()
            if since is not None and since < cutoff:
                channel.time_out_reading(
                    f"the request did not arrive within {self.read_timeout:g} s"
                )

    def handle_accept(self) -> None:
        if len(self.active_channels) < self.adj.connection_limit:
            super().handle_accept()
            return
        try:
            accepted = self.accept()
        except OSError:
            return
        if accepted is None:
            return
        conn = accepted[0]
        limit = self.adj.connection_limit
        status, headers, body = refusal(
            503, "http.connection_limit", f"the mock already holds {limit} open connections"
        )
        head = "".join(f"{k}: {v}\r\n" for k, v in [*headers, ("Connection", "close")])
        try:
            conn.setblocking(False)
            conn.send(f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body)
        except OSError:
            pass
        finally:
            conn.close()
        self.request_log.line("-", "-", 503, "http.connection_limit", 0.0)


class Door:
    """A ready server on a listening socket: :meth:`run` serves, :meth:`stop` ends it."""

    def __init__(self, server: _Server) -> None:
        self.server = server
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self.server.effective_port)

    def run(self) -> None:
        """Serve until :meth:`stop` (or KeyboardInterrupt/SystemExit), then release threads."""
        try:
            self.server.run()
        finally:
            self.stop()

    def stop(self) -> None:
        """Close every connection, end the loop and the worker threads (any thread, once)."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        server = self.server

        def close_all() -> None:
            for channel in list(server._map.values()):
                with contextlib.suppress(Exception):
                    channel.close()

        # Workers finish the requests they hold first: a worker answering wakes the loop
        # through the trigger, which must still be open then.
        server.task_dispatcher.shutdown(timeout=5)
        server.request_log.drain()
        with contextlib.suppress(OSError):  # the loop may already have closed the trigger
            server.trigger.pull_trigger(close_all)


def build_server(
    app: Any,
    sock: socket.socket,
    body_limit: BodyLimit,
    options: DoorOptions,
    request_log: RequestLog,
) -> Door:
    """Build the hardened waitress server over an already bound socket."""
    adj = Adjustments(
        sockets=[sock],
        threads=options.threads,
        connection_limit=options.connection_limit,
        channel_timeout=max(1, int(options.idle_timeout)),
        cleanup_interval=max(1, min(30, int(options.read_timeout // 2) or 1)),
        max_request_header_size=options.max_header_bytes,
        ident="mock_ortto",
        recv_bytes=RECV_BYTES,
        expose_tracebacks=False,
    )
    parser = type("Parser", (_Parser,), {"body_limit_of": staticmethod(body_limit)})
    channel = type("Channel", (_Channel,), {"parser_class": parser})
    server_class = type(
        "Server",
        (_Server,),
        {"channel_class": channel, "request_log": request_log},
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(options.threads)
    sockinfo = (sock.family, sock.type, sock.proto, sock.getsockname())
    server = server_class(
        request_log.wrap(app),
        {},
        True,
        sock,
        dispatcher=dispatcher,
        adj=adj,
        bind_socket=False,
        sockinfo=sockinfo,
    )
    server.read_timeout = options.read_timeout
    return Door(server)
