"""The SQLite store's schema: kept counts, pages found by record number after deletions, files
of the previous schema versions upgraded when opened and files of a newer one refused."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_ortto.models import Activity, Audience, Contact, TimelineEvent
from mock_ortto.store.sqlite import SCHEMA_VERSION, SQLiteStore
from tests.mock_ortto.conftest import KEY
from tests.mock_ortto.proc import ServerProcess

OTHER = "pau-ffffffffffffffff"

# The tables of version 1 (mock-ortto before record numbers and kept counts) that hold what
# this test stores, as that version created them.
_VERSION_1 = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE accounts (key TEXT PRIMARY KEY);
CREATE TABLE contacts (key TEXT, id TEXT, data TEXT, PRIMARY KEY (key, id));
CREATE TABLE activities (ord INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT,
    contact_id TEXT, data TEXT);
CREATE INDEX activities_contact ON activities (key, contact_id);
CREATE TABLE audiences (ord INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT,
    id TEXT, name TEXT, data TEXT);
CREATE TABLE timeline (ord INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT,
    audience_id TEXT, contact_id TEXT, data TEXT);
CREATE INDEX timeline_key ON timeline (key, audience_id, contact_id);
"""


# Version 2 as it created the tables that version 3 rebuilt or re-indexed (rowid tables,
# global ``ord`` numbers, an index of every membership's ``pending``).
_VERSION_2 = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
INSERT INTO meta VALUES ('schema', '2');
CREATE TABLE accounts (key TEXT PRIMARY KEY);
CREATE TABLE contacts (key TEXT, id TEXT, data TEXT, pos INTEGER, PRIMARY KEY (key, id));
CREATE TABLE users (key TEXT, user_id TEXT, contact_id TEXT, PRIMARY KEY (key, user_id));
CREATE TABLE anons (key TEXT, anon_id TEXT, contact_id TEXT, PRIMARY KEY (key, anon_id));
CREATE TABLE activities (ord INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT,
    contact_id TEXT, data TEXT, pos INTEGER);
CREATE INDEX activities_contact ON activities (key, contact_id);
CREATE INDEX activities_pos ON activities (key, pos);
CREATE TABLE seen (key TEXT, message_id TEXT, ts TEXT, PRIMARY KEY (key, message_id, ts));
CREATE TABLE memberships (key TEXT, audience_id TEXT, contact_id TEXT,
    pending INTEGER, data TEXT, PRIMARY KEY (key, audience_id, contact_id));
CREATE INDEX memberships_pending ON memberships (pending);
CREATE TABLE timeline (ord INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT,
    audience_id TEXT, contact_id TEXT, data TEXT);
CREATE INDEX timeline_account ON timeline (key);
CREATE INDEX timeline_contact ON timeline (key, contact_id);
CREATE TABLE counts (key TEXT, kind TEXT, n INTEGER, next INTEGER, PRIMARY KEY (key, kind));
"""


def _event(contact_id: str, audience_id: str = "aud_0001") -> str:
    return (
        f'{{"audience_id":"{audience_id}","contact_id":"{contact_id}","at":1.0,'
        '"kind":"entered","mode":"add","rule":"r","detail":""}'
    )


def _version_2_file(path: Path) -> None:
    """A file as version 2 left it: two accounts' activities and events interleaved."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(_VERSION_2)
    numbers = {KEY: 0, OTHER: 0}
    for number in range(1, 8):
        key = KEY if number % 3 else OTHER
        conn.execute("INSERT INTO accounts VALUES (?) ON CONFLICT DO NOTHING", (key,))
        conn.execute(
            "INSERT INTO contacts VALUES (?, ?, ?, ?)",
            (key, f"c_{number}", f'{{"id":"c_{number}","user_id":"u{number}"}}', numbers[key]),
        )
        conn.execute("INSERT INTO users VALUES (?, ?, ?)", (key, f"u{number}", f"c_{number}"))
        conn.execute(
            "INSERT INTO activities (key, contact_id, data, pos) VALUES (?, ?, ?, ?)",
            (key, "c_1" if number < 5 else f"c_{number}", _activity(number), numbers[key]),
        )
        conn.execute("INSERT INTO seen VALUES (?, ?, '2024-01-01')", (key, f"m{number}"))
        conn.execute(
            "INSERT INTO timeline (key, audience_id, contact_id, data) VALUES (?, ?, ?, ?)",
            (key, "aud_0001", f"c_{number % 2}", _event(f"c_{number % 2}")),
        )
        numbers[key] += 1
    for key, count in numbers.items():
        conn.execute("INSERT INTO counts VALUES (?, 'contacts', ?, ?)", (key, count, count))
        conn.execute("INSERT INTO counts VALUES (?, 'activities', ?, ?)", (key, count, count))
    conn.execute(
        "INSERT INTO memberships VALUES (?, 'aud_0001', 'c_4', 1, ?)",
        (KEY, '{"audience_id":"aud_0001","contact_id":"c_4","pending":"add"}'),
    )
    conn.close()


