"""Helpers to run the mock in a thread and drive its admin API over real HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from mock_ortto.app import create_app
from mock_ortto.config import ServerConfig
from mock_ortto.server import ThreadedServer
from mock_ortto.store.base import Store

JSON = dict[str, Any]
DEFAULT_KEY = "pau-0a1b2c3d4e5f6a7b"


class AdminClient:
    """Thin client for ``/_mock``; every method returns the decoded JSON answer."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        headers = {"X-Mock-Admin-Token": token} if token else {}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=30)

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
        query = {k: v for k, v in params.items() if v is not None}
        return list(self._ok(self.http.get(f"/_mock/{what}", params=query))[field_name])

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


@dataclass
class RunningMock:
    """A mock served by a real WSGI server in a thread."""

    server: ThreadedServer
    admin: AdminClient
    api_key: str = DEFAULT_KEY
    _clients: list[httpx.Client] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: the value for ``ORTTO_LOCAL_ENDPOINT``."""
        return self.server.base_url

    @property
    def endpoint(self) -> str:
        """Alias of :attr:`base_url` (the destination appends ``/v1``)."""
        return self.server.base_url

    @property
    def env(self) -> dict[str, str]:
        """Environment for a destination run against this mock."""
        return {"ORTTO_LOCAL_ENDPOINT": self.base_url}

    def client(self, api_key: str | None = None) -> httpx.Client:
        """An HTTP client for ``/v1`` with ``Authorization: Bearer <key>``."""
        client = httpx.Client(
            base_url=self.base_url + "/v1",
            headers={"Authorization": f"Bearer {api_key or self.api_key}"},
            timeout=30,
        )
        self._clients.append(client)
        return client

    def stop(self) -> None:
        """Stop the server and close clients."""
        for client in self._clients:
            client.close()
        self.admin.close()
        self.server.stop()


def start_mock(
    config: ServerConfig | None = None, store: Store | None = None, threads: int = 8
) -> RunningMock:
    """Start the mock on a free loopback port and return a handle."""
    cfg = config or ServerConfig()
    app = create_app(cfg, store)
    server = ThreadedServer(app, "127.0.0.1", 0, threads=threads).start()
    return RunningMock(server=server, admin=AdminClient(server.base_url, cfg.admin_token))
