"""The assembled OpenAPI document: records match the views that write them, every request
body has a compiled validator, and nothing in it is an unread extension."""

from __future__ import annotations

from typing import Any

import fastjsonschema

from mock_ortto.config import ServerConfig
from mock_ortto.openapi import build
from mock_ortto.openapi.records import RECORDS
from mock_ortto.openapi.wire import BATCHES
from mock_ortto.testing import RunningMock
from mock_ortto.validation import Validators, _inline, body_schemas
from tests.mock_ortto.conftest import KEY

DOC = build(ServerConfig())
COMPONENTS = DOC["components"]["schemas"]


def _keys(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            found |= _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _keys(inner)
    return found


def test_every_view_matches_its_record_schema_key_for_key(live: RunningMock) -> None:
    client = live.client()
    audience = client.post("/audiences/create", json={"name": "R"}).json()["id"]
    member = {"audience": {"mode": "add", "id": audience}, "traits": {}}
    client.post("/identify", json=[{"user_id": "u", "anonymous_id": "a", "traits": {"t": 1}}])
    client.post("/track", json=[{"user_id": "u", "event": "E", "message_id": "m"}])
    client.put("/audiences/members", json=[{"user_id": "u", **member}])
    client.put(
        "/audiences/members",
        json=[{"user_id": "u", **member, "audience": {"mode": "remove", "id": audience}}],
    )
    client.put("/audiences/members", json=[{"user_id": "u", **member}])  # blocked: pending
    account = live.admin.snapshot()["accounts"][KEY]
    for key, (name, _, _) in RECORDS.items():
        schema = COMPONENTS[name]
        validate = fastjsonschema.compile(_inline(schema, COMPONENTS))
        assert account[key], key
        for record in account[key]:
            validate(record)
            assert set(record) == set(schema["properties"]), name
    assert set(account) == set(COMPONENTS["AccountState"]["properties"])


def test_every_request_body_and_item_has_a_validator() -> None:
    names = body_schemas(DOC)
    assert {"AudienceCreate", "Snapshot", "SettingsPatch", "FaultSpec"} <= set(names)
    validators = Validators(DOC)
    for name in [*names, *(batch.item_schema for batch in BATCHES)]:
        assert name in validators._compiled


def test_the_document_has_no_unread_extensions() -> None:
    assert not {key for key in _keys(DOC) if key.startswith("x-")}
    for batch in BATCHES:
        operation = DOC["paths"][batch.path][batch.method]
        assert batch.item_schema in operation["requestBody"]["description"]


def test_the_document_describes_exactly_the_routes_the_app_serves() -> None:
    from mock_ortto.app import create_app

    app = create_app(ServerConfig())
    served = {
        (rule.rule.replace("<int:entry_id>", "{entry_id}"), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    documented = {(path, method) for path, item in DOC["paths"].items() for method in item}
    assert served == documented
