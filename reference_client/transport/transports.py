"""Transports: real HTTP with httpx, and a preview transport that sends nothing."""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from reference_client.js import json as js_json
from reference_client.js.undefined import UNDEFINED
from reference_client.runtime.errors import FetchError, RequestTimeoutError


@dataclass(frozen=True)
class OutgoingRequest:
    """A request exactly as it goes on the wire (``json`` is the value behind ``body``)."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None
    json: Any = UNDEFINED

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form used by ``preview`` and the CLI."""
        out: dict[str, Any] = {"method": self.method, "url": self.url, "headers": self.headers}
        if self.json is not UNDEFINED:
            out["body"] = self.json
        return out


@dataclass(frozen=True)
class RawResponse:
    """What a transport got back, before the request client interprets it."""

    status: int
    reason: str
    headers: dict[str, str]
    content: bytes


class Transport(Protocol):
    """Anything that can send an :class:`OutgoingRequest`."""

    def send(self, request: OutgoingRequest, timeout: float) -> RawResponse:
        """Send and return the answer; raise a :class:`SegmentError` subclass on failure."""
        ...


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _os_error(exc: BaseException) -> OSError | None:
    """The operating-system error behind an httpx exception, if any."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def connect_failure(url: str, exc: BaseException) -> tuple[str, str | None]:
    """node-fetch's ``reason`` and ``code`` for a connection that could not be made.

    A failed name lookup is ``getaddrinfo ENOTFOUND host``; a refused or unreachable
    connection is ``connect ECONNREFUSED host:port`` (or its own errno name), the port
    defaulting to the scheme's.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    cause = _os_error(exc)
    if isinstance(cause, socket.gaierror):
        code = "EAI_AGAIN" if cause.errno == socket.EAI_AGAIN else "ENOTFOUND"
        return f"getaddrinfo {code} {host}", code
    if cause is not None and cause.errno is not None and cause.errno in errno.errorcode:
        code = errno.errorcode[cause.errno]
        return f"connect {code} {host}:{port}", code
    return str(exc) or f"connect failed {host}:{port}", None


class HttpxTransport:
    """Real HTTP with httpx: redirects followed (at most 20), 10 s timeout by default.

    With ``offline=True`` any request to a non-loopback host fails with a ``FetchError``
    instead of leaving the machine (tests use it for the derived regional endpoints).
    """

    def __init__(self, offline: bool = False, client: httpx.Client | None = None) -> None:
        self.offline = offline
        self._client = client
        self._lock = threading.Lock()

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(follow_redirects=True, max_redirects=20)
            return self._client

    def send(self, request: OutgoingRequest, timeout: float) -> RawResponse:
        """Send over HTTP and translate httpx failures into the runtime's errors."""
        if self.offline and not _is_loopback(request.url):
            raise FetchError(f"blocked outbound request to {request.url}")
        try:
            answer = self._http().request(
                request.method,
                request.url,
                headers=request.headers,
                content=request.body,
                timeout=timeout,
            )
        except httpx.TimeoutException as exc:
            raise RequestTimeoutError(int(timeout * 1000)) from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(f"maximum redirect reached at: {request.url}") from exc
        except httpx.ConnectError as exc:
            reason, code = connect_failure(request.url, exc)
            raise FetchError(
                f"request to {request.url} failed, reason: {reason}", code=code
            ) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"request to {request.url} failed, reason: {exc}") from exc
        return RawResponse(
            status=answer.status_code,
            reason=answer.reason_phrase,
            headers={k.lower(): v for k, v in answer.headers.items()},
            content=answer.content,
        )

    def close(self) -> None:
        """Close pooled connections."""
        if self._client is not None:
            self._client.close()


Responder = Callable[[OutgoingRequest], RawResponse]


def _json_answer(body: Any, status: int = 200) -> RawResponse:
    return RawResponse(
        status, "OK", {"content-type": "application/json"}, js_json.dumps_bytes(body)
    )


def default_preview_answer(request: OutgoingRequest) -> RawResponse:
    """What the preview transport answers: every item accepted, audiences echoed back."""
    path = urlsplit(request.url).path
    body = request.json if isinstance(request.json, dict) else {}
    if path.endswith("/audiences/create"):
        return _json_answer({"id": "preview-audience-id", "name": body.get("name")})
    if path.endswith("/audiences/get"):
        return _json_answer({"id": body.get("id"), "name": ""})
    if path.endswith("/me"):
        return _json_answer({})
    return _json_answer({"errors": []})


@dataclass
class PreviewTransport:
    """Records every request and answers it locally; nothing leaves the process."""

    responder: Responder = default_preview_answer
    requests: list[OutgoingRequest] = field(default_factory=list)

    def send(self, request: OutgoingRequest, timeout: float) -> RawResponse:
        """Record ``request`` and return the responder's answer."""
        self.requests.append(request)
        return self.responder(request)
