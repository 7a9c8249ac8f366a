"""Serving the app: waitress in one process (threads), gunicorn worker processes that each run
the same hardened waitress door (:mod:`mock_ortto.door`) over the shared SQLite file, or a
background thread (tests, the pytest plugin).

The listening socket is bound before anything is announced: the ``ORTTO_LOCAL_ENDPOINT=``
line is printed only once the port accepts connections, and a taken or invalid port is one
clear error instead.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import socket
import threading
from collections.abc import Callable
from typing import Any

from mock_ortto.config import ServerConfig
from mock_ortto.context import EXTENSION, MockContext
from mock_ortto.door import BodyLimit, Door, DoorOptions, build_server
from mock_ortto.requestlog import RequestLog

DEFAULT_BACKLOG = 1024

GC_THRESHOLDS = (50_000, 20, 100)
"""Garbage-collector thresholds of a serving process (CPython's are ``(700, 10, 10)``).

A 500-item batch parses into some 10 000 containers that live until its answer; with the
default thresholds they are traversed and promoted again and again, and each promotion
brings the full collection, which walks the whole stored state, nearer."""


class BindError(Exception):
    """The address cannot be listened on (one line, for the command line)."""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a port that is free right now on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def shown_host(host: str) -> str:
    """The host as a client reaches it (a wildcard bind is shown as loopback, IPv6 bracketed)."""
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"  # an IPv6 literal in a URL needs brackets
    return shown


def endpoint_line(host: str, port: int) -> str:
    """The line integrators paste into the destination's environment."""
    return f"ORTTO_LOCAL_ENDPOINT=http://{shown_host(host)}:{port}"


def listen(host: str, port: int, backlog: int = DEFAULT_BACKLOG) -> socket.socket:
    """Bind and listen on ``host:port`` (``0`` picks a free port); :class:`BindError` if not."""
    if not 0 <= port <= 65535:
        raise BindError(f"port {port} is out of range (0..65535; 0 picks a free one)")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise BindError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise BindError(f"cannot listen on {shown_host(host)}:{port}: {reason}") from None
    return sock


def body_limit_of(app: Any) -> BodyLimit:
    """The body limit the door applies for ``app`` (its context decides per path)."""
    ctx: MockContext = app.extensions[EXTENSION]
    return ctx.body_limit


def tune_gc() -> None:
    """Prepare a serving process's collector: what exists at start-up (modules, the document,
    compiled validators) is frozen out of every collection, and collections run less often
    (:data:`GC_THRESHOLDS`). Only ``mock-ortto serve`` calls it, never a process that merely
    imports the mock (tests, the pytest plugin)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


Announce = Callable[[int], None]


def announcer(host: str, mode: str, log: RequestLog) -> Announce:
    """Print the endpoint line (stdout) and a human line (stderr) once the port is live."""

    def announce(port: int) -> None:
        print(endpoint_line(host, port), flush=True)
        log.say(
            f"mock-ortto listening on http://{shown_host(host)}:{port} ({mode});"
            " Ctrl+C or SIGTERM stops it"
        )

    return announce


class ThreadedServer:
    """The mock on a loopback port, served from a background thread (tests, pytest plugin)."""

    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 8,
        options: DoorOptions | None = None,
        request_log: RequestLog | None = None,
    ) -> None:
        opts = options or DoorOptions(threads=threads)
        self.host = host
        self._door: Door = build_server(
            app,
            listen(host, port),
            body_limit_of(app),
            opts,
            request_log or RequestLog(quiet=True),
        )
        self.port = self._door.port
        self._thread = threading.Thread(target=self._door.run, name="mock-ortto", daemon=True)

    @property
    def base_url(self) -> str:
        """``http://host:port`` (the ORTTO_LOCAL_ENDPOINT value)."""
        return f"http://{shown_host(self.host)}:{self.port}"

    def start(self) -> ThreadedServer:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close every connection, stop the loop and the worker threads."""
        self._door.stop()
        self._thread.join(timeout=10)


def stop_on_sigterm() -> None:
    """Make SIGTERM end serving as Ctrl+C does (in the main thread only): the loop stops,
    workers finish the requests they hold, and the request lines still queued are written.
    Without it SIGTERM ends the process at once, and a line queued for a request already
    answered could be lost."""
    if threading.current_thread() is not threading.main_thread():
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def serve_waitress(
    cfg: ServerConfig,
    sock: socket.socket,
    options: DoorOptions,
    log: RequestLog,
    announce: Announce,
) -> None:
    """Serve in this process until interrupted (Ctrl+C or SIGTERM)."""
    from mock_ortto.app import create_app

    app = create_app(cfg)
    tune_gc()
    stop_on_sigterm()
    door = build_server(app, sock, body_limit_of(app), options, log)
    announce(door.port)
    door.run()


def serve_gunicorn(
    cfg: ServerConfig,
    sock: socket.socket,
    workers: int,
    options: DoorOptions,
    log: RequestLog,
    announce: Announce,
) -> None:
    """Serve with gunicorn worker processes (each running the door) until interrupted."""
    from gunicorn.app.base import BaseApplication

    port = int(sock.getsockname()[1])
    fd = sock.detach()  # gunicorn takes the bound socket over (and closes this descriptor)

    class _App(BaseApplication):  # type: ignore[misc]
        door_options = options
        request_log = log

        def load_config(self) -> None:
            self.cfg.set("bind", f"fd://{fd}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "mock_ortto.gunicorn_worker.DoorWorker")
            self.cfg.set("accesslog", None)
            self.cfg.set("loglevel", "warning")
            self.cfg.set("graceful_timeout", 5)
            self.cfg.set("when_ready", lambda _arbiter: announce(port))
            with contextlib.suppress(AttributeError, KeyError):  # older gunicorn: no such socket
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            from mock_ortto.app import create_app

            app = create_app(cfg)
            tune_gc()  # in the worker process, after its fork
            return app

    _App().run()


__all__ = [
    "BindError",
    "ThreadedServer",
    "endpoint_line",
    "free_port",
    "listen",
    "serve_gunicorn",
    "serve_waitress",
    "stop_on_sigterm",
]
