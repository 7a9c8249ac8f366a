"""``GET /`` and ``GET /_mock/``: a small index of what the mock serves (JSON or HTML)."""

from __future__ import annotations

import html

from flask import Blueprint, Response, request

from mock_ortto.responses import json_response

index_blueprint = Blueprint("mock_index", __name__)

DOCS = "docs/mock/index.md in the repository (mkdocs site: nox -s docs or mkdocs serve)"
LINKS: dict[str, str] = {
    "openapi": "/openapi.json",
    "health": "/_mock/health",
    "accounts": "/_mock/accounts",
    "journal": "/_mock/journal",
    "clock": "/_mock/clock",
    "faults": "/_mock/faults",
    "config": "/_mock/config",
    "rules": "/_mock/rules",
    "state": "/_mock/state",
}
"""Admin and document links; per-account lists (contacts, activities, ...) need ``?api_key=``."""


def index_body() -> dict[str, object]:
    """The index as JSON."""
    return {
        "service": "mock_ortto",
        "api": "/v1 (identify, track, audiences/members, audiences/create, audiences/get, me)",
        "links": LINKS,
        "per_account": [
            f"/_mock/{name}?api_key=KEY"
            for name in ("contacts", "activities", "audiences", "memberships", "timeline")
        ],
        "docs": DOCS,
    }


def _html() -> str:
    items = "".join(
        f'<li><a href="{html.escape(url)}">{html.escape(name)}</a></li>'
        for name, url in LINKS.items()
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>mock_ortto</title></head>"
        "<body><h1>mock_ortto</h1><p>Stateful mock of the Ortto API behind Segment's Ortto"
        f" destinations. API under <code>/v1</code>.</p><ul>{items}</ul>"
        f"<p>Docs: {html.escape(DOCS)}</p></body></html>"
    )


@index_blueprint.get("/", provide_automatic_options=False)
@index_blueprint.get("/_mock/", provide_automatic_options=False, strict_slashes=False)
def index() -> Response:
    """JSON unless the client prefers HTML (a browser)."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    if (
        best == "text/html"
        and request.accept_mimetypes["text/html"] > request.accept_mimetypes["application/json"]
    ):
        return Response(_html(), mimetype="text/html")
    return json_response(index_body())
