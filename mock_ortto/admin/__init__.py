"""The /_mock admin API: reset, state, inspection, journal, clock, faults, configuration."""

from __future__ import annotations

from mock_ortto.admin.routes import admin_blueprint

__all__ = ["admin_blueprint"]
