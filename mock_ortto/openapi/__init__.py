"""The single OpenAPI 3.1 document, assembled from its parts.

- :mod:`~mock_ortto.openapi.wire`: the Ortto wire contract (/v1 and the item schemas);
- :mod:`~mock_ortto.openapi.records`: stored records and snapshots;
- :mod:`~mock_ortto.openapi.admin`: the admin API (settings from the settings declaration).

Request validators (:mod:`mock_ortto.validation`) are compiled from this document, so the
served contract and the enforced contract cannot drift apart.
"""

from __future__ import annotations

from mock_ortto.config import ServerConfig
from mock_ortto.openapi import admin, records, wire
from mock_ortto.openapi.common import JSON

__all__ = ["JSON", "build"]


def build(cfg: ServerConfig) -> JSON:
    """Build the OpenAPI 3.1 document for a server configuration."""
    paths: JSON = {**wire.paths(cfg.settings), **admin.paths()}
    components: JSON = {
        "schemas": {**wire.schemas(), **records.schemas(), **admin.schemas()},
        "securitySchemes": {
            "bearerKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "An Ortto-shaped key, e.g. pau-0a1b2c; each key is one account.",
            }
        },
    }
    if cfg.admin_token:
        admin.require_token(paths, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "mock_ortto",
            "version": "1.0.0",
            "description": "Stateful mock of the Segment-only Ortto API used by the Ortto"
            " (Actions) and Ortto (Audiences) destinations, plus its admin API under /_mock.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": components,
    }
