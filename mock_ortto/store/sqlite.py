"""SQLite store: one file shared by threads and processes; state survives restarts.

Records are kept as JSON next to the columns used for look-ups. Each request runs in one
``BEGIN IMMEDIATE`` transaction, so concurrent workers serialise their writes.

Writers queue for the write lock outside SQLite: a thread lock within a process and an
``flock`` on the database file across processes. Both wake the next writer the moment the
lock is free; SQLite's own busy handler, left as a fallback for other programs, polls in
sleeps of up to 100 ms, which under load made some requests wait far longer than others.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from typing import Any, TypeVar

import orjson

if sys.platform != "win32":
    import fcntl

from mock_ortto.clock import ClockState
from mock_ortto.models import Activity, Audience, Contact, Membership, TimelineEvent
from mock_ortto.store.base import Store, Txn

JSON = dict[str, Any]

# Version 3 forms of the tables it rebuilt: no rowid (one b-tree each), the account first in
# the key; the numbered rows of an account (activities by ``pos``, timeline events by ``ord``)
# are consecutive, so a page needs no index of its own.
_REBUILT = {
    "users": ("key TEXT, user_id TEXT, contact_id TEXT, PRIMARY KEY (key, user_id)"),
    "anons": ("key TEXT, anon_id TEXT, contact_id TEXT, PRIMARY KEY (key, anon_id)"),
    "seen": ("key TEXT, message_id TEXT, ts TEXT, PRIMARY KEY (key, message_id, ts)"),
    "activities": ("key TEXT, pos INTEGER, contact_id TEXT, data TEXT, PRIMARY KEY (key, pos)"),
    "timeline": (
        "key TEXT, ord INTEGER, audience_id TEXT, contact_id TEXT, data TEXT,"
        " PRIMARY KEY (key, ord)"
    ),
}


def _create(table: str, name: str | None = None) -> str:
    """``CREATE TABLE`` of a table of :data:`_REBUILT` (under ``name`` while it is rebuilt)."""
    return f"CREATE TABLE IF NOT EXISTS {name or table} ({_REBUILT[table]}) WITHOUT ROWID;"


# Queries filtered by contact or audience name their index (``INDEXED BY``): without
# statistics SQLite would rather walk the account's rows in key order than look each row up.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS accounts (key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS seqs (key TEXT, kind TEXT, value INTEGER, PRIMARY KEY (key, kind));
CREATE TABLE IF NOT EXISTS rates (key TEXT, win INTEGER, start INTEGER, count INTEGER,
    PRIMARY KEY (key, win));
CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT);
CREATE TABLE IF NOT EXISTS contacts (key TEXT, id TEXT, data TEXT, pos INTEGER,
    PRIMARY KEY (key, id));
{rebuilt}
CREATE TABLE IF NOT EXISTS audiences (ord INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT,
    id TEXT, name TEXT, data TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS audiences_id ON audiences (key, id);
CREATE INDEX IF NOT EXISTS audiences_name ON audiences (key, name);
CREATE TABLE IF NOT EXISTS memberships (key TEXT, audience_id TEXT, contact_id TEXT,
    pending INTEGER, data TEXT, PRIMARY KEY (key, audience_id, contact_id));
CREATE TABLE IF NOT EXISTS counts (key TEXT, kind TEXT, n INTEGER, next INTEGER,
    PRIMARY KEY (key, kind));
CREATE TABLE IF NOT EXISTS gaps (key TEXT, kind TEXT, pos INTEGER, PRIMARY KEY (key, kind, pos));
""".replace("{rebuilt}", "\n".join(_create(table) for table in _REBUILT))

SCHEMA_VERSION = 3
"""Version 2 keeps record counts in ``counts`` and numbers the contacts and activities of
each account (``pos``) so that a page at any offset is an index look-up. Version 3 (this
one) rebuilds the tables of :data:`_REBUILT` without rowid and indexes only the deferred
memberships: fewer b-trees to write per item. Files of versions 1 (no ``schema`` in
``meta``) and 2 are upgraded when opened; newer ones refused."""


_NUMBERED = ("contacts", "activities")  # tables whose rows carry their account's number (pos)


def _counted(table: str, kind: str) -> str:
    """Triggers that keep ``counts`` (and, for numbered tables, ``gaps``) in step with a table."""
    numbered = kind in _NUMBERED
    gap = f" INSERT INTO gaps VALUES (old.key, '{kind}', old.pos);" if numbered else ""
    return f"""
CREATE TRIGGER IF NOT EXISTS {table}_added AFTER INSERT ON {table} BEGIN
    INSERT INTO counts VALUES (new.key, '{kind}', 1, 1) ON CONFLICT (key, kind)
        DO UPDATE SET n = n + 1, next = next + 1;
END;
CREATE TRIGGER IF NOT EXISTS {table}_removed AFTER DELETE ON {table} BEGIN
    UPDATE counts SET n = n - 1 WHERE key = old.key AND kind = '{kind}';{gap}
END;"""


def _numbering(table: str) -> str:
    """Number the rows of each account in a version 1 table, 0, 1, 2 ... in their order."""
    return f"""
UPDATE {table} SET pos = numbered.n FROM (SELECT rowid AS id,
    row_number() OVER (PARTITION BY key ORDER BY rowid) - 1 AS n FROM {table}) AS numbered
    WHERE {table}.rowid = numbered.id;"""


