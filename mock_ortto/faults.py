"""Fault injection: the next N answers of /v1 requests can be replaced or degraded."""

from __future__ import annotations

from typing import Any

from mock_ortto.store.base import Txn

JSON = dict[str, Any]


def add(txn: Txn, spec: JSON) -> JSON:
    """Queue a fault (already schema-validated) and return it with ``id``/``remaining``."""
    faults = txn.faults()
    next_id = max((int(f["id"]) for f in faults), default=0) + 1
    fault = dict(spec)
    fault["id"] = next_id
    fault["remaining"] = int(spec.get("count", 1))
    faults.append(fault)
    txn.set_faults(faults)
    return fault


def take(txn: Txn, path: str, key: str | None) -> JSON | None:
    """Consume one use of the first queued fault matching this request, if any."""
    faults = txn.faults()
    if not faults:
        return None
    for index, fault in enumerate(faults):
        if fault.get("path") not in (None, path):
            continue
        if fault.get("api_key") not in (None, key):
            continue
        fault["remaining"] = int(fault["remaining"]) - 1
        if fault["remaining"] <= 0:
            del faults[index]
        txn.set_faults(faults)
        return fault
    return None
