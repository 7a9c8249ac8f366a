"""Per-app runtime context: store, configuration, compiled validators and the document."""

from __future__ import annotations

import json
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
        text = txn.get_settings()
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
