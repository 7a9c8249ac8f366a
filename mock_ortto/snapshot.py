"""Whole-state snapshots as JSON, and restoring them (total: any valid snapshot loads)."""

from __future__ import annotations

from typing import Any

from mock_ortto import views
from mock_ortto.auth import redact
from mock_ortto.clock import ClockState
from mock_ortto.store.base import Txn

JSON = dict[str, Any]
FORMAT = "mock-ortto-snapshot/1"


def export(txn: Txn) -> JSON:
    """Return every account's state plus the clock."""
    clock = txn.get_clock()
    accounts: JSON = {}
    for key in txn.accounts():
        accounts[key] = {
            "contacts": [views.contact(c) for c in txn.contacts(key)],
            "activities": [views.activity(a) for a in txn.activities(key)],
            "audiences": [views.audience(a) for a in txn.audiences(key)],
            "memberships": [views.membership(m) for m in txn.memberships(key)],
            "timeline": [views.timeline_event(e) for e in txn.timeline(key)],
            "sequences": txn.seqs(key),
        }
    return {
        "format": FORMAT,
        "clock": {"offset": clock.offset, "frozen_at": clock.frozen_at},
        "reconciled_period": txn.get_reconciled_period(),
        "accounts": accounts,
    }


NESTED = (("contacts", "traits"), ("contacts", "location"), ("activities", "properties"))
"""Record fields that hold caller data of any shape (bounded by ``max_depth``)."""


def too_deep(data: JSON, limit: int) -> str | None:
    """Where a snapshot record nests deeper than ``limit`` (the /v1 item bound), or ``None``."""
    from mock_ortto.validation import depth_exceeds  # validation's schemas import this module

    for key, state in (data.get("accounts") or {}).items():
        for kind, name in NESTED:
            for index, record in enumerate(state.get(kind) or []):
                value = record.get(name) if isinstance(record, dict) else None
                if isinstance(value, dict | list) and depth_exceeds(value, limit):
                    return f"accounts[{redact(key)}].{kind}[{index}].{name}"
    return None


def restore(txn: Txn, data: JSON) -> int:
    """Replace all state with a (schema-validated) snapshot; return the account count.

    Later records win on conflicting ids, so every schema-valid snapshot loads.
    """
    txn.reset(None)
    clock = data.get("clock") or {}
    txn.set_clock(ClockState(float(clock.get("offset", 0.0)), clock.get("frozen_at")))
    period = data.get("reconciled_period")
    if isinstance(period, int):
        txn.set_reconciled_period(period)
    accounts: JSON = data.get("accounts", {})
    for key, state in accounts.items():
        for kind, value in (state.get("sequences") or {}).items():
            txn.set_seq(key, kind, int(value))
        for d in state.get("contacts", []):
            contact = views.contact_from(d)
            old = txn.contact(key, contact.id)
            if old is not None:
                txn.delete_contact(key, old.id)
            txn.save_contact(key, contact)
        for d in state.get("activities", []):
            txn.add_activity(key, views.activity_from(d))
        for d in state.get("audiences", []):
            audience = views.audience_from(d)
            if (
                txn.audience(key, audience.id) is None
                and txn.audience_by_name(key, audience.name) is None
            ):
                txn.add_audience(key, audience)
        for d in state.get("memberships", []):
            txn.save_membership(key, views.membership_from(d))
        for d in state.get("timeline", []):
            txn.add_timeline(key, views.timeline_event_from(d))
        txn.touch(key)  # an account with no records is still known
    return len(accounts)
