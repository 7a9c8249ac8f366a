"""Registers the ``mock_ortto`` pytest plugin for a plain checkout.

Installed, the package declares the plugin as a ``pytest11`` entry point and pytest loads it
itself; uninstalled (or with plugin autoloading off), nothing would, and every test using the
``mock_ortto`` fixtures would fail with "fixture not found". Registering the module only when
it is not registered yet serves both cases without a double registration.
"""

from __future__ import annotations

import pytest

import mock_ortto.pytest_plugin

PLUGIN_NAME = "mock_ortto"  # the entry point's name in pyproject.toml


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin unless the entry point (or anything else) already did."""
    manager = config.pluginmanager
    if not manager.is_registered(mock_ortto.pytest_plugin) and not manager.is_blocked(PLUGIN_NAME):
        manager.register(mock_ortto.pytest_plugin, PLUGIN_NAME)