_COUNT = """
INSERT OR REPLACE INTO counts SELECT key, 'contacts', COUNT(*), COUNT(*) FROM contacts GROUP BY key;
INSERT OR REPLACE INTO counts
    SELECT key, 'activities', COUNT(*), COUNT(*) FROM activities GROUP BY key;
INSERT OR REPLACE INTO counts
    SELECT key, 'audiences', COUNT(*), COUNT(*) FROM audiences GROUP BY key;
"""

_INDEXES = """
CREATE INDEX IF NOT EXISTS contacts_pos ON contacts (key, pos);
CREATE INDEX IF NOT EXISTS activities_contact ON activities (key, contact_id, pos);
CREATE INDEX IF NOT EXISTS memberships_key ON memberships (key);
CREATE INDEX IF NOT EXISTS memberships_audience ON memberships (key, audience_id);
CREATE INDEX IF NOT EXISTS memberships_contact ON memberships (key, contact_id);
DROP INDEX IF EXISTS memberships_pending;
CREATE INDEX IF NOT EXISTS memberships_deferred ON memberships (key, audience_id, contact_id)
    WHERE pending = 1;
CREATE INDEX IF NOT EXISTS timeline_audience ON timeline (key, audience_id, ord);
CREATE INDEX IF NOT EXISTS timeline_contact ON timeline (key, contact_id, ord);
"""
"""Run whenever a file is opened; a membership is in ``memberships_deferred`` only while
it has a deferred instruction, so saving the others writes no index."""

_COUNTED_TABLES = ("contacts", "activities", "audiences")
_TRIGGERS = "".join(_counted(table, table) for table in _COUNTED_TABLES)
_NO_TRIGGERS = "".join(
    f"DROP TRIGGER IF EXISTS {table}_{event};\n"
    for table in _COUNTED_TABLES
    for event in ("added", "removed")
)
"""Dropped while a full reset empties every table, so that SQLite's whole-table delete (no
row visited) applies: with the triggers, a reset visits every row (about 10 s at 1M)."""

_ACCOUNT_TABLES = (
    "accounts",
    "seqs",
    "rates",
    "contacts",
    "users",
    "anons",
    "activities",
    "seen",
    "audiences",
    "memberships",
    "timeline",
    "counts",  # after the tables whose triggers write to it
    "gaps",
)


def _dumps(value: Any) -> str:
    """JSON text of a value or a record (dataclass); orjson, else the standard encoder.

    orjson refuses what it cannot write as UTF-8 (lone surrogates) and integers beyond 64
    bits; the standard encoder writes those as ASCII escapes and digits.
    """
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        plain = asdict(value) if is_dataclass(value) and not isinstance(value, type) else value
        return json.dumps(plain, separators=(",", ":"))


