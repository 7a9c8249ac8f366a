"""The storage interface. Domain rules live in :mod:`mock_ortto.engine`, not in stores.

A store only keeps records and answers look-ups, so both implementations behave the same
by construction. Every request runs inside one :meth:`Store.transaction`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from mock_ortto.clock import ClockState
from mock_ortto.models import Activity, Audience, Contact, Membership, TimelineEvent

JSON = dict[str, Any]


class Txn(ABC):
    """Operations available inside one transaction. ``key`` is the account (API key)."""

    # --- global state ---------------------------------------------------------------------
    @abstractmethod
    def get_clock(self) -> ClockState:
        """Return the persisted clock state."""

    @abstractmethod
    def set_clock(self, state: ClockState) -> None:
        """Persist the clock state."""

    @abstractmethod
    def get_settings(self) -> str | None:
        """Return runtime settings (JSON text) saved by the admin API, if any."""

    @abstractmethod
    def set_settings(self, data: str | None) -> None:
        """Save (or clear) runtime settings (JSON text)."""

    @abstractmethod
    def get_reconciled_period(self) -> int | None:
        """Return the last reconciliation period index that has been processed."""

    @abstractmethod
    def set_reconciled_period(self, period: int) -> None:
        """Record the last processed reconciliation period index."""

    @abstractmethod
    def pending_memberships(self) -> list[tuple[str, Membership]]:
        """Return ``(key, membership)`` for every membership with a deferred instruction."""

    @abstractmethod
    def rate_hit(self, key: str, window: int, start: int) -> int:
        """Count one request in the window starting at ``start``; return the new count."""

    @abstractmethod
    def faults(self) -> list[JSON]:
        """Return the queued fault specs (each has ``id`` and ``remaining``)."""

    @abstractmethod
    def set_faults(self, faults: list[JSON]) -> None:
        """Replace the fault queue."""

    @abstractmethod
    def journal_add(self, entry: JSON, keep: int) -> int:
        """Append a journal entry, keep the newest ``keep``; return its id."""

    @abstractmethod
    def journal(self, limit: int) -> list[JSON]:
        """Return up to ``limit`` newest journal entries, newest first."""

    @abstractmethod
    def journal_entry(self, entry_id: int) -> JSON | None:
        """Return one journal entry."""

    @abstractmethod
    def touch(self, key: str) -> None:
        """Make ``key`` a known account (it authenticated a /v1 request)."""

    @abstractmethod
    def accounts(self) -> list[str]:
        """Return every account key that has state."""

    @abstractmethod
    def reset(self, key: str | None) -> None:
        """Forget one account's state, or everything (journal, faults, clock, counters)."""

    # --- per-account records --------------------------------------------------------------
    @abstractmethod
    def next_seq(self, key: str, kind: str) -> int:
        """Return the next number of the per-account sequence ``kind`` (1, 2, ...)."""

    @abstractmethod
    def seqs(self, key: str) -> dict[str, int]:
        """Return the last issued number of every sequence of the account."""

    @abstractmethod
    def set_seq(self, key: str, kind: str, value: int) -> None:
        """Set the last issued number of a sequence (snapshot restore)."""

    @abstractmethod
    def contact(self, key: str, contact_id: str) -> Contact | None:
        """Return a contact by id."""

    @abstractmethod
    def contact_by_user(self, key: str, user_id: str) -> Contact | None:
        """Return the contact that owns ``user_id``."""

    @abstractmethod
    def contact_by_anon(self, key: str, anonymous_id: str) -> Contact | None:
        """Return the contact that owns ``anonymous_id``."""

    def prefetch_contacts(  # noqa: B027 - optional hook
        self, key: str, user_ids: Iterable[str], anonymous_ids: Iterable[str]
    ) -> None:
        """Say which contacts a batch is about to look up, so a store can load them at once."""

    def find_contacts(
        self, key: str, user_ids: list[str], anonymous_ids: list[str]
    ) -> tuple[dict[str, Contact | None], dict[str, Contact | None]]:
        """The contacts that own these user ids and these anonymous ids, in one call per batch.

        Two new dicts: id -> its contact, or ``None`` where no contact owns it. A store may
        leave out an id it cannot hold (the caller asks :meth:`contact_by_user` or
        :meth:`contact_by_anon` for an id it does not find).
        """
        return (
            {u: self.contact_by_user(key, u) for u in user_ids},
            {a: self.contact_by_anon(key, a) for a in anonymous_ids},
        )

    @abstractmethod
    def save_contact(self, key: str, contact: Contact) -> None:
        """Insert or update a contact and point its ids at it."""

    def save_contacts(self, key: str, contacts: list[Contact]) -> None:
        """:meth:`save_contact` for each contact, in order (one call per batch)."""
        for contact in contacts:
            self.save_contact(key, contact)

    def update_contacts(self, key: str, contacts: list[Contact]) -> None:
        """Save stored contacts whose user id and anonymous ids are those stored for them
        (only other fields changed): :meth:`save_contacts`, which a store may do with less
        work (no index to point)."""
        self.save_contacts(key, contacts)

    @abstractmethod
    def delete_contact(self, key: str, contact_id: str) -> None:
        """Remove a contact (after a merge)."""

    @abstractmethod
    def contacts(self, key: str, offset: int = 0, limit: int | None = None) -> list[Contact]:
        """Return the account's contacts in creation order (``limit`` of them from ``offset``)."""

    @abstractmethod
    def count(self, key: str, kind: str) -> int:
        """How many ``contacts``, ``activities`` or ``audiences`` the account has (cheaply)."""

    @abstractmethod
    def activity_seen(self, key: str, message_id: str, timestamp: str) -> bool:
        """Whether an activity with this (message_id, timestamp) pair is stored."""

    @abstractmethod
    def add_activity(self, key: str, activity: Activity) -> None:
        """Store an activity."""

    @abstractmethod
    def move_activities(self, key: str, from_contact: str, to_contact: str) -> None:
        """Re-point activities of one contact to another (merge)."""

    @abstractmethod
    def activities(
        self, key: str, contact_id: str | None = None, offset: int = 0, limit: int | None = None
    ) -> list[Activity]:
        """Return activities, oldest first (``limit`` of them from ``offset``)."""

    @abstractmethod
    def audience(self, key: str, audience_id: str) -> Audience | None:
        """Return an audience by id."""

    @abstractmethod
    def audience_by_name(self, key: str, name: str) -> Audience | None:
        """Return an audience by exact name."""

    @abstractmethod
    def add_audience(self, key: str, audience: Audience) -> None:
        """Store a new audience."""

    @abstractmethod
    def audiences(self, key: str) -> list[Audience]:
        """Return every audience, in creation order."""

    @abstractmethod
    def membership(self, key: str, audience_id: str, contact_id: str) -> Membership | None:
        """Return one membership record."""

    @abstractmethod
    def save_membership(self, key: str, membership: Membership) -> None:
        """Insert or update a membership record."""

    @abstractmethod
    def delete_membership(self, key: str, audience_id: str, contact_id: str) -> None:
        """Remove a membership record (after a merge)."""

    @abstractmethod
    def memberships(
        self,
        key: str,
        audience_id: str | None = None,
        contact_id: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Membership]:
        """Return membership records, optionally filtered (``limit`` of them from ``offset``)."""

    @abstractmethod
    def add_timeline(self, key: str, event: TimelineEvent) -> None:
        """Append a membership timeline event."""

    def add_timeline_events(self, key: str, events: list[TimelineEvent]) -> None:
        """:meth:`add_timeline` for each event, in order (one call per batch)."""
        for event in events:
            self.add_timeline(key, event)

    @abstractmethod
    def timeline(
        self,
        key: str,
        audience_id: str | None = None,
        contact_id: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[TimelineEvent]:
        """Return timeline events, oldest first, optionally filtered (a page, like above)."""

    @abstractmethod
    def move_timeline(self, key: str, from_contact: str, to_contact: str) -> None:
        """Re-point timeline events of one contact to another (merge)."""


class Store(ABC):
    """A place to keep state. ``transaction()`` serialises writers."""

    name: str = "store"

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Txn]:
        """Open a transaction; commit on normal exit, roll back on error."""

    def reading(self) -> AbstractContextManager[Txn]:
        """Open a read-only transaction (stores that can avoid the write lock override it)."""
        return self.transaction()

    def peek_settings(self) -> str | None:
        """The runtime settings text, read without the write lock (the door's body limit)."""
        with self.reading() as txn:
            return txn.get_settings()

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""

    def iter_accounts(self) -> Iterator[str]:
        """Yield account keys (convenience)."""
        with self.transaction() as txn:
            yield from txn.accounts()
