"""In-memory store: dicts and indexes, one lock. Per-item cost does not grow with size."""

from __future__ import annotations

import copy
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from mock_ortto.clock import ClockState
from mock_ortto.models import Activity, Audience, Contact, Membership, TimelineEvent
from mock_ortto.store.base import Store, Txn

JSON = dict[str, Any]
T = TypeVar("T")


@dataclass(slots=True)
class _Account:
    contacts: dict[str, Contact] = field(default_factory=dict)
    # Contact ids in creation order, so a page is a slice at any depth; rebuilt from the
    # dict (same order) after a contact is deleted.
    order: list[str] = field(default_factory=list)
    order_stale: bool = False
    by_user: dict[str, str] = field(default_factory=dict)
    by_anon: dict[str, str] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    audiences: dict[str, Audience] = field(default_factory=dict)
    audience_names: dict[str, str] = field(default_factory=dict)
    memberships: dict[tuple[str, str], Membership] = field(default_factory=dict)
    timeline: list[TimelineEvent] = field(default_factory=list)
    seq: dict[str, int] = field(default_factory=dict)


def _page(records: Iterable[T], offset: int, limit: int | None) -> list[T]:
    """``limit`` records from ``offset`` without copying the rest (lists are sliced)."""
    stop = None if limit is None else offset + limit
    if isinstance(records, list):
        return records[offset:stop]
    return list(islice(records, offset, stop))


