"""Serving the app on production WSGI servers: waitress (one process, threads) or gunicorn
(several worker processes, each building its own app over the shared SQLite file)."""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

from mock_ortto.config import ServerConfig


def free_port(host: str = "127.0.0.1") -> int:
    """Return a port that is free right now on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def endpoint_line(host: str, port: int) -> str:
    """The line integrators paste into the destination's environment."""
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"  # an IPv6 literal in a URL needs brackets
    return f"ORTTO_LOCAL_ENDPOINT=http://{shown}:{port}"


class ThreadedServer:
    """A waitress server running in a background thread (tests, the pytest plugin)."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> None:
        from waitress.server import create_server

        self._server = create_server(app, host=host, port=port, threads=threads, ident="mock_ortto")
        self.host = host
        self.port = int(self._server.effective_port)
        self._thread = threading.Thread(target=self._server.run, name="mock-ortto", daemon=True)

    @property
    def base_url(self) -> str:
        """``http://host:port`` (the ORTTO_LOCAL_ENDPOINT value)."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> ThreadedServer:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close every connection, stop the loop and the worker threads."""
        server = self._server

        def close_all() -> None:
            for channel in list(server._map.values()):
                with contextlib.suppress(Exception):
                    channel.close()

        server.trigger.pull_trigger(close_all)
        self._thread.join(timeout=10)
        server.task_dispatcher.shutdown()


def serve_waitress(cfg: ServerConfig, host: str, port: int, threads: int) -> None:
    """Serve in this process with waitress until interrupted."""
    from waitress import serve

    from mock_ortto.app import create_app

    serve(create_app(cfg), host=host, port=port, threads=threads, ident="mock_ortto")


def serve_gunicorn(cfg: ServerConfig, host: str, port: int, workers: int, threads: int) -> None:
    """Serve with gunicorn worker processes until interrupted."""
    from gunicorn.app.base import BaseApplication

    class _App(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", None)
            self.cfg.set("graceful_timeout", 5)
            with contextlib.suppress(AttributeError, KeyError):
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            from mock_ortto.app import create_app

            return create_app(cfg)

    _App().run()
