"""State storage: one interface, an in-memory and a SQLite implementation."""

from __future__ import annotations

from mock_ortto.store.base import Store, Txn
from mock_ortto.store.memory import MemoryStore


def open_store(spec: str) -> Store:
    """Open a store from ``memory`` or ``sqlite:PATH``."""
    if spec == "memory":
        return MemoryStore()
    if spec.startswith("sqlite:"):
        from mock_ortto.store.sqlite import SQLiteStore

        path = spec[len("sqlite:") :]
        if not path:
            raise ValueError("sqlite store needs a path: sqlite:PATH")
        return SQLiteStore(path)
    raise ValueError(f"unknown store {spec!r}; use 'memory' or 'sqlite:PATH'")


__all__ = ["MemoryStore", "Store", "Txn", "open_store"]