class _MemoryTxn(Txn):
    def __init__(self, store: MemoryStore) -> None:
        self._s = store

    def _acct(self, key: str) -> _Account:
        acct = self._s.accounts.get(key)
        if acct is None:
            acct = self._s.accounts[key] = _Account()
        return acct

    def _peek(self, key: str) -> _Account | None:
        return self._s.accounts.get(key)

    # global ------------------------------------------------------------------------------
    def get_clock(self) -> ClockState:
        return self._s.clock

    def set_clock(self, state: ClockState) -> None:
        self._s.clock = state

    def get_settings(self) -> str | None:
        return self._s.settings

    def set_settings(self, data: str | None) -> None:
        self._s.settings = data

    def get_reconciled_period(self) -> int | None:
        return self._s.reconciled_period

    def set_reconciled_period(self, period: int) -> None:
        self._s.reconciled_period = period

    def pending_memberships(self) -> list[tuple[str, Membership]]:
        out = []
        for key, aud, cid in sorted(self._s.pending):
            acct = self._peek(key)
            m = acct.memberships.get((aud, cid)) if acct else None
            if m is not None and m.pending is not None:
                out.append((key, m))
        return out

    def rate_hit(self, key: str, window: int, start: int) -> int:
        slot = (key, window)
        current = self._s.rates.get(slot)
        count = current[1] + 1 if current is not None and current[0] == start else 1
        self._s.rates[slot] = (start, count)
        return count

    def faults(self) -> list[JSON]:
        return copy.deepcopy(self._s.faults) if self._s.faults else []

    def set_faults(self, faults: list[JSON]) -> None:
        self._s.faults = copy.deepcopy(faults)

    def journal_add(self, entry: JSON, keep: int) -> int:
        self._s.journal_seq += 1
        entry = dict(entry, id=self._s.journal_seq)
        journal = self._s.journal
        if journal.maxlen != keep:
            journal = self._s.journal = deque(journal, maxlen=max(keep, 1))
        journal.append(entry)
        return self._s.journal_seq

    def journal(self, limit: int) -> list[JSON]:
        items = list(self._s.journal)[-limit:] if limit > 0 else []
        return [dict(e) for e in reversed(items)]

    def journal_entry(self, entry_id: int) -> JSON | None:
        for entry in self._s.journal:
            if entry["id"] == entry_id:
                return dict(entry)
        return None

    def touch(self, key: str) -> None:
        self._acct(key)

    def accounts(self) -> list[str]:
        return sorted(self._s.accounts)

    def reset(self, key: str | None) -> None:
        if key is None:
            self._s.clear()
            return
        self._s.accounts.pop(key, None)
        self._s.pending = {p for p in self._s.pending if p[0] != key}
        self._s.rates = {k: v for k, v in self._s.rates.items() if k[0] != key}

    # per account -------------------------------------------------------------------------
    def next_seq(self, key: str, kind: str) -> int:
        seq = (self._s.accounts.get(key) or self._acct(key)).seq
        value = seq[kind] = seq.get(kind, 0) + 1
        return value

    def seqs(self, key: str) -> dict[str, int]:
        acct = self._peek(key)
        return dict(acct.seq) if acct else {}

    def set_seq(self, key: str, kind: str, value: int) -> None:
        self._acct(key).seq[kind] = value

    def contact(self, key: str, contact_id: str) -> Contact | None:
        acct = self._peek(key)
        return acct.contacts.get(contact_id) if acct else None

    def contact_by_user(self, key: str, user_id: str) -> Contact | None:
        acct = self._s.accounts.get(key)
        if acct is None:
            return None
        cid = acct.by_user.get(user_id)
        return None if cid is None else acct.contacts.get(cid)

    def contact_by_anon(self, key: str, anonymous_id: str) -> Contact | None:
        acct = self._s.accounts.get(key)
        if acct is None:
            return None
        cid = acct.by_anon.get(anonymous_id)
        return None if cid is None else acct.contacts.get(cid)

    def find_contacts(
        self, key: str, user_ids: list[str], anonymous_ids: list[str]
    ) -> tuple[dict[str, Contact | None], dict[str, Contact | None]]:
        acct = self._s.accounts.get(key)
        if acct is None:
            return dict.fromkeys(user_ids), dict.fromkeys(anonymous_ids)
        found = acct.contacts.get  # contact ids are never empty: "" finds nothing
        by_user, by_anon = acct.by_user.get, acct.by_anon.get
        return (
            {u: found(by_user(u, "")) for u in user_ids},
            {a: found(by_anon(a, "")) for a in anonymous_ids},
        )

    def save_contact(self, key: str, contact: Contact) -> None:
        self.save_contacts(key, [contact])

    def save_contacts(self, key: str, contacts: list[Contact]) -> None:
        acct = self._s.accounts.get(key) or self._acct(key)
        stored, order, by_user, by_anon = acct.contacts, acct.order, acct.by_user, acct.by_anon
        for contact in contacts:
            cid = contact.id
            if cid not in stored:
                order.append(cid)
            stored[cid] = contact
            if contact.user_id is not None:
                by_user[contact.user_id] = cid
            for anon in contact.anonymous_ids:
                by_anon[anon] = cid

    def update_contacts(self, key: str, contacts: list[Contact]) -> None:
        stored = (self._s.accounts.get(key) or self._acct(key)).contacts
        for contact in contacts:  # their ids already point at them
            stored[contact.id] = contact

    def delete_contact(self, key: str, contact_id: str) -> None:
        acct = self._acct(key)
        contact = acct.contacts.pop(contact_id, None)
        if contact is None:
            return
        acct.order_stale = True
        if contact.user_id is not None and acct.by_user.get(contact.user_id) == contact_id:
            del acct.by_user[contact.user_id]
        for anon in contact.anonymous_ids:
            if acct.by_anon.get(anon) == contact_id:
                del acct.by_anon[anon]

    def contacts(self, key: str, offset: int = 0, limit: int | None = None) -> list[Contact]:
        acct = self._peek(key)
        if acct is None:
            return []
        if acct.order_stale:
            acct.order = list(acct.contacts)
            acct.order_stale = False
        return [acct.contacts[cid] for cid in _page(acct.order, offset, limit)]

    def count(self, key: str, kind: str) -> int:
        acct = self._peek(key)
        if acct is None:
            return 0
        if kind == "contacts":
            return len(acct.contacts)
        if kind == "activities":
            return len(acct.activities)
        return len(acct.audiences)

    # Activity ids, the duplicate check and the append: per track item, no helper calls.
    def activity_seen(self, key: str, message_id: str, timestamp: str) -> bool:
        acct = self._s.accounts.get(key)
        return acct is not None and (message_id, timestamp) in acct.seen

    def add_activity(self, key: str, activity: Activity) -> None:
        acct = self._s.accounts.get(key) or self._acct(key)
        acct.activities.append(activity)
        if activity.message_id is not None and activity.timestamp is not None:
            acct.seen.add((activity.message_id, activity.timestamp))

    def move_activities(self, key: str, from_contact: str, to_contact: str) -> None:
        for activity in self._acct(key).activities:
            if activity.contact_id == from_contact:
                activity.contact_id = to_contact

    def activities(
        self, key: str, contact_id: str | None = None, offset: int = 0, limit: int | None = None
    ) -> list[Activity]:
        acct = self._peek(key)
        if acct is None:
            return []
        if contact_id is None:
            return _page(acct.activities, offset, limit)
        return _page((a for a in acct.activities if a.contact_id == contact_id), offset, limit)

    def audience(self, key: str, audience_id: str) -> Audience | None:
        acct = self._peek(key)
        return acct.audiences.get(audience_id) if acct else None

    def audience_by_name(self, key: str, name: str) -> Audience | None:
        acct = self._peek(key)
        if acct is None:
            return None
        aid = acct.audience_names.get(name)
        return acct.audiences.get(aid) if aid is not None else None

    def add_audience(self, key: str, audience: Audience) -> None:
        acct = self._acct(key)
        acct.audiences[audience.id] = audience
        acct.audience_names[audience.name] = audience.id

    def audiences(self, key: str) -> list[Audience]:
        acct = self._peek(key)
        return list(acct.audiences.values()) if acct else []

    # The three per-instruction calls of a membership batch look the account up themselves.
    def membership(self, key: str, audience_id: str, contact_id: str) -> Membership | None:
        acct = self._s.accounts.get(key)
        return None if acct is None else acct.memberships.get((audience_id, contact_id))

    def save_membership(self, key: str, membership: Membership) -> None:
        audience_id, contact_id = membership.audience_id, membership.contact_id
        acct = self._s.accounts.get(key) or self._acct(key)
        acct.memberships[audience_id, contact_id] = membership
        pending = self._s.pending
        if membership.pending is not None:
            pending.add((key, audience_id, contact_id))
        elif pending:  # nearly always empty: no marker to build
            pending.discard((key, audience_id, contact_id))

    def delete_membership(self, key: str, audience_id: str, contact_id: str) -> None:
        self._acct(key).memberships.pop((audience_id, contact_id), None)
        self._s.pending.discard((key, audience_id, contact_id))

    def memberships(
        self,
        key: str,
        audience_id: str | None = None,
        contact_id: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Membership]:
        acct = self._peek(key)
        if acct is None:
            return []
        return _page(
            (
                m
                for m in acct.memberships.values()
                if (audience_id is None or m.audience_id == audience_id)
                and (contact_id is None or m.contact_id == contact_id)
            ),
            offset,
            limit,
        )

    def add_timeline(self, key: str, event: TimelineEvent) -> None:
        (self._s.accounts.get(key) or self._acct(key)).timeline.append(event)

    def add_timeline_events(self, key: str, events: list[TimelineEvent]) -> None:
        self._acct(key).timeline.extend(events)

    def timeline(
        self,
        key: str,
        audience_id: str | None = None,
        contact_id: str | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[TimelineEvent]:
        acct = self._peek(key)
        if acct is None:
            return []
        return _page(
            (
                e
                for e in acct.timeline
                if (audience_id is None or e.audience_id == audience_id)
                and (contact_id is None or e.contact_id == contact_id)
            ),
            offset,
            limit,
        )

    def move_timeline(self, key: str, from_contact: str, to_contact: str) -> None:
        for event in self._acct(key).timeline:
            if event.contact_id == from_contact:
                event.contact_id = to_contact


class MemoryStore(Store):
    """Keeps everything in process memory; a single re-entrant lock serialises requests."""

    name = "memory"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.clear()

    def clear(self) -> None:
        """Drop all state."""
        self.accounts: dict[str, _Account] = {}
        self.clock = ClockState()
        self.settings: str | None = None
        self.reconciled_period: int | None = None
        self.pending: set[tuple[str, str, str]] = set()
        self.rates: dict[tuple[str, int], tuple[int, int]] = {}
        self.faults: list[JSON] = []
        self.journal: deque[JSON] = deque(maxlen=1000)
        self.journal_seq = 0

    @contextmanager
    def transaction(self) -> Iterator[Txn]:
        """Hold the store lock for the duration of the block."""
        with self._lock:
            yield _MemoryTxn(self)

    def peek_settings(self) -> str | None:
        """The runtime settings text (one attribute read; no lock needed)."""
        return self.settings
