"""The repository snapshot tests of the real destination (``executed-vectors.json``).

Each snapshot maps literal values (``mapping = {...eventData, timestamp}``) through the single
event path; the request body must equal the recorded one, key order included.
"""

from __future__ import annotations

from typing import Any

import pytest

from reference_client.definitions import ORTTO_ACTIONS, ORTTO_AUDIENCES
from reference_client.js import json as js_json
from reference_client.runtime.engine import DestinationRuntime
from reference_client.transport.transports import PreviewTransport
from tests.conformance.vectors import snapshot_inputs

SNAPSHOTS = snapshot_inputs()
SNAPSHOT_TIMESTAMP = "2024-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    "snapshot",
    SNAPSHOTS,
    ids=[f"{s['seed']}-{'required' if s['requiredOnly'] else 'all'}" for s in SNAPSHOTS],
)
def test_snapshot_body(snapshot: dict[str, Any]) -> None:
    action = snapshot["action"]
    destination = ORTTO_AUDIENCES if action == "syncAudience" else ORTTO_ACTIONS
    mapping = dict(snapshot["generatedEventData"])
    if destination is ORTTO_ACTIONS:
        mapping["timestamp"] = SNAPSHOT_TIMESTAMP
    transport = PreviewTransport()
    runtime = DestinationRuntime(
        destination, env={"ORTTO_LOCAL_ENDPOINT": "http://127.0.0.1:9"}, transport=transport
    )
    event = {"type": "track", "event": "Test Event", "properties": snapshot["generatedEventData"]}
    runtime.execute(destination.action(action), event, mapping, {"api_key": "pau-key"})
    (request,) = transport.requests
    assert request.body is not None
    assert request.body.decode() == js_json.dumps(snapshot["body"])
