"""Run the mock from Python tests: on a loopback port in a thread, or in process without a port.

```python
from mock_ortto.testing import start_in_process, start_mock

with start_mock() as mock:  # a real WSGI server on a free 127.0.0.1 port
    mock.admin.freeze("2025-06-01T00:00:00Z")
    print(mock.base_url)  # the value for ORTTO_LOCAL_ENDPOINT

with start_in_process() as mock:  # no port: requests go straight to the Flask app
    with mock.client() as http:
        http.post("/identify", json=[])
```

Point the reference client at an in-process mock with its ``transport``:
``OrttoActions(mock.api_key, endpoint=mock.base_url, transport=mock.transport)``.
Every handle, and :class:`AdminClient`, is a context manager that closes what it opened.
"""

from __future__ import annotations

from typing import Any, Self

import httpx
from flask import Flask

from mock_ortto.app import create_app
from mock_ortto.config import ServerConfig
from mock_ortto.server import ThreadedServer
from mock_ortto.store.base import Store

JSON = dict[str, Any]
DEFAULT_KEY = "pau-0a1b2c3d4e5f6a7b"
"""The API key the fixtures and examples use (any well-formed key is accepted)."""
IN_PROCESS_URL = "http://mock-ortto.invalid"
"""The base URL of an in-process mock: reachable only through its ``transport``."""


class _Closing:
    """``with`` support: leaving the block calls :meth:`close`."""

    def close(self) -> None:
        """Release what this object opened."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AdminClient(_Closing):
    """Thin client for ``/_mock``; every method returns the decoded JSON answer.

    Args:
        base_url: The mock's base URL, e.g. ``http://127.0.0.1:8089``.
        token: The admin token, when the mock was started with one.
        transport: An httpx transport to use instead of the network (in-process mocks).
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"X-Mock-Admin-Token": token} if token else {}
        self.http = httpx.Client(
            base_url=base_url, headers=headers, timeout=30, transport=transport
        )

    def _ok(self, response: httpx.Response) -> Any:
        response.raise_for_status()
        return response.json()

    def reset(self, api_key: str | None = None) -> JSON:
        """Forget everything, or one account."""
        body = {"api_key": api_key} if api_key else {}
        return dict(self._ok(self.http.post("/_mock/reset", json=body)))

    def snapshot(self) -> JSON:
        """Whole state as JSON."""
        return dict(self._ok(self.http.get("/_mock/state")))

    def restore(self, snapshot: JSON) -> JSON:
        """Replace all state."""
        return dict(self._ok(self.http.put("/_mock/state", json=snapshot)))

    def _list(self, what: str, field_name: str, **params: str | None) -> list[JSON]:
        """Every record of a list endpoint, following its pages."""
        query: dict[str, str | int] = {k: v for k, v in params.items() if v is not None}
        records: list[JSON] = []
        while True:
            page = self._ok(self.http.get(f"/_mock/{what}", params=query))
            records.extend(page[field_name])
            next_offset = page.get("next_offset")
            if next_offset is None:
                return records
            query["offset"] = next_offset

    def contacts(self, api_key: str = DEFAULT_KEY, **filters: str | None) -> list[JSON]:
        """Contacts of an account (filters: user_id, anonymous_id)."""
        return self._list("contacts", "contacts", api_key=api_key, **filters)

    def activities(self, api_key: str = DEFAULT_KEY, contact_id: str | None = None) -> list[JSON]:
        """Stored activities."""
        return self._list("activities", "activities", api_key=api_key, contact_id=contact_id)

    def audiences(self, api_key: str = DEFAULT_KEY) -> list[JSON]:
        """Audiences."""
        return self._list("audiences", "audiences", api_key=api_key)

    def memberships(self, api_key: str = DEFAULT_KEY, **filters: str | None) -> list[JSON]:
        """Membership records (filters: audience_id, contact_id)."""
        return self._list("memberships", "memberships", api_key=api_key, **filters)

    def timeline(self, api_key: str = DEFAULT_KEY, **filters: str | None) -> list[JSON]:
        """Membership timeline (filters: audience_id, contact_id)."""
        return self._list("timeline", "events", api_key=api_key, **filters)

    def journal(self, limit: int = 100) -> list[JSON]:
        """Journal entries, newest first."""
        return list(self._ok(self.http.get("/_mock/journal", params={"limit": limit}))["entries"])

    def clock(self) -> JSON:
        """The clock."""
        return dict(self._ok(self.http.get("/_mock/clock")))

    def freeze(self, at: str | None = None) -> JSON:
        """Freeze the clock (now, or at an RFC 3339 instant)."""
        body: JSON = {"action": "freeze"} | ({"at": at} if at else {})
        return dict(self._ok(self.http.post("/_mock/clock", json=body)))

    def set_time(self, at: str) -> JSON:
        """Set the clock."""
        return dict(self._ok(self.http.post("/_mock/clock", json={"action": "set", "at": at})))

    def advance(self, seconds: float) -> JSON:
        """Move the clock forward (runs a due reconciliation)."""
        body = {"action": "advance", "seconds": seconds}
        return dict(self._ok(self.http.post("/_mock/clock", json=body)))

    def resume(self) -> JSON:
        """Let the clock run in real time again."""
        return dict(self._ok(self.http.post("/_mock/clock", json={"action": "resume"})))

    def fault(self, **spec: Any) -> JSON:
        """Queue a fault (count, status, item_errors, latency_ms, drop_connection, path...)."""
        return dict(self._ok(self.http.post("/_mock/faults", json=spec)))

    def clear_faults(self) -> JSON:
        """Drop queued faults."""
        return dict(self._ok(self.http.delete("/_mock/faults")))

    def config(self) -> JSON:
        """Active configuration."""
        return dict(self._ok(self.http.get("/_mock/config")))

    def configure(self, **settings: Any) -> JSON:
        """Change rule settings (e.g. churn_policy='flap', rate_limit=False)."""
        return dict(self._ok(self.http.patch("/_mock/config", json=settings)))

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()