def _loads(data: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # lone surrogate escapes, huge integers
        return json.loads(data)


def _by_index(table: str, column: str) -> str:
    """The contacts an index table points to, with the indexed value; the caller appends
    ``= ?`` or ``IN (...)``."""
    return (
        f"SELECT c.id, c.data, i.{column} FROM {table} i"
        " JOIN contacts c ON c.key = i.key AND c.id = i.contact_id"
        f" WHERE i.key = ? AND i.{column}"
    )


_BY_USER = _by_index("users", "user_id")
_BY_ANON = _by_index("anons", "anon_id")
_IN_CHUNK = 500  # values per IN (...) list, well under SQLite's limit on parameters


def _bindable(text: str) -> bool:
    """Whether SQLite can take this text as a parameter (UTF-8: no lone surrogates)."""
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:  # an invalid item's id: the item is refused, never looked up
        return False
    return True


def _limit(limit: int | None) -> int:
    return -1 if limit is None else limit  # SQLite: a negative LIMIT means no limit


def _where(key: str, **filters: str | None) -> tuple[str, list[Any]]:
    """``WHERE`` text and parameters for an account and the filters that are set (each filter
    an equality on its column), written so that SQLite picks the index of those columns."""
    clauses, args = ["key = ?"], [key]
    for column, value in filters.items():
        if value is not None:
            clauses.append(f"{column} = ?")
            args.append(value)
    return " WHERE " + " AND ".join(clauses), args


def _numbered_insert(table: str, columns: str) -> str:
    """``INSERT`` of a row that takes the next number (``pos``) of its account and kind."""
    marks = ", ".join(f"?{n}" for n in range(1, columns.count(",") + 2))
    return (
        f"INSERT INTO {table} ({columns}, pos) SELECT {marks}, COALESCE((SELECT next FROM counts"
        f" WHERE key = ?1 AND kind = '{table}'), 0) WHERE true"
    )


_SAVE_CONTACT = _numbered_insert("contacts", "key, id, data") + (
    " ON CONFLICT (key, id) DO UPDATE SET data = excluded.data"
)
_UPDATE_CONTACT = "UPDATE contacts SET data = ? WHERE key = ? AND id = ?"
_ADD_ACTIVITY = _numbered_insert("activities", "key, contact_id, data")
_ADD_EVENT = "INSERT INTO timeline VALUES (?, ?, ?, ?, ?)"
_SAVE_MEMBERSHIP = (
    "INSERT INTO memberships VALUES (?, ?, ?, ?, ?) ON CONFLICT (key, audience_id, contact_id)"
    " DO UPDATE SET pending = excluded.pending, data = excluded.data"
)
_UPDATE_MEMBERSHIP = (
    "UPDATE memberships SET pending = ?, data = ? WHERE key = ? AND audience_id = ?"
    " AND contact_id = ?"
)


def _contact(data: str) -> Contact:
    return Contact(**_loads(data))


def _membership(data: str) -> Membership:
    return Membership(**_loads(data))


_CACHE_RECORDS = 32_768
"""Most contacts, memberships and de-duplication keys a process keeps between transactions;
beyond it they are dropped at the start of the next transaction (and read again as needed)."""


_Slot = TypeVar("_Slot", bound=tuple[str, ...])
_Record = TypeVar("_Record")


def _pending(membership: Membership) -> int:
    """The ``pending`` column: 1 when the membership holds a deferred instruction."""
    return 1 if membership.pending is not None else 0


class _Records:
    """Records a process has read or written, decoded, kept between its write transactions.

    Only write transactions use it, one at a time (under the writer lock), all on one
    connection: ``PRAGMA data_version`` on that connection changes when any other connection
    (another process, another program) commits, and then everything here is dropped. A
    transaction that rolls back drops it too (the engine changes records in place).
    """

    def __init__(self) -> None:
        self.version: int | None = None
        self.audiences: dict[tuple[str, str], Audience] = {}
        self.touched: set[str] = set()
        # The user and anonymous ids each loaded contact has in the file, so that saving it
        # rewrites only the index rows that changed.
        self.indexed: dict[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {}
        # (key, contact id) -> the contact, or None where it is known not to exist.
        self.contacts: dict[tuple[str, str], Contact | None] = {}
        # (key, user id) and (key, anonymous id) -> contact id, or None: known to be unused.
        self.users: dict[tuple[str, str], str | None] = {}
        self.anons: dict[tuple[str, str], str | None] = {}
        # (key, audience id, contact id) -> the membership, or None where there is none.
        self.members: dict[tuple[str, str, str], Membership | None] = {}
        self.seqs: dict[tuple[str, str], int] = {}
        self.seen: set[tuple[str, str, str]] = set()  # (key, message id, timestamp) stored
        self.meta: dict[str, str | None] = {}  # meta rows read or written (None: no row)
        # Contacts and memberships known to have a row in the file: saved with an UPDATE.
        self.stored: set[tuple[str, str]] = set()
        self.stored_members: set[tuple[str, str, str]] = set()
        self.timeline_next: dict[str, int] = {}  # key -> the number of its next timeline event

    def clear(self) -> None:
        """Forget every record (a reset, or the file is not as this process left it)."""
        for kept in (
            self.audiences,
            self.touched,
            self.indexed,
            self.contacts,
            self.users,
            self.anons,
            self.members,
            self.seqs,
            self.seen,
            self.meta,
            self.stored,
            self.stored_members,
            self.timeline_next,
        ):
            kept.clear()

    def check(self, version: int) -> None:
        """Keep the records if the file is as this process left it (and they are not many)."""
        many = len(self.contacts) + len(self.members) + len(self.seen) > _CACHE_RECORDS
        if version != self.version or many:
            self.clear()
            self.version = version

    def forget(self) -> None:
        """Forget every record and the version (a transaction rolled back)."""
        self.clear()
        self.version = None


class _SQLiteTxn(Txn):
    """One transaction. What a batch reads and writes item by item stays in memory.

    Each contact and membership is one object (as in the memory store), so an item that
    finds the same contact by user id and by anonymous id decodes it once; write
    transactions share these objects with the next ones of the process (:class:`_Records`).
    Saved contacts and memberships, new activities and timeline events, and sequence values
    are written by :meth:`flush`, one ``executemany`` per statement, before the commit and
    before any other query of those tables: every read sees every write before it.
    """

    def __init__(self, conn: sqlite3.Connection, records: _Records | None = None) -> None:
        self.connection = conn
        self._c = conn.cursor()  # one cursor per transaction: cheaper than conn.execute
        r = records if records is not None else _Records()
        self._r = r
        self._audiences = r.audiences
        self._touched = r.touched
        self._indexed = r.indexed
        self._contacts = r.contacts
        self._users = r.users
        self._anons = r.anons
        self._members = r.members
        self._seqs = r.seqs
        self._seen = r.seen
        self._unsaved: dict[tuple[str, str], Contact] = {}
        self._unsaved_members: dict[tuple[str, str, str], Membership] = {}
        self._member_audiences: set[tuple[str, str]] = set()  # (key, audience id) prefetched
        self._unsaved_seqs: set[tuple[str, str]] = set()
        self._batch: dict[tuple[str, str], None] = {}  # (key, contact id) the batch names
        self._rows: dict[str, list[tuple[Any, ...]]] = {}  # statement -> rows to insert
        self._events: list[tuple[str, str, str, str]] = []  # timeline rows, without numbers

    def _later(self, sql: str, row: tuple[Any, ...]) -> None:
        self._rows.setdefault(sql, []).append(row)

    def _loaded(self, key: str, contact_id: str, data: str | None) -> Contact | None:
        """The contact of this transaction with this id; ``data`` is its stored row."""
        slot = (key, contact_id)
        if slot in self._contacts:
            return self._contacts[slot]
        contact = None if data is None else _contact(data)
        self._contacts[slot] = contact
        if contact is not None:
            self._indexed[slot] = (contact.user_id, tuple(contact.anonymous_ids))
            self._r.stored.add(slot)
        return contact

    def _write_rows(
        self,
        unsaved: dict[_Slot, _Record],
        stored: set[_Slot],
        insert: str,
        insert_row: Callable[[_Slot, _Record], tuple[Any, ...]],
        update: str,
        update_row: Callable[[_Slot, _Record], tuple[Any, ...]],
    ) -> None:
        """Write ``unsaved`` records: an ``insert`` for those without a row in the file yet
        (then known to have one), an ``update`` for the others; forget them as unsaved."""
        if not unsaved:
            return
        inserts, updates = [], []
        for slot, record in unsaved.items():
            if slot in stored:
                updates.append(update_row(slot, record))
            else:
                inserts.append(insert_row(slot, record))
                stored.add(slot)
        if inserts:
            self._c.executemany(insert, inserts)
        if updates:
            self._c.executemany(update, updates)
        unsaved.clear()

    def flush(self) -> None:
        """Write what was saved since the last flush, in the order it was saved."""
        # New rows take the next numbers (pos) in the order they were saved.
        self._write_rows(
            self._unsaved,
            self._r.stored,
            _SAVE_CONTACT,
            lambda slot, c: (slot[0], c.id, _dumps(c)),
            _UPDATE_CONTACT,
            lambda slot, c: (_dumps(c), slot[0], c.id),
        )
        self._write_rows(
            self._unsaved_members,
            self._r.stored_members,
            _SAVE_MEMBERSHIP,
            lambda slot, m: (*slot, _pending(m), _dumps(m)),
            _UPDATE_MEMBERSHIP,
            lambda slot, m: (_pending(m), _dumps(m), *slot),
        )
        if self._unsaved_seqs:
            self._c.executemany(
                "INSERT OR REPLACE INTO seqs VALUES (?, ?, ?)",
                [(key, kind, self._seqs[(key, kind)]) for key, kind in self._unsaved_seqs],
            )
            self._unsaved_seqs.clear()
        for sql, rows in self._rows.items():
            self._c.executemany(sql, rows)
        self._rows.clear()
        if self._events:
            self._c.executemany(_ADD_EVENT, list(self._numbered_events()))
            self._events.clear()

    def _numbered_events(self) -> Iterator[tuple[str, int, str, str, str]]:
        """The timeline rows to write, each with the next number of its account."""
        following = self._r.timeline_next
        for key, audience_id, contact_id, data in self._events:
            number = following.get(key)
            if number is None:
                last = self._one("SELECT MAX(ord) FROM timeline WHERE key = ?", key)
                number = 1 if last is None else int(last) + 1
            following[key] = number + 1
            yield key, number, audience_id, contact_id, data

    def _one(self, sql: str, *args: Any) -> Any:
        row = self._c.execute(sql, args).fetchone()
        return None if row is None else row[0]

    def _meta(self, name: str) -> str | None:
        meta = self._r.meta
        if name in meta:
            return meta[name]
        value: str | None = self._one("SELECT value FROM meta WHERE name = ?", name)
        meta[name] = value
        return value

    def _set_meta(self, name: str, value: str | None) -> None:
        self._r.meta[name] = value
        if value is None:
            self._c.execute("DELETE FROM meta WHERE name = ?", (name,))
        else:
            self._c.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    def _touch(self, key: str) -> None:
        if key not in self._touched:
            self._c.execute("INSERT OR IGNORE INTO accounts VALUES (?)", (key,))
            self._touched.add(key)

    # global ------------------------------------------------------------------------------
    def get_clock(self) -> ClockState:
        raw = self._meta("clock")
        if raw is None:
            return ClockState()
        data = _loads(raw)
        return ClockState(float(data["offset"]), data["frozen_at"])

    def set_clock(self, state: ClockState) -> None:
        self._set_meta("clock", _dumps({"offset": state.offset, "frozen_at": state.frozen_at}))

    def get_settings(self) -> str | None:
        return self._meta("settings")

    def set_settings(self, data: str | None) -> None:
        self._set_meta("settings", data)

    def get_reconciled_period(self) -> int | None:
        raw = self._meta("reconciled_period")
        return None if raw is None else int(raw)

    def set_reconciled_period(self, period: int) -> None:
        self._set_meta("reconciled_period", str(period))

    def pending_memberships(self) -> list[tuple[str, Membership]]:
        self.flush()
        rows = self._c.execute(
            "SELECT key, data FROM memberships WHERE pending = 1"
            " ORDER BY key, audience_id, contact_id"
        ).fetchall()
        return [(key, _membership(data)) for key, data in rows]

    def rate_hit(self, key: str, window: int, start: int) -> int:
        self._c.execute(
            "INSERT INTO rates VALUES (?, ?, ?, 1) ON CONFLICT (key, win) DO UPDATE SET"
            " count = CASE WHEN start = excluded.start THEN count + 1 ELSE 1 END,"
            " start = excluded.start",
            (key, window, start),
        )
        count: int = self._one("SELECT count FROM rates WHERE key = ? AND win = ?", key, window)
        return count

    def faults(self) -> list[JSON]:
        raw = self._meta("faults")
        return [] if raw is None else list(_loads(raw))

    def set_faults(self, faults: list[JSON]) -> None:
        self._set_meta("faults", _dumps(faults) if faults else None)

    def journal_add(self, entry: JSON, keep: int) -> int:
        cur = self._c.execute("INSERT INTO journal (body) VALUES ('')")
        entry_id = int(cur.lastrowid or 0)
        self._c.execute(
            "UPDATE journal SET body = ? WHERE id = ?", (_dumps(dict(entry, id=entry_id)), entry_id)
        )
        self._c.execute("DELETE FROM journal WHERE id <= ?", (entry_id - keep,))
        return entry_id

    def journal(self, limit: int) -> list[JSON]:
        rows = self._c.execute(
            "SELECT body FROM journal ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [_loads(body) for (body,) in rows]

    def journal_entry(self, entry_id: int) -> JSON | None:
        if not 0 < entry_id < 2**63:  # beyond SQLite's INTEGER: cannot exist
            return None
        body = self._one("SELECT body FROM journal WHERE id = ?", entry_id)
        return None if body is None else dict(_loads(body))

    def touch(self, key: str) -> None:
        self._touch(key)

    def accounts(self) -> list[str]:
        return [k for (k,) in self._c.execute("SELECT key FROM accounts ORDER BY key")]

    def reset(self, key: str | None) -> None:
        self.flush()
        self._r.clear()
        self._member_audiences.clear()
        if key is None:
            _script(self._c, _NO_TRIGGERS)
            for table in (*_ACCOUNT_TABLES, "journal"):
                self._c.execute(f"DELETE FROM {table}")
            _script(self._c, _TRIGGERS)
            self._c.execute("DELETE FROM meta WHERE name != 'schema'")
            self._c.execute("DELETE FROM sqlite_sequence")
            return
        for table in _ACCOUNT_TABLES:
            self._c.execute(f"DELETE FROM {table} WHERE key = ?", (key,))

    # per account -------------------------------------------------------------------------
    def next_seq(self, key: str, kind: str) -> int:
        self._touch(key)
        slot = (key, kind)
        value = self._seqs.get(slot)
        if value is None:
            stored = self._one("SELECT value FROM seqs WHERE key = ? AND kind = ?", key, kind)
            value = 0 if stored is None else int(stored)
        value = self._seqs[slot] = value + 1
        self._unsaved_seqs.add(slot)
        return value

    def seqs(self, key: str) -> dict[str, int]:
        self.flush()
        rows = self._c.execute("SELECT kind, value FROM seqs WHERE key = ?", (key,)).fetchall()
        return {kind: int(value) for kind, value in rows}

    def set_seq(self, key: str, kind: str, value: int) -> None:
        self._touch(key)
        self._seqs[(key, kind)] = value
        self._unsaved_seqs.add((key, kind))

    def contact(self, key: str, contact_id: str) -> Contact | None:
        slot = (key, contact_id)
        if slot in self._contacts:
            return self._contacts[slot]
        data = self._one("SELECT data FROM contacts WHERE key = ? AND id = ?", key, contact_id)
        return self._loaded(key, contact_id, data)

    def _by_index(
        self, index: dict[tuple[str, str], str | None], key: str, value: str, sql: str
    ) -> Contact | None:
        slot = (key, value)
        if slot in index:
            contact_id = index[slot]
        else:
            row = self._c.execute(sql, (key, value)).fetchone()
            contact_id = index[slot] = None if row is None else row[0]
            if row is not None:
                self._loaded(key, row[0], row[1])
        return None if contact_id is None else self._contacts.get((key, contact_id))

    def contact_by_user(self, key: str, user_id: str) -> Contact | None:
        return self._by_index(self._users, key, user_id, _BY_USER + " = ?")

    def contact_by_anon(self, key: str, anonymous_id: str) -> Contact | None:
        return self._by_index(self._anons, key, anonymous_id, _BY_ANON + " = ?")

    def prefetch_contacts(
        self, key: str, user_ids: Iterable[str], anonymous_ids: Iterable[str]
    ) -> None:
        """Load the contacts of these ids in a few queries instead of one per item (those
        the process already holds in none)."""
        batch = self._batch
        for index, values, sql in (
            (self._users, user_ids, _BY_USER),
            (self._anons, anonymous_ids, _BY_ANON),
        ):
            wanted = []
            for value in dict.fromkeys(values):
                slot = (key, value)
                if slot in index:
                    known = index[slot]
                    if known is not None:
                        batch[(key, known)] = None
                elif _bindable(value):
                    wanted.append(value)
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start : start + _IN_CHUNK]
                for value in chunk:
                    index[(key, value)] = None
                marks = ",".join("?" * len(chunk))
                query = f"{sql} IN ({marks})"
                for contact_id, data, value in self._c.execute(query, (key, *chunk)):
                    index[(key, value)] = contact_id
                    self._loaded(key, contact_id, data)
                    batch[(key, contact_id)] = None

    def find_contacts(
        self, key: str, user_ids: list[str], anonymous_ids: list[str]
    ) -> tuple[dict[str, Contact | None], dict[str, Contact | None]]:
        """:meth:`prefetch_contacts`, then the contacts it found (ids SQLite cannot bind are
        left out)."""
        self.prefetch_contacts(key, user_ids, anonymous_ids)
        return self._found(self._users, key, user_ids), self._found(self._anons, key, anonymous_ids)

    def _found(
        self, index: dict[tuple[str, str], str | None], key: str, values: list[str]
    ) -> dict[str, Contact | None]:
        found: dict[str, Contact | None] = {}
        for value in values:
            slot = (key, value)
            if slot not in index:
                continue
            contact_id = index[slot]
            if contact_id is None:
                found[value] = None
            elif (contact := self._contacts.get((key, contact_id))) is not None:
                found[value] = contact  # else left out: the engine asks for it by id
        return found

    def save_contact(self, key: str, contact: Contact) -> None:
        self._touch(key)
        slot = (key, contact.id)
        self._contacts[slot] = self._unsaved[slot] = contact
        user_id, anons = self._indexed.get(slot, (None, ()))
        if contact.user_id is not None:
            self._users[(key, contact.user_id)] = contact.id
            if contact.user_id != user_id:
                self._c.execute(
                    "INSERT OR REPLACE INTO users VALUES (?, ?, ?)",
                    (key, contact.user_id, contact.id),
                )
        for anon in contact.anonymous_ids:
            self._anons[(key, anon)] = contact.id
            if anon not in anons:
                self._c.execute(
                    "INSERT OR REPLACE INTO anons VALUES (?, ?, ?)", (key, anon, contact.id)
                )
        self._indexed[slot] = (contact.user_id, tuple(contact.anonymous_ids))

    def delete_contact(self, key: str, contact_id: str) -> None:
        slot = (key, contact_id)
        self._unsaved.pop(slot, None)
        contact = self._contacts.get(slot)
        self._contacts[slot] = None
        self._r.stored.discard(slot)
        user_id, anons = self._indexed.pop(slot, (None, ()))
        users: tuple[str | None, ...] = (user_id,)
        if contact is not None:  # the ids it has now and those it has in the file
            users, anons = (user_id, contact.user_id), (*anons, *contact.anonymous_ids)
        for index, values in ((self._users, users), (self._anons, anons)):
            for value in values:
                if value is not None and index.get((key, value)) == contact_id:
                    index[(key, value)] = None
        self._c.execute("DELETE FROM contacts WHERE key = ? AND id = ?", (key, contact_id))
        self._c.execute("DELETE FROM users WHERE key = ? AND contact_id = ?", (key, contact_id))
        self._c.execute("DELETE FROM anons WHERE key = ? AND contact_id = ?", (key, contact_id))

    def _numbered(self, table: str, key: str, offset: int, limit: int | None) -> list[str]:
        """The records (JSON) of an account's page of a numbered table, found by number.

        Rows are numbered 0, 1, 2 ... per account as they are added; deleted numbers are kept
        in ``gaps``, so the number of the record at ``offset`` is ``offset`` plus the gaps at
        or below it: the cost follows the deletions, not the offset.
        """
        self.flush()
        pos = offset
        gaps = self._c.execute(
            "SELECT pos FROM gaps WHERE key = ? AND kind = ? ORDER BY pos", (key, table)
        ).fetchmany
        while batch := gaps(256):
            if batch[-1][0] < pos + len(batch):  # every gap of the batch is at or below the record
                pos += len(batch)
                continue
            for (gap,) in batch:
                if gap > pos:
                    break
                pos += 1
            break
        rows = self._c.execute(
            f"SELECT data FROM {table} WHERE key = ? AND pos >= ? ORDER BY pos LIMIT ?",
            (key, pos, _limit(limit)),
        ).fetchall()
        return [data for (data,) in rows]

    def contacts(self, key: str, offset: int = 0, limit: int | None = None) -> list[Contact]:
        return [_contact(data) for data in self._numbered("contacts", key, offset, limit)]

    def count(self, key: str, kind: str) -> int:
        table = {"contacts": "contacts", "activities": "activities", "audiences": "audiences"}
        self.flush()
        found = self._one("SELECT n FROM counts WHERE key = ? AND kind = ?", key, table[kind])
        return 0 if found is None else int(found)

    def activity_seen(self, key: str, message_id: str, timestamp: str) -> bool:
        slot = (key, message_id, timestamp)
        if slot in self._seen:
            return True
        found = self._one(
            "SELECT 1 FROM seen WHERE key = ? AND message_id = ? AND ts = ?",
            key,
            message_id,
            timestamp,
        )
        if found is None:
            return False
        self._seen.add(slot)
        return True

    def add_activity(self, key: str, activity: Activity) -> None:
        self._touch(key)
        self._later(_ADD_ACTIVITY, (key, activity.contact_id, _dumps(activity)))
        if activity.message_id is not None and activity.timestamp is not None:
            self._seen.add((key, activity.message_id, activity.timestamp))
            self._later(
                "INSERT OR IGNORE INTO seen VALUES (?, ?, ?)",
                (key, activity.message_id, activity.timestamp),
            )

    def move_activities(self, key: str, from_contact: str, to_contact: str) -> None:
        self.flush()
        rows = self._c.execute(
            "SELECT pos, data FROM activities INDEXED BY activities_contact"
            " WHERE key = ? AND contact_id = ?",
            (key, from_contact),
        ).fetchall()
        for pos, data in rows:
            record = _loads(data)
            record["contact_id"] = to_contact
            self._c.execute(
                "UPDATE activities SET contact_id = ?, data = ? WHERE key = ? AND pos = ?",
                (to_contact, _dumps(record), key, pos),
            )

    def activities(
        self, key: str, contact_id: str | None = None, offset: int = 0, limit: int | None = None
    ) -> list[Activity]:
        if contact_id is None:
            found = self._numbered("activities", key, offset, limit)
        else:
            self.flush()
            rows = self._c.execute(
                "SELECT data FROM activities INDEXED BY activities_contact"
                " WHERE key = ? AND contact_id = ? ORDER BY pos"
                " LIMIT ? OFFSET ?",
                (key, contact_id, _limit(limit), offset),
            )
            found = [data for (data,) in rows]
        return [Activity(**_loads(data)) for data in found]

    def audience(self, key: str, audience_id: str) -> Audience | None:
        found = self._audiences.get((key, audience_id))  # audiences never change once added
        if found is None:
            data = self._one(
                "SELECT data FROM audiences WHERE key = ? AND id = ?", key, audience_id
            )
            if data is None:
                return None
            found = self._audiences[(key, audience_id)] = Audience(**_loads(data))
        return found

    def audience_by_name(self, key: str, name: str) -> Audience | None:
        data = self._one(
            "SELECT data FROM audiences WHERE key = ? AND name = ? ORDER BY ord LIMIT 1", key, name
        )
        return None if data is None else Audience(**_loads(data))

    def add_audience(self, key: str, audience: Audience) -> None:
        self._touch(key)
        self._c.execute(
            "INSERT INTO audiences (key, id, name, data) VALUES (?, ?, ?, ?)",
            (key, audience.id, audience.name, _dumps(audience)),
        )

    def audiences(self, key: str) -> list[Audience]:
        rows = self._c.execute("SELECT data FROM audiences WHERE key = ? ORDER BY ord", (key,))
        return [Audience(**_loads(data)) for (data,) in rows]

    def _prefetch_members(self, key: str, audience_id: str) -> None:
        """Load the memberships in this audience of every contact loaded so far (a batch's
        contacts, see :meth:`prefetch_contacts`) in a few queries instead of one per item."""
        self._member_audiences.add((key, audience_id))
        members = self._members
        ids = [cid for k, cid in self._batch if k == key and (key, audience_id, cid) not in members]
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            rows = dict(
                self._c.execute(
                    "SELECT contact_id, data FROM memberships WHERE key = ? AND audience_id = ?"
                    f" AND contact_id IN ({','.join('?' * len(chunk))})",
                    (key, audience_id, *chunk),
                ).fetchall()
            )
            for contact_id in chunk:
                slot = (key, audience_id, contact_id)
                data = rows.get(contact_id)
                if data is None:
                    members[slot] = None
                else:
                    members[slot] = _membership(data)
                    self._r.stored_members.add(slot)

    def membership(self, key: str, audience_id: str, contact_id: str) -> Membership | None:
        slot = (key, audience_id, contact_id)
        if slot not in self._members and (key, audience_id) not in self._member_audiences:
            self._prefetch_members(key, audience_id)
        if slot in self._members:
            return self._members[slot]
        data = self._one(
            "SELECT data FROM memberships WHERE key = ? AND audience_id = ? AND contact_id = ?",
            key,
            audience_id,
            contact_id,
        )
        found = self._members[slot] = None if data is None else _membership(data)
        if found is not None:
            self._r.stored_members.add(slot)
        return found

    def save_membership(self, key: str, membership: Membership) -> None:
        self._touch(key)
        slot = (key, membership.audience_id, membership.contact_id)
        self._members[slot] = self._unsaved_members[slot] = membership

    def delete_membership(self, key: str, audience_id: str, contact_id: str) -> None:
        self.flush()
        slot = (key, audience_id, contact_id)
        self._members[slot] = None
        self._r.stored_members.discard(slot)
        self._c.execute(
            "DELETE FROM memberships WHERE key = ? AND audience_id = ? AND contact_id = ?",
            (key, audience_id, contact_id),
        )

    def memberships(
        self,
        key: str,
        audience_id: str | None = None,
        contact_id: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Membership]:
        self.flush()
        where, args = _where(key, audience_id=audience_id, contact_id=contact_id)
        rows = self._c.execute(
            f"SELECT data FROM memberships{where} ORDER BY rowid LIMIT ? OFFSET ?",
            (*args, _limit(limit), offset),
        )
        return [_membership(data) for (data,) in rows]

    def add_timeline(self, key: str, event: TimelineEvent) -> None:
        self._touch(key)
        self._events.append((key, event.audience_id, event.contact_id, _dumps(event)))

    def timeline(
        self,
        key: str,
        audience_id: str | None = None,
        contact_id: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[TimelineEvent]:
        self.flush()
        where, args = _where(key, audience_id=audience_id, contact_id=contact_id)
        index = (
            " INDEXED BY timeline_contact"
            if contact_id is not None
            else " INDEXED BY timeline_audience"
            if audience_id is not None
            else ""
        )
        rows = self._c.execute(
            f"SELECT data FROM timeline{index}{where} ORDER BY ord LIMIT ? OFFSET ?",
            (*args, _limit(limit), offset),
        )
        return [TimelineEvent(**_loads(data)) for (data,) in rows]

    def move_timeline(self, key: str, from_contact: str, to_contact: str) -> None:
        self.flush()
        rows = self._c.execute(
            "SELECT ord, data FROM timeline INDEXED BY timeline_contact"
            " WHERE key = ? AND contact_id = ?",
            (key, from_contact),
        ).fetchall()
        for ord_, data in rows:
            record = _loads(data)
            record["contact_id"] = to_contact
            self._c.execute(
                "UPDATE timeline SET contact_id = ?, data = ? WHERE key = ? AND ord = ?",
                (to_contact, _dumps(record), key, ord_),
            )


def _upgrade(conn: sqlite3.Connection, path: str) -> None:
    """Bring a file to :data:`SCHEMA_VERSION` (in the caller's transaction) or refuse it."""
    row = conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
    version = 1 if row is None else int(row[0])
    if version > SCHEMA_VERSION:
        raise OSError(
            f"SQLite file {path} has store schema version {version}; this mock-ortto reads"
            f" versions up to {SCHEMA_VERSION}: upgrade mock-ortto or use another file"
        )
    if version < 2:
        for table in _NUMBERED:
            columns = {name for _, name, *_ in conn.execute(f"PRAGMA table_info({table})")}
            if "pos" not in columns:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN pos INTEGER")
                _script(conn, _numbering(table))
        _script(conn, _COUNT)
    if version < 3:
        for table in _REBUILT:
            _rebuild(conn, table)
    if version < SCHEMA_VERSION:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    _script(conn, _INDEXES)
    _script(conn, _TRIGGERS)


def _rebuild(conn: sqlite3.Connection, table: str) -> None:
    """Copy a table into its version 3 form (its indexes and triggers are made afresh)."""
    columns = ", ".join(
        part.split()[0] for part in _REBUILT[table].split(", PRIMARY")[0].split(",")
    )
    conn.execute(_create(table, f"{table}_v3"))
    conn.execute(f"INSERT INTO {table}_v3 ({columns}) SELECT {columns} FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}_v3 RENAME TO {table}")


def _script(conn: sqlite3.Connection | sqlite3.Cursor, script: str) -> None:
    """Run statements one by one (``executescript`` would commit the open transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""


def _why(path: str, exc: sqlite3.Error) -> str:
    """The likely cause of an unusable database path, in words."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"directory {folder} does not exist"
    if os.path.isdir(path):
        return "it is a directory"
    if not os.access(folder, os.W_OK):
        return f"directory {folder} is not writable"
    return str(exc)


class _Writer:
    """The write lock of one database file, and the one connection a process writes with.

    A thread lock orders the threads of this process; an exclusive ``flock`` on the database
    file (a lock SQLite itself never takes) orders processes. The kernel drops the ``flock``
    of a killed process, so a ``kill -9`` never leaves the file locked. Every write
    transaction of the process runs on the same connection, so the records it keeps between
    transactions (:class:`_Records`) can be checked against ``PRAGMA data_version``.
    """

    def __init__(self, path: str, connect: Callable[[], sqlite3.Connection]) -> None:
        self._path = path
        self._connect = connect
        self._pid = os.getpid()
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._conn: sqlite3.Connection | None = None
        self._records = _Records()

    def _for_this_process(self) -> None:
        if self._pid != os.getpid():  # forked (gunicorn workers): nothing is inherited
            if self._fd is not None:
                os.close(self._fd)  # the parent's descriptor: this process opens its own
            self._pid = os.getpid()
            self._thread_lock = threading.Lock()
            self._fd = None
            self._conn = None  # the parent's connection is never used (nor closed) here
            self._records = _Records()

    @contextmanager
    def held(self) -> Iterator[tuple[sqlite3.Connection, _Records]]:
        """Hold the lock for the block; yield the writing connection and its records."""
        self._for_this_process()
        with self._thread_lock:
            if self._conn is None:
                self._conn = self._connect()
                self._records = _Records()
            if sys.platform == "win32":  # no flock: SQLite's busy handler orders processes
                yield self._conn, self._records
                return
            fd = self._fd
            if fd is None:
                fd = self._fd = os.open(self._path, os.O_RDONLY | os.O_CLOEXEC)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield self._conn, self._records
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close the connection and the descriptor kept for ``flock`` (both reopened if a
        writer comes later)."""
        with self._thread_lock:
            if self._pid == os.getpid():
                if self._fd is not None:
                    os.close(self._fd)
                    self._fd = None
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None


class SQLiteStore(Store):
    """State in a SQLite file (WAL mode); safe for many threads and processes."""

    name = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._writer = _Writer(path, self._connect)
        try:
            with self.transaction() as txn:
                assert isinstance(txn, _SQLiteTxn)
                _upgrade(txn.connection, path)
        except sqlite3.Error as exc:
            raise OSError(f"cannot open SQLite file {path}: {_why(path, exc)}") from None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=60000")
        conn.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages: large stores stay fast
        # A checkpoint (WAL pages copied into the file, then fsync) every 10000 pages rather
        # than 1000: a batch that rewrites pages scattered over a large store no longer pays
        # for one on almost every commit, and a page rewritten often is copied once.
        conn.execute("PRAGMA wal_autocheckpoint=10000")
        conn.executescript(_SCHEMA)
        return conn

    def _conn(self) -> sqlite3.Connection:
        """This thread's reading connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = self._local.conn = self._connect()
            self._local.pid = os.getpid()
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Txn]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error), under the writer lock."""
        with self._writer.held() as (conn, records):
            conn.execute("BEGIN IMMEDIATE")
            try:
                records.check(conn.execute("PRAGMA data_version").fetchone()[0])
                txn = _SQLiteTxn(conn, records)
                yield txn
                txn.flush()
                conn.execute("COMMIT")
            except BaseException:
                records.forget()
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def reading(self) -> Iterator[Txn]:
        """A deferred (read) transaction: a consistent WAL snapshot, no write lock taken."""
        conn = self._conn()
        conn.execute("BEGIN DEFERRED")
        try:
            yield _SQLiteTxn(conn)
        finally:
            conn.execute("ROLLBACK")

    def peek_settings(self) -> str | None:
        """The runtime settings text (one autocommit read, no write lock)."""
        row = self._conn().execute("SELECT value FROM meta WHERE name = 'settings'").fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        """Close this thread's reading connection and the writing connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        self._writer.close()
