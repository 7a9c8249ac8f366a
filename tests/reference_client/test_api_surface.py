"""The Python API as users hold it: outcomes survive failed batches, clients close, one shape
for ``sent``, typed audience ids, and the in-process mock as a transport."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from mock_ortto.testing import AdminClient, InProcessMock, RunningMock
from reference_client.api import OrttoActions, OrttoAudiences
from reference_client.definitions import ORTTO_ACTIONS
from reference_client.runtime.errors import InvalidAuthenticationError
from reference_client.transport.transports import (
    HttpxTransport,
    OutgoingRequest,
    RawResponse,
    Transport,
    connect_failure,
)

KEY = "pau-0a1b2c3d4e5f6a7b"


def identify(user: str) -> dict[str, Any]:
    return {"type": "identify", "userId": user, "traits": {"email": f"{user}@example.com"}}


def engage(user: str, audience_id: str) -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": user,
        "context": {
            "personas": {
                "computation_class": "audience",
                "computation_key": "vip",
                "external_audience_id": audience_id,
            }
        },
        "traits": {"vip": True, "email": f"{user}@example.com"},
    }


class FaultAfterFirstRequest:
    """Real HTTP to the mock; once the first request is answered, queues a 503 for the next."""

    def __init__(self, inner: Transport, admin: AdminClient) -> None:
        self.inner = inner
        self.admin = admin
        self.sent = 0

    def send(self, request: OutgoingRequest, timeout: float) -> RawResponse:
        answer = self.inner.send(request, timeout)
        self.sent += 1
        if self.sent == 1:
            self.admin.fault(status=503, path="/v1/identify")
        return answer


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_failed_middle_batch_keeps_every_outcome(mock_ortto: RunningMock) -> None:
    transport = FaultAfterFirstRequest(HttpxTransport(), mock_ortto.admin)
    actions = OrttoActions(KEY, endpoint=mock_ortto.base_url, transport=transport)
    mapping = {**actions.destination.action("upsertContactProfile").default_mapping()}
    mapping["batch_size"] = 2
    users = [f"u{i}" for i in range(5)]
    outcomes = actions.upsert_contacts([identify(u) for u in users], mapping=mapping)

    assert transport.sent == 3
    assert [o.status for o in outcomes] == [200, 200, 503, 503, 200]
    failed = outcomes[2]
    assert (failed.errortype, failed.message) == ("SERVICE_UNAVAILABLE", "Service Unavailable")
    assert failed.retryable and failed.failed and not outcomes[0].failed
    stored = {c["user_id"] for c in mock_ortto.admin.contacts(KEY)}
    assert stored == {"u0", "u1", "u4"}


def test_an_unreachable_endpoint_gives_retryable_outcomes_per_event() -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    with OrttoActions(KEY, endpoint=endpoint) as actions:
        outcomes = actions.upsert_contacts([identify("u1"), identify("u2")])
    assert [(o.status, o.errortype) for o in outcomes] == [(None, "FetchError")] * 2
    assert all(o.retryable for o in outcomes)
    assert outcomes[0].label == "FetchError"
    assert outcomes[0].message == (
        f"request to {endpoint}/v1/identify failed, reason: connect ECONNREFUSED "
        f"{endpoint.removeprefix('http://')}"
    )


def test_a_key_the_destination_cannot_use_still_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORTTO_LOCAL_ENDPOINT", raising=False)
    with (
        OrttoActions("bad", transport=HttpxTransport(offline=True)) as actions,
        pytest.raises(InvalidAuthenticationError),
    ):
        actions.upsert_contacts([identify("u1")])


def test_clients_close_their_connections(mock_ortto: RunningMock) -> None:
    with OrttoActions(KEY, endpoint=mock_ortto.base_url) as actions:
        assert actions.upsert_contacts([identify("u1")])[0].ok
    with pytest.raises(RuntimeError, match="closed"):
        actions.upsert_contacts([identify("u2")])

    mine = HttpxTransport()
    borrowed = OrttoActions(KEY, endpoint=mock_ortto.base_url, transport=mine)
    borrowed.close()
    again = OrttoActions(KEY, endpoint=mock_ortto.base_url, transport=mine)
    assert again.upsert_contacts([identify("u3")])[0].ok  # a transport you pass stays yours
    mine.close()


def test_sent_has_one_shape_and_audience_ids_are_strings(mock_ortto: RunningMock) -> None:
    with OrttoAudiences(KEY, endpoint=mock_ortto.base_url) as audiences:
        audience_id = audiences.create_audience("VIP")
        assert isinstance(audience_id, str)
        assert audiences.get_audience(audience_id) == audience_id
        [synced] = audiences.sync_audience([engage("u9", audience_id)])
        [previewed] = audiences.preview_sync([engage("u9", audience_id)]).outcomes
    with OrttoActions(KEY, endpoint=mock_ortto.base_url) as actions:
        [upserted] = actions.upsert_contacts([identify("u1")])
    assert synced.ok and isinstance(synced.sent, dict) and isinstance(upserted.sent, dict)
    assert synced.sent["audience"] == {"mode": "add", "id": audience_id}
    assert previewed.sent == synced.sent


@pytest.mark.parametrize("user", ["u1", "u2"])  # the second run sees none of the first's state
def test_the_in_process_mock_serves_the_reference_client(
    mock_ortto_in_process: InProcessMock, user: str
) -> None:
    mock = mock_ortto_in_process
    with OrttoActions(mock.api_key, endpoint=mock.base_url, transport=mock.transport) as actions:
        actions.test_authentication()
        assert [o.ok for o in actions.upsert_contacts([identify(user)])] == [True]
    assert [c["user_id"] for c in mock.admin.contacts()] == [user]


def test_connection_failures_say_what_happened() -> None:
    lookup = httpx.ConnectError("lookup failed")
    lookup.__cause__ = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert connect_failure("https://ortto.example/v1/me", lookup) == (
        "getaddrinfo ENOTFOUND ortto.example",
        "ENOTFOUND",
    )
    refused = httpx.ConnectError("refused")
    refused.__context__ = ConnectionRefusedError(111, "Connection refused")
    assert connect_failure("https://ortto.example/v1/me", refused) == (
        "connect ECONNREFUSED ortto.example:443",
        "ECONNREFUSED",
    )


@pytest.mark.parametrize(
    ("mapping", "count", "most"),
    [
        (None, 500, 1),
        (None, 501, 2),
        (None, 0, 0),
        ({"batch_size": 100}, 1001, 11),
        ({"batch_size": 0}, 1001, 3),  # not a usable size: the default 500
    ],
)
def test_most_requests_counts_one_per_batch_size(
    mapping: dict[str, int] | None, count: int, most: int
) -> None:
    full = None
    if mapping is not None:
        full = {**ORTTO_ACTIONS.action("upsertContactProfile").default_mapping(), **mapping}
    with OrttoActions(KEY, transport=HttpxTransport(offline=True)) as actions:
        assert actions.most_requests("upsertContactProfile", count, full) == most
        events = [identify(f"u{n}") for n in range(count)]
        recorded = actions.preview("upsertContactProfile", events, mapping=full)
        assert len(recorded.requests) == most