class _MockHandle(_Closing):
    """What a started mock offers a test, however it is served."""

    def __init__(
        self,
        base_url: str,
        admin: AdminClient,
        api_key: str = DEFAULT_KEY,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.admin = admin
        """An :class:`AdminClient` for this mock."""
        self.api_key = api_key
        """The key :meth:`client` sends by default."""
        self._base_url = base_url
        self._transport = transport
        self._clients: list[httpx.Client] = []

    @property
    def base_url(self) -> str:
        """The mock's base URL: the value for ``ORTTO_LOCAL_ENDPOINT`` (the destination
        appends ``/v1``)."""
        return self._base_url

    @property
    def endpoint(self) -> str:
        """Alias of :attr:`base_url`."""
        return self._base_url

    @property
    def env(self) -> dict[str, str]:
        """Environment for a destination run against this mock."""
        return {"ORTTO_LOCAL_ENDPOINT": self.base_url}

    def client(self, api_key: str | None = None) -> httpx.Client:
        """An HTTP client for ``/v1`` with ``Authorization: Bearer <key>`` (closed with the
        mock)."""
        client = httpx.Client(
            base_url=self.base_url + "/v1",
            headers={"Authorization": f"Bearer {api_key or self.api_key}"},
            timeout=30,
            transport=self._transport,
        )
        self._clients.append(client)
        return client

    def _close_clients(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()
        self.admin.close()

    def stop(self) -> None:
        """Close the clients (and stop the server, if there is one)."""
        self._close_clients()

    def close(self) -> None:
        """Same as :meth:`stop`."""
        self.stop()


class RunningMock(_MockHandle):
    """A mock served by a real WSGI server (waitress) in a thread, on a loopback port."""

    def __init__(
        self, server: ThreadedServer, admin: AdminClient, api_key: str = DEFAULT_KEY
    ) -> None:
        super().__init__(server.base_url, admin, api_key)
        self.server = server
        """The server; :meth:`stop` stops it."""

    def stop(self) -> None:
        """Close the clients and stop the server."""
        self._close_clients()
        self.server.stop()


class InProcessMock(_MockHandle):
    """A mock called in this process through an httpx ``WSGITransport``: no port, no thread.

    Hand :attr:`transport` to anything built on httpx, for example
    ``OrttoActions(mock.api_key, endpoint=mock.base_url, transport=mock.transport)``.
    :attr:`base_url` is ``http://mock-ortto.invalid``, which nothing else can reach.
    """

    def __init__(self, app: Flask, admin_token: str | None = None) -> None:
        transport = httpx.WSGITransport(app=app)
        admin = AdminClient(IN_PROCESS_URL, admin_token, transport=transport)
        super().__init__(IN_PROCESS_URL, admin, transport=transport)
        self.app = app
        """The Flask app (``create_app()``)."""

    @property
    def transport(self) -> httpx.WSGITransport:
        """The httpx transport that delivers requests to :attr:`app`."""
        assert isinstance(self._transport, httpx.WSGITransport)
        return self._transport


def start_mock(
    config: ServerConfig | None = None, store: Store | None = None, threads: int = 8
) -> RunningMock:
    """Start the mock on a free loopback port; use the handle in ``with`` to stop it."""
    cfg = config or ServerConfig()
    app = create_app(cfg, store)
    server = ThreadedServer(app, "127.0.0.1", 0, threads=threads).start()
    return RunningMock(server=server, admin=AdminClient(server.base_url, cfg.admin_token))


def start_in_process(
    config: ServerConfig | None = None, store: Store | None = None
) -> InProcessMock:
    """A mock with fresh state that answers in this process, without a port or a thread."""
    cfg = config or ServerConfig()
    return InProcessMock(create_app(cfg, store), cfg.admin_token)
