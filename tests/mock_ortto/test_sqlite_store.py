"""The SQLite store: its writer lock, its per-transaction buffers (read back, rolled back) and
what a ``kill -9`` under load leaves."""

from __future__ import annotations

import itertools
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_ortto.models import Activity, Contact, Membership, TimelineEvent
from mock_ortto.store.sqlite import SQLiteStore
from tests.mock_ortto.conftest import KEY
from tests.mock_ortto.proc import ServerProcess

AUTH = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    opened = SQLiteStore(str(tmp_path / "s.sqlite3"))
    yield opened
    opened.close()


def _activity(number: int, contact_id: str) -> Activity:
    return Activity(f"act_{number}", contact_id, "ev", None, {}, f"m{number}", "2024-01-01", 0.0)


def _event(contact_id: str) -> TimelineEvent:
    return TimelineEvent("aud_0001", contact_id, 1.0, "entered", "add", "membership.add")


@pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows")
def test_a_writer_holds_an_flock_that_other_processes_wait_for(store: SQLiteStore) -> None:
    import fcntl

    other = os.open(store.path, os.O_RDONLY)  # as another process would open the file
    try:
        with store.transaction(), pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once the transaction ends
        fcntl.flock(other, fcntl.LOCK_UN)
    finally:
        os.close(other)


def test_one_contact_is_one_object_whichever_id_finds_it(store: SQLiteStore) -> None:
    with store.transaction() as txn:
        txn.save_contact(KEY, Contact("c_1", user_id="u1", anonymous_ids=["a1"]))
    with store.transaction() as txn:
        txn.prefetch_contacts(KEY, ["u1", "nobody"], ["a1", "\ud800"])
        by_user = txn.contact_by_user(KEY, "u1")
        assert by_user is not None and by_user is txn.contact_by_anon(KEY, "a1")
        assert by_user is txn.contact(KEY, "c_1")
        assert txn.contact_by_user(KEY, "nobody") is None


def test_what_a_transaction_writes_it_reads_back_before_the_commit(store: SQLiteStore) -> None:
    with store.transaction() as txn:
        for number in (1, 2):
            txn.save_contact(KEY, Contact(f"c_{number}", user_id=f"u{number}"))
        txn.save_contact(KEY, Contact("c_1", user_id="u1", traits={"plan": "pro"}))
        assert [c.id for c in txn.contacts(KEY)] == ["c_1", "c_2"]  # first-save order
        assert txn.contacts(KEY)[0].traits == {"plan": "pro"}
        assert txn.count(KEY, "contacts") == 2
        assert [txn.next_seq(KEY, "activity") for _ in range(3)] == [1, 2, 3]
        assert txn.seqs(KEY) == {"activity": 3}
        txn.add_activity(KEY, _activity(1, "c_1"))
        assert txn.activity_seen(KEY, "m1", "2024-01-01")
        assert [a.id for a in txn.activities(KEY)] == ["act_1"]
        txn.save_membership(KEY, Membership("aud_0001", "c_1", pending="remove"))
        assert [m.contact_id for _, m in txn.pending_memberships()] == ["c_1"]
        txn.delete_membership(KEY, "aud_0001", "c_1")
        assert txn.membership(KEY, "aud_0001", "c_1") is None
        assert txn.memberships(KEY) == []
        txn.add_timeline(KEY, _event("c_2"))
        txn.move_timeline(KEY, "c_2", "c_1")
        assert [e.contact_id for e in txn.timeline(KEY)] == ["c_1"]
        txn.delete_contact(KEY, "c_2")
        assert txn.contact_by_user(KEY, "u2") is None
    with store.reading() as txn:
        assert [c.id for c in txn.contacts(KEY)] == ["c_1"]
        assert txn.seqs(KEY) == {"activity": 3}
        assert txn.activity_seen(KEY, "m1", "2024-01-01")
        assert [e.contact_id for e in txn.timeline(KEY)] == ["c_1"]


def test_a_transaction_that_fails_writes_nothing(store: SQLiteStore) -> None:
    with pytest.raises(RuntimeError), store.transaction() as txn:
        txn.save_contact(KEY, Contact("c_1", user_id="u1"))
        txn.add_activity(KEY, _activity(1, "c_1"))
        txn.save_membership(KEY, Membership("aud_0001", "c_1"))
        txn.next_seq(KEY, "contact")
        raise RuntimeError("the request failed")
    with store.reading() as txn:
        assert txn.contacts(KEY) == []
        assert txn.activities(KEY) == []
        assert txn.memberships(KEY) == []
        assert txn.seqs(KEY) == {}


