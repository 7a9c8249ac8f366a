"""mock_ortto: a stateful mock of the Ortto endpoints used by Segment's Ortto destinations.

Use :func:`create_app` to build the WSGI app, or run ``mock-ortto serve``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["create_app"]

if TYPE_CHECKING:
    from flask import Flask

    from mock_ortto.config import ServerConfig
    from mock_ortto.store.base import Store


def create_app(config: ServerConfig | None = None, store: Store | None = None) -> Flask:
    """Build the mock's Flask app (imported lazily to keep ``import mock_ortto`` light)."""
    from mock_ortto.app import create_app as factory

    return factory(config, store)


def __getattr__(name: str) -> Any:
    raise AttributeError(name)
