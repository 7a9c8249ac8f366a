"""A batch leaves exactly the state its items leave when sent one by one.

The engine finds a batch's contacts with one store call and saves them with one at the end;
these tests hold that to the per-item semantics: the same contact several times, new and
known contacts mixed, merges, claims and moved anonymous ids, refused items in the middle.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_ortto import engine, snapshot
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.models import Contact
from mock_ortto.openapi import build
from mock_ortto.store.base import Store, Txn
from mock_ortto.store.memory import MemoryStore
from mock_ortto.store.sqlite import SQLiteStore
from mock_ortto.testing import RunningMock
from mock_ortto.validation import Validators
from tests.mock_ortto.conftest import KEY

JSON = dict[str, Any]
PATHS = {"identify": "/identify", "track": "/track", "members": "/audiences/members"}

SETUP: list[tuple[str, list[JSON]]] = [
    (
        "identify",
        [
            {"user_id": "u1", "anonymous_id": "a1", "traits": {"x": 1}},
            {"anonymous_id": "a2", "traits": {"y": 1}},
            {"user_id": "u3", "anonymous_id": "a3", "location": {"city": "Hobart"}},
        ],
    ),
    (
        "members",
        [{"anonymous_id": "a2", "audience": {"mode": "add", "id": "aud_0001"}, "traits": {}}],
    ),
    (
        "track",
        [
            {
                "anonymous_id": "a2",
                "event": "E",
                "message_id": "m0",
                "timestamp": "2024-05-01T09:00:00Z",
            }
        ],
    ),
]
"""State every scenario starts from: contacts by user and anonymous id, an anonymous-only
contact with a membership and an activity (so a merge has something to move)."""

SCENARIOS: dict[str, list[JSON]] = {
    "identify": [
        {"user_id": "u1", "traits": {"x": 2, "z": 1}},  # known
        {"user_id": "u4", "anonymous_id": "a4", "traits": {"n": 1}},  # new
        {"traits": {"no": "ids"}},  # refused: no identity
        {"user_id": "u1", "anonymous_id": "a2", "traits": {"x": None}},  # merge a2 into u1
        {"user_id": "u4", "anonymous_id": "a3"},  # a3 moves from u3 to u4
        {"user_id": "u1", "location": {"city": "Perth", "state": None}},  # u1 again
        {"user_id": 5},  # refused: schema
        {"anonymous_id": "a5", "traits": {"k": 1}},  # new, anonymous only
        {"user_id": "u5", "anonymous_id": "a5"},  # claims it
        {"anonymous_id": "a4", "ip": "203.0.113.9"},  # known by anonymous id
        {"user_id": "u4", "anonymous_id": "a1"},  # a1 moves from u1 to u4
        {"user_id": "u6", "anonymous_id": "a2"},  # a2 (merged into u1) moves to a new user
    ],
    "track": [
        {"user_id": "u1", "event": "A", "message_id": "m1", "timestamp": "2024-05-01T09:00:00Z"},
        {"user_id": "u1", "anonymous_id": "a2", "event": "B"},  # merge: a2's activity moves
        {"user_id": "u7", "event": "  "},  # refused: blank event
        {"user_id": "u7", "event": "A", "message_id": "m1", "timestamp": "2024-05-01T09:00:00Z"},
        {"user_id": "u1", "event": "A", "message_id": "m1", "timestamp": "2024-05-01T09:00:00Z"},
        {"anonymous_id": "a8", "event": "C", "properties": {"p": 1}},
    ],
    "members": [
        {"user_id": "u1", "audience": {"mode": "add", "id": "aud_0001"}, "traits": {"t": 1}},
        {
            "user_id": "u1",
            "anonymous_id": "a2",
            "audience": {"mode": "add", "id": "aud_0001"},
            "traits": {},
        },  # merge: both were members
        {"user_id": "u9", "audience": {"mode": "add", "id": "aud_0404"}, "traits": {}},  # 404
        {"user_id": "u9", "audience": {"mode": "add", "id": "aud_0001"}, "traits": {}},
        {"user_id": "u9", "audience": {"mode": "remove", "id": "aud_0001"}, "traits": {}},
        {"anonymous_id": "a3", "audience": {"mode": "remove", "id": "aud_0001"}, "traits": {}},
        {"user_id": "u1", "audience": {"mode": "add", "id": "aud_0001"}, "traits": {"t": None}},
    ],
}


def _run(live: RunningMock, kind: str, one_by_one: bool) -> tuple[JSON, list[JSON]]:
    """Reset, build the setup state, send the scenario; the snapshot and the item errors."""
    live.admin.reset()
    live.admin.freeze("2024-05-01T10:00:00Z")
    client = live.client()
    assert client.post("/audiences/create", json={"name": "A"}).json()["id"] == "aud_0001"
    for setup_kind, items in SETUP:
        method = "PUT" if setup_kind == "members" else "POST"
        answer = client.request(method, PATHS[setup_kind], json=items)
        assert answer.json() == {"errors": []}
    method = "PUT" if kind == "members" else "POST"
    items = SCENARIOS[kind]
    errors: list[JSON] = []
    if one_by_one:
        for index, item in enumerate(items):
            answer = client.request(method, PATHS[kind], json=[item])
            errors += [{**e, "index": index} for e in answer.json()["errors"]]
    else:
        errors = client.request(method, PATHS[kind], json=items).json()["errors"]
    return live.admin.snapshot(), errors


def test_scenarios_leave_the_state_of_their_items_sent_one_by_one(live: RunningMock) -> None:
    for kind in SCENARIOS:
        batch_state, batch_errors = _run(live, kind, one_by_one=False)
        item_state, item_errors = _run(live, kind, one_by_one=True)
        assert batch_errors == item_errors
        assert [e["index"] for e in batch_errors] == {
            "identify": [2, 6],
            "track": [2],
            "members": [2],
        }[kind]
        assert batch_state == item_state, kind


def test_a_merge_inside_a_batch_leaves_one_contact_with_every_id(live: RunningMock) -> None:
    state, _ = _run(live, "identify", one_by_one=False)
    contacts = {c["user_id"]: c for c in state["accounts"][KEY]["contacts"]}
    assert contacts["u1"]["traits"] == {"z": 1, "y": 1}  # x removed by null, a2's y merged
    assert contacts["u1"]["location"] == {"city": "Perth"}
    assert contacts["u4"]["anonymous_ids"] == ["a4", "a3", "a1"]
    assert contacts["u4"]["ip"] == "203.0.113.9"
    assert contacts["u6"]["anonymous_ids"] == ["a2"]
    assert contacts["u5"]["anonymous_ids"] == ["a5"] and contacts["u5"]["traits"] == {"k": 1}
    assert contacts["u3"]["anonymous_ids"] == []
    assert None not in contacts  # no anonymous-only contact is left


# --- the same, for any batch, on both stores (through the engine) --------------------------

SETTINGS = Settings(rate_limit=False, max_depth=3)
VALIDATORS = Validators(build(ServerConfig(settings=SETTINGS)))
USERS = st.sampled_from([None, "", "u1", "u2", "u3"])
ANONS = st.sampled_from([None, "", "a1", "a2", "a3", "a4"])
VALUES = st.sampled_from([None, 1, "v", [1], {"deep": {"er": {"than": 3}}}])
TRAITS = st.none() | st.dictionaries(st.sampled_from(["x", "y", "z"]), VALUES, max_size=3)
AUDIENCES = st.sampled_from(["aud_0001", "aud_0002", "aud_0404"])


@st.composite
def items(draw: st.DrawFn, kind: str) -> JSON:
    item: JSON = {}
    for name, values in (("user_id", USERS), ("anonymous_id", ANONS), ("traits", TRAITS)):
        value = draw(values)
        if value is not None:
            item[name] = value
    if draw(st.booleans()):
        item["location"] = {"city": draw(st.sampled_from(["Perth", None]))}
    if kind == "track":
        item["event"] = draw(st.sampled_from(["E", "F", " "]))
        if draw(st.booleans()):
            item["message_id"] = draw(st.sampled_from(["m1", "m2"]))
            item["timestamp"] = "2024-05-01T09:00:00Z"
    if kind == "members":
        item.setdefault("traits", {})
        mode = draw(st.sampled_from(["add", "remove"]))
        item["audience"] = {"mode": mode, "id": draw(AUDIENCES)}
    return item


@contextmanager
def stores() -> Iterator[list[tuple[Store, Store]]]:
    """A (batch, one by one) pair of fresh stores of each kind."""
    with tempfile.TemporaryDirectory() as folder:
        sqlite = [SQLiteStore(str(Path(folder) / f"{n}.sqlite3")) for n in ("batch", "items")]
        try:
            yield [(MemoryStore(), MemoryStore()), (sqlite[0], sqlite[1])]
        finally:
            for store in sqlite:
                store.close()


Run = tuple[str, list[JSON], float, int]
"""A batch: its kind, its items, the clock, and the number of its first item overall."""


def _apply(store: Store, runs: list[Run]) -> tuple[JSON, list[JSON], list[JSON]]:
    """The state after the runs, their item errors and decisions (each numbered overall)."""
    errors: list[JSON] = []
    decisions: list[JSON] = []
    with store.transaction() as txn:
        for name in ("A", "B"):
            engine.create_or_get_audience(txn, KEY, name, 0.0)
    for kind, batch, now, first in runs:
        with store.transaction() as txn:
            _check_updates_keep_ids(txn)
            result = engine.process_batch(txn, KEY, kind, batch, now, SETTINGS, VALIDATORS)
        errors += [{**e, "index": first + e["index"]} for e in result.errors]
        decisions += [{**d, "index": first + d["index"]} for d in result.decisions]
    with store.transaction() as txn:
        _assert_ids_point_at_their_contacts(txn)
        return snapshot.export(txn), errors, decisions


def _check_updates_keep_ids(txn: Txn) -> None:
    """Make ``txn.update_contacts`` fail on a contact whose ids differ from those it had when
    the transaction began (such a contact must go through ``save_contacts``)."""
    before = {c.id: (c.user_id, list(c.anonymous_ids)) for c in txn.contacts(KEY)}
    update = txn.update_contacts

    def checked(key: str, contacts: list[Contact]) -> None:
        for contact in contacts:
            assert before.get(contact.id) == (contact.user_id, contact.anonymous_ids), contact
        update(key, contacts)

    txn.update_contacts = checked  # type: ignore[method-assign]


def _assert_ids_point_at_their_contacts(txn: Txn) -> None:
    """The store finds every contact by each id it holds (what the next batch relies on)."""
    for contact in txn.contacts(KEY):
        if contact.user_id is not None:
            found = txn.contact_by_user(KEY, contact.user_id)
            assert found is not None and found.id == contact.id, (contact, found)
        for anon in contact.anonymous_ids:
            found = txn.contact_by_anon(KEY, anon)
            assert found is not None and found.id == contact.id, (contact, anon, found)


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    kinds=st.lists(st.sampled_from(["identify", "track", "members"]), min_size=1, max_size=3),
)
def test_any_batch_leaves_the_state_of_its_items_applied_one_by_one(
    data: st.DataObject, kinds: list[str]
) -> None:
    batches: list[Run] = []
    first = 0
    for now, kind in enumerate(kinds, start=1):
        batch = data.draw(st.lists(items(kind), max_size=8))
        batches.append((kind, batch, float(now), first))
        first += len(batch)
    one_by_one: list[Run] = [
        (kind, [item], now, start + index)
        for kind, batch, now, start in batches
        for index, item in enumerate(batch)
    ]
    with stores() as pairs:
        for batch_store, item_store in pairs:
            assert _apply(batch_store, batches) == _apply(item_store, one_by_one)