def test_memberships_loaded_for_a_batch_keep_what_the_transaction_saved(
    store: SQLiteStore,
) -> None:
    with store.transaction() as txn:
        for number in (1, 2, 3):
            txn.save_contact(KEY, Contact(f"c_{number}", user_id=f"u{number}"))
        txn.save_membership(KEY, Membership("aud_0001", "c_1", member=True))
    with store.transaction() as txn:
        txn.prefetch_contacts(KEY, ["u1", "u2", "u3"], [])
        saved = Membership("aud_0001", "c_2", member=True)
        txn.save_membership(KEY, saved)
        first = txn.membership(KEY, "aud_0001", "c_1")  # loads the batch's memberships
        assert first is not None and first.member
        assert txn.membership(KEY, "aud_0001", "c_2") is saved
        assert txn.membership(KEY, "aud_0001", "c_3") is None
        assert txn.membership(KEY, "aud_0002", "c_1") is None
    with store.reading() as txn:
        assert [m.contact_id for m in txn.memberships(KEY)] == ["c_1", "c_2"]


def test_records_kept_between_transactions_follow_another_writer(store: SQLiteStore) -> None:
    other = SQLiteStore(store.path)  # its own connection: as another process would write
    try:
        with store.transaction() as txn:
            txn.save_contact(KEY, Contact("c_1", user_id="u1", traits={"plan": "free"}))
            txn.save_membership(KEY, Membership("aud_0001", "c_1", member=True))
        with store.transaction() as txn:  # kept by this process from here on
            kept = txn.contact_by_user(KEY, "u1")
            assert kept is not None and kept.traits == {"plan": "free"}
        with other.transaction() as txn:
            changed = txn.contact_by_user(KEY, "u1")
            assert changed is not None
            changed.traits = {"plan": "pro"}
            txn.save_contact(KEY, changed)
            txn.save_contact(KEY, Contact("c_2", user_id="u2"))
            txn.delete_membership(KEY, "aud_0001", "c_1")
        with store.transaction() as txn:
            found = txn.contact_by_user(KEY, "u1")
            assert found is not None and found.traits == {"plan": "pro"}
            assert txn.contact_by_user(KEY, "u2") is not None
            assert txn.membership(KEY, "aud_0001", "c_1") is None
            found.traits["seats"] = 3
            txn.save_contact(KEY, found)  # an update of a row the other writer changed
        with other.reading() as txn:
            assert [c.traits for c in txn.contacts(KEY)] == [{"plan": "pro", "seats": 3}, {}]
    finally:
        other.close()


def test_a_record_changed_by_a_failed_transaction_is_read_again(store: SQLiteStore) -> None:
    with store.transaction() as txn:
        txn.save_contact(KEY, Contact("c_1", user_id="u1"))
    with pytest.raises(RuntimeError), store.transaction() as txn:
        contact = txn.contact_by_user(KEY, "u1")
        assert contact is not None
        contact.traits["plan"] = "pro"  # as the engine changes records before saving them
        raise RuntimeError("the request failed")
    with store.transaction() as txn:
        again = txn.contact_by_user(KEY, "u1")
        assert again is not None and again.traits == {}


@pytest.mark.slow
def test_kill_9_under_load_loses_no_acknowledged_item(tmp_path: Path) -> None:
    """Writers commit before they answer: whatever was acknowledged survives a SIGKILL."""
    store = f"sqlite:{tmp_path / 'k.sqlite3'}"
    server = ServerProcess("--store", store, "--rate-limit", "off")
    acknowledged: list[str] = []
    enough = threading.Event()

    def send(writer: int) -> None:
        with httpx.Client(base_url=server.base_url + "/v1", headers=AUTH, timeout=30) as client:
            for batch in itertools.count():
                users = [f"w{writer}-b{batch}-{i}" for i in range(20)]
                try:
                    answer = client.post("/identify", json=[{"user_id": u} for u in users])
                except httpx.HTTPError:
                    return  # the server was killed
                if answer.status_code == 200 and answer.json() == {"errors": []}:
                    acknowledged.extend(users)
                if len(acknowledged) >= 2000:
                    enough.set()

    writers = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    try:
        for writer in writers:
            writer.start()
        assert enough.wait(timeout=300)
        server.proc.send_signal(signal.SIGKILL)  # while the writers keep sending
        for writer in writers:
            writer.join(timeout=60)
    finally:
        server.stop()
    kept = acknowledged[:]  # nothing can be acknowledged after the kill
    second = ServerProcess("--store", store)
    try:
        stored = {
            c["user_id"]
            for c in httpx.get(
                second.base_url + "/_mock/contacts", params={"api_key": KEY, "limit": 10000}
            ).json()["contacts"]
        }
    finally:
        second.stop()
    assert len(kept) >= 2000
    assert set(kept) <= stored
