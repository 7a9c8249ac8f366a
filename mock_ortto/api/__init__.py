"""The /v1 endpoints the Ortto destinations call."""

from __future__ import annotations

from mock_ortto.api.routes import api_blueprint, journal_unrouted

__all__ = ["api_blueprint", "journal_unrouted"]