def test_a_version_2_file_is_upgraded_and_keeps_its_records_order_and_counts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v2.sqlite3"
    _version_2_file(path)
    store = SQLiteStore(str(path))
    try:
        with store.transaction() as txn:
            found = txn.contact_by_user(KEY, "u4")
            assert found is not None and found.id == "c_4"
            assert txn.activity_seen(KEY, "m5", "2024-01-01")
            assert not txn.activity_seen(KEY, "m5", "2024-01-02")
            assert [a.id for a in txn.activities(KEY, offset=1, limit=2)] == ["act_2", "act_4"]
            assert [a.id for a in txn.activities(KEY, contact_id="c_1")] == [
                "act_1",
                "act_2",
                "act_4",
            ]
            assert [txn.count(k, "activities") for k in (KEY, OTHER)] == [5, 2]
            assert [(k, m.contact_id) for k, m in txn.pending_memberships()] == [(KEY, "c_4")]
            txn.add_timeline(KEY, TimelineEvent("aud_0002", "c_0", 2.0, "exited", "remove", "r"))
            events = txn.timeline(KEY, contact_id="c_0")
            assert [(e.audience_id, e.at) for e in events] == [
                ("aud_0001", 1.0),
                ("aud_0001", 1.0),
                ("aud_0002", 2.0),
            ]
            assert len(txn.timeline(KEY, audience_id="aud_0001")) == 5
            assert len(txn.timeline(OTHER)) == 2
    finally:
        store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone() == ("3",)
    without_rowid = {
        name
        for name, sql in conn.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'table'")
        if sql.endswith("WITHOUT ROWID")
    }
    assert without_rowid == {"users", "anons", "seen", "activities", "timeline"}
    conn.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(str(tmp_path / "s.sqlite3"))
    yield opened
    opened.close()


def _activity(number: int) -> str:
    return (
        f'{{"id":"act_{number}","contact_id":"c_{number}","event":"ev","namespace":null,'
        f'"properties":{{}},"message_id":"m{number}","timestamp":"2024-01-01","received_at":0.0}}'
    )


