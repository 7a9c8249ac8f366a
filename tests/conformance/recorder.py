"""A loopback HTTP server that answers with a vector's recorded responses and records requests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    """One request as the recorder saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Recorder:
    """Scripted answers (``{"status", "content_type", "body"}``) served in order."""

    answers: list[dict[str, Any]]
    requests: list[Recorded] = field(default_factory=list)
    base_url: str = ""


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            recorder.requests.append(
                Recorded(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
            )
            index = len(recorder.requests) - 1
            answer = (
                recorder.answers[index]
                if index < len(recorder.answers)
                else {
                    "status": 599,
                    "content_type": "application/json",
                    "body": {"error": "recorder ran out of scripted answers"},
                }
            )
            payload = answer.get("body")
            content_type = answer.get("content_type") or "application/json"
            data = (
                payload.encode()
                if isinstance(payload, str) and "json" not in content_type
                else json.dumps(payload, separators=(",", ":")).encode()
            )
            self.send_response(answer["status"])
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def recording_server(answers: list[dict[str, Any]]) -> Iterator[Recorder]:
    """Serve ``answers`` on a free loopback port for the duration of the block."""
    recorder = Recorder(answers)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    recorder.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
