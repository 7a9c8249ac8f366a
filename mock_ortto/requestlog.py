"""One console line per request, the same in every serving mode (``--quiet`` silences it).

Format (stderr): ``METHOD PATH STATUS RULE MILLISECONDSms``, for example
``POST /v1/identify 200 accepted 1.8ms``. The path is logged without its query string
(admin queries carry API keys); ``RULE`` is the answer's ``X-Mock-Rule`` header, ``-`` when
it has none.

Request lines wait in a queue until :meth:`RequestLog.drain` writes them: the door's loop
drains it each time round, just before it waits for sockets again, and once more when it
stops. A worker thread answering a request then never makes a system call to log it (each
one hands the interpreter lock to another thread, and getting it back can take the whole
5 ms switch interval).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, TextIO

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _printable(text: str) -> str:
    """``text`` with control characters escaped, so a request cannot forge log lines."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


class RequestLog:
    """Writes request lines to a stream (stderr by default) unless quiet."""

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.quiet = quiet
        self._stream = stream
        self._lock = threading.Lock()
        self._waiting: deque[str] = deque()  # workers append without a lock (atomic)

    def say(self, text: str) -> None:
        """Write one human line now, after the request lines still waiting (never to stdout,
        which carries the endpoint line)."""
        self._flush(text)

    def line(self, method: str, path: str, status: int, rule: str, ms: float) -> None:
        """Queue the line of one request (written by the next :meth:`drain`)."""
        if not self.quiet:
            self._waiting.append(
                f"{_printable(method)} {_printable(path)} {status} {rule} {ms:.1f}ms"
            )

    def drain(self) -> None:
        """Write every queued request line, in the order they were queued, with one write."""
        if self._waiting:
            self._flush(None)

    def _flush(self, text: str | None) -> None:
        stream = self._stream or sys.stderr
        with self._lock:  # one writer at a time, so lines keep their order
            waiting, lines = self._waiting, []
            while waiting:
                lines.append(waiting.popleft())
            if text is not None:
                lines.append(text)
            if lines:
                try:
                    stream.write("\n".join(lines) + "\n")
                    stream.flush()
                except (OSError, ValueError):  # stderr closed or its reader gone: the lines
                    pass  # are lost, serving goes on (the journal keeps the latest requests)

    def wrap(self, app: WSGIApp) -> WSGIApp:
        """Return ``app`` queueing a line for each request it answers (see :meth:`drain`)."""
        if self.quiet:
            return app

        def logged(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
            started = time.perf_counter()
            seen: list[tuple[int, str]] = []

            def record(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
                rule = next((v for k, v in headers if k.lower() == "x-mock-rule"), "-")
                seen.append((int(status[:3]), rule))
                return start_response(status, headers, *exc)

            result = app(environ, record)
            code, rule = seen[-1] if seen else (0, "-")
            path = str(environ.get("PATH_INFO", "")) or "/"
            ms = (time.perf_counter() - started) * 1000
            self.line(str(environ.get("REQUEST_METHOD", "-")), path, code, rule, ms)
            return result

        return logged