def _version_1_file(path: Path) -> None:
    """A file as version 1 left it: two accounts' contacts interleaved, one deleted."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(_VERSION_1)
    for number in range(1, 8):
        key = KEY if number % 3 else OTHER
        conn.execute("INSERT INTO accounts VALUES (?) ON CONFLICT DO NOTHING", (key,))
        conn.execute(
            "INSERT INTO contacts VALUES (?, ?, ?)",
            (key, f"c_{number}", f'{{"id":"c_{number}","user_id":"u{number}"}}'),
        )
        conn.execute(
            "INSERT INTO activities (key, contact_id, data) VALUES (?, ?, ?)",
            (key, f"c_{number}", _activity(number)),
        )
    conn.execute("DELETE FROM contacts WHERE id = 'c_2'")
    conn.execute(
        "INSERT INTO audiences (key, id, name, data) VALUES (?, 'aud_0001', 'a', ?)",
        (KEY, '{"id":"aud_0001","name":"a","created_at":0.0}'),
    )
    conn.close()


def test_a_version_1_file_is_upgraded_and_keeps_its_records_order_and_counts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.sqlite3"
    _version_1_file(path)
    server = ServerProcess("--store", f"sqlite:{path}", "--rate-limit", "off")
    try:
        admin = httpx.Client(base_url=server.base_url + "/_mock", timeout=30)
        counts = {row["api_key"]: row for row in admin.get("/accounts").json()["accounts"]}
        assert [(r["contacts"], r["activities"], r["audiences"]) for r in counts.values()] == [
            (4, 5, 1),
            (2, 2, 0),
        ]
        page = admin.get("/contacts", params={"api_key": KEY, "limit": 2, "offset": 1}).json()
        assert [c["id"] for c in page["contacts"]] == ["c_4", "c_5"]
        assert page["next_offset"] == 3
        created = httpx.post(
            server.base_url + "/v1/identify",
            json=[{"user_id": "u-new"}],
            headers={"Authorization": f"Bearer {KEY}"},
            timeout=30,
        )
        assert created.status_code == 200
        rest = admin.get("/contacts", params={"api_key": KEY, "offset": 3}).json()
        assert [c["user_id"] for c in rest["contacts"]] == ["u7", "u-new"]
        acts = admin.get("/activities", params={"api_key": KEY, "offset": 4}).json()
        assert [a["id"] for a in acts["activities"]] == ["act_7"]
    finally:
        server.stop()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    conn.close()


def test_a_file_of_a_newer_schema_version_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    SQLiteStore(str(path)).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE meta SET value = ? WHERE name = 'schema'", (str(SCHEMA_VERSION + 1),))
    conn.close()
    with pytest.raises(OSError, match=f"schema version {SCHEMA_VERSION + 1}.*up to 3"):
        SQLiteStore(str(path))


def test_pages_after_deletions_match_the_list_of_every_record(store: SQLiteStore) -> None:
    with store.transaction() as txn:
        for number in range(700):
            txn.save_contact(KEY, Contact(f"c_{number}", user_id=f"u{number}"))
            txn.save_contact(OTHER, Contact(f"o_{number}", user_id=f"u{number}"))
    with store.transaction() as txn:
        for number in [*range(0, 300, 2), 301, 302, 650, 699]:
            txn.delete_contact(KEY, f"c_{number}")
    with store.reading() as txn:
        every = [c.id for c in txn.contacts(KEY)]
        assert len(every) == txn.count(KEY, "contacts") == 700 - 154
        assert every == sorted(every, key=lambda cid: int(cid[2:]))
        for offset in (0, 1, 149, 150, 151, 152, 300, 544, 545, 546, 5000):
            assert [c.id for c in txn.contacts(KEY, offset, 3)] == every[offset : offset + 3]
        assert txn.count(OTHER, "contacts") == 700


def test_counts_follow_adds_deletes_and_resets(store: SQLiteStore) -> None:
    with store.transaction() as txn:
        for number in range(3):
            txn.save_contact(KEY, Contact(f"c_{number}"))
            txn.add_activity(KEY, Activity(f"act_{number}", "c_0", "ev", None, {}, None, None, 0.0))
        txn.save_contact(KEY, Contact("c_0", traits={"plan": "pro"}))  # an update: no new row
        txn.add_audience(KEY, Audience("aud_0001", "a", 0.0))
        txn.delete_contact(KEY, "c_1")
        assert [txn.count(KEY, k) for k in ("contacts", "activities", "audiences")] == [2, 3, 1]
    with store.transaction() as txn:
        txn.reset(KEY)
        assert [txn.count(KEY, k) for k in ("contacts", "activities", "audiences")] == [0, 0, 0]
        txn.save_contact(KEY, Contact("c_9"))
        assert [c.id for c in txn.contacts(KEY, 0, 5)] == ["c_9"]
    with store.transaction() as txn:
        txn.reset(None)
        assert txn.count(KEY, "contacts") == 0
    with store.transaction() as txn:  # the triggers a full reset drops are back afterwards
        txn.save_contact(KEY, Contact("c_10"))
        txn.add_audience(KEY, Audience("aud_0002", "b", 0.0))
        txn.delete_contact(KEY, "c_10")
        txn.save_contact(KEY, Contact("c_11"))
        assert [txn.count(KEY, k) for k in ("contacts", "audiences")] == [1, 1]
        assert [c.id for c in txn.contacts(KEY, 0, 5)] == ["c_11"]
    store.close()
    SQLiteStore(store.path).close()  # the schema version survives a full reset
