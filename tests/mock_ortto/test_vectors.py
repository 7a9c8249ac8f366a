"""Every request body in the shared vectors is accepted, with the recorder's answers."""

from __future__ import annotations

import pytest

from mock_ortto.testing import RunningMock
from tests.mock_ortto.conftest import KEY, VECTORS, vector_requests

SCRIPTED = {  # the recorder was told to answer these; a well-behaved server answers 200
    "hook_create_audience_http_409",
    "upsert_batch_http_429",
    "upsert_batch_http_500",
    "upsert_batch_server_index_errors",
    "upsert_batch_text_body",
    "track_batch_server_index_errors_remapped",
}


def test_every_vector_request_is_accepted(live: RunningMock) -> None:
    import json

    client = live.client(KEY)
    seen = 0
    for scenario, req in vector_requests():
        assert req["authorization"] == f"Bearer {KEY}"
        body = req.get("body")
        kwargs = {"json": body} if body is not None else {}
        response = client.request(req["method"], req["path"].removeprefix("/v1"), **kwargs)
        seen += 1
        recorded = json.loads((VECTORS / f"{scenario}.json").read_text())
        answer = recorded["server_responses"][recorded["requests"].index(req)]
        if scenario in SCRIPTED:
            assert response.status_code == 200, (scenario, response.text)
            if isinstance(body, list):
                assert response.json() == {"errors": []}, scenario
            continue
        assert response.status_code == answer["status"], (scenario, response.text)
        assert response.json() == answer["body"], scenario
    assert seen >= 18


def test_vectors_build_expected_state(live: RunningMock) -> None:
    client = live.client(KEY)
    for _, req in vector_requests():
        body = req.get("body")
        client.request(
            req["method"],
            req["path"].removeprefix("/v1"),
            **({"json": body} if body is not None else {}),
        )
    audiences = {a["id"]: a["name"] for a in live.admin.audiences(KEY)}
    assert audiences["aud_0001"] == "VIP Customers"
    assert audiences["aud_0002"] == "Engage VIP"
    jane = live.admin.contacts(KEY, user_id="user-1001")
    assert len(jane) == 1
    assert jane[0]["anonymous_ids"] == ["anon-1001"]
    assert "churn_risk" not in jane[0]["traits"]  # null removes a trait
    assert jane[0]["location"]["city"] in {"Sydney", "Melbourne"}
    members = {
        m["contact_id"]: m["member"] for m in live.admin.memberships(KEY, audience_id="aud_0001")
    }
    vip = live.admin.contacts(KEY, user_id="user-5001")[0]["id"]
    assert members[vip] is True
    events = [a["event"] for a in live.admin.activities(KEY)]
    assert "Order Completed" in events and "Product Viewed" in events


@pytest.mark.parametrize("path", ["/identify", "/track"])
def test_empty_batch_is_fine(live: RunningMock, path: str) -> None:
    response = live.client().post(path, json=[])
    assert response.status_code == 200
    assert response.json() == {"errors": []}
