"""Per-app runtime context: store, configuration, compiled validators and the document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from mock_ortto import engine
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.store.base import Store, Txn
from mock_ortto.validation import Validators

JSON = dict[str, Any]
EXTENSION = "mock_ortto"


@dataclass(slots=True)
class MockContext:
    """Everything a request handler needs; stored in ``app.extensions['mock_ortto']``."""

    store: Store
    config: ServerConfig
    validators: Validators
    document: JSON
    _settings_cache: dict[str, Settings] = field(default_factory=dict)

    def settings(self, txn: Txn) -> Settings:
        """Return the settings in force (runtime overrides from the store, else startup)."""
        return self._parsed(txn.get_settings())

    def body_limit(self, path: str) -> tuple[int, str]:
        """Largest body accepted on ``path`` and the rule refusing more (no store lock taken).

        Admin bodies (snapshots) have the fixed cap of the serve options; ``/v1`` bodies
        follow the ``max_body_bytes`` setting in force.
        """
        if path.startswith("/_mock"):
            return self.config.max_admin_body_bytes, "admin.max_body_bytes"
        return self._parsed(self.store.peek_settings()).max_body_bytes, "payload.max_body_bytes"

    @contextmanager
    def reading(self) -> Iterator[Txn]:
        """A read-only view for inspection, after any due reconciliation.

        It never holds the write lock (on SQLite), so inspecting a large state does not
        stall ``/v1`` traffic.
        """
        with self.store.reading() as txn:
            settings = self.settings(txn)
            due = engine.reconciliation_due(txn, txn.get_clock().now(), settings)
            if not due:
                yield txn
                return
        with self.store.transaction() as txn:
            self.begin(txn)
        with self.store.reading() as txn:
            yield txn

    def _parsed(self, text: str | None) -> Settings:
        if text is None:
            return self.config.settings
        cached = self._settings_cache.get(text)
        if cached is None:
            if len(self._settings_cache) > 64:
                self._settings_cache.clear()
            cached = self._settings_cache[text] = Settings.from_json(json.loads(text))
        return cached

    def begin(self, txn: Txn) -> tuple[Settings, float]:
        """Start a request: settings, current mock time, and any due reconciliation."""
        settings = self.settings(txn)
        now = txn.get_clock().now()
        engine.reconcile_due(txn, now, settings)
        return settings, now


def current() -> MockContext:
    """The context of the app handling the current request."""
    ctx: MockContext = current_app.extensions[EXTENSION]
    return ctx
