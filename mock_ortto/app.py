"""Application factory: builds the Flask app, its routes and JSON error handling."""

from __future__ import annotations

import logging
import os

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from mock_ortto import openapi
from mock_ortto.config import ServerConfig
from mock_ortto.context import EXTENSION, MockContext
from mock_ortto.errors import MockError
from mock_ortto.responses import error_response, json_response
from mock_ortto.store import Store, open_store
from mock_ortto.validation import Validators

log = logging.getLogger("mock_ortto")


def create_app(config: ServerConfig | None = None, store: Store | None = None) -> Flask:
    """Create the mock app. ``store`` defaults to the one named in ``config.store``."""
    cfg = config or ServerConfig()
    document = openapi.build(cfg)
    ctx = MockContext(
        store=store if store is not None else open_store(cfg.store),
        config=cfg,
        validators=Validators(document),
        document=document,
    )
    here = os.path.dirname(os.path.abspath(__file__))
    app = Flask("mock_ortto", root_path=here, instance_path=os.path.join(here, "instance"))
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = ctx

    from mock_ortto.admin import admin_blueprint
    from mock_ortto.api import api_blueprint, journal_unrouted
    from mock_ortto.index import index_blueprint

    app.register_blueprint(api_blueprint)
    app.register_blueprint(admin_blueprint)
    app.register_blueprint(index_blueprint)

    @app.get("/openapi.json", provide_automatic_options=False)
    def openapi_document() -> Response:
        return json_response(ctx.document)

    @app.errorhandler(MockError)
    def handle_mock_error(exc: MockError) -> Response:
        return error_response(exc)

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException) -> Response:
        status = exc.code or 500
        rule = {404: "route.unknown", 405: "route.method"}.get(status, "request.invalid")
        if status == 404:
            message = f"no endpoint {request.path}"
        elif status == 405:
            message = f"method {request.method} not allowed on {request.path}"
        else:
            message = exc.description or exc.name
        headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
        headers["X-Mock-Rule"] = rule
        journal_unrouted(ctx, status, rule)
        return json_response({"error": message}, status, headers)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> Response:  # pragma: no cover - a bug if reached
        log.exception("unexpected error")
        return json_response({"error": f"internal mock error: {type(exc).__name__}"}, 500)

    return app
