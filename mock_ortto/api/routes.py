"""Routes under /v1. Each request: faults, auth, rate limit, body checks, then the engine."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request

from mock_ortto import auth, engine, faults, journal, ratelimit
from mock_ortto.config import Settings
from mock_ortto.context import MockContext
from mock_ortto.context import current as _ctx
from mock_ortto.errors import MockError, rate_limited
from mock_ortto.openapi.wire import ITEM_SCHEMAS
from mock_ortto.responses import error_response, json_response
from mock_ortto.store.base import Txn
from mock_ortto.validation import check_media_type

JSON = dict[str, Any]
api_blueprint = Blueprint("ortto_api", __name__, url_prefix="/v1")


class _Outcome:
    """What a handler decided, for the answer and the journal."""

    __slots__ = ("body", "decisions", "item_errors", "items", "rule", "status")

    def __init__(self, body: Any, *, items: int | None = None) -> None:
        self.body = body
        self.status = 200
        self.rule = "accepted"
        self.items = items
        self.item_errors: list[JSON] = []
        self.decisions: list[JSON] = []


Handler = Callable[[Txn, str, Settings, float, Any, dict[int, tuple[int, str]] | None], _Outcome]
Prepare = Callable[[bytes], Any]


def _raw_body(raw: bytes) -> Any:
    return raw


def _read_raw(limit: int) -> bytes | MockError:
    length = request.content_length
    too_big = MockError(
        413,
        f"request body is larger than {limit} bytes",
        rule="payload.max_body_bytes",
    )
    if length is not None and length > limit:
        return too_big
    data = request.get_data(cache=False)
    if len(data) > limit:
        return too_big
    return data


def _journal_add(
    ctx: MockContext,
    txn: Txn,
    settings: Settings,
    now: float,
    key: str | None,
    outcome: _Outcome,
    started: float,
    message: str | None = None,
) -> None:
    txn.journal_add(
        journal.entry(
            at=now,
            method=request.method,
            path=request.path,
            key=key,
            status=outcome.status,
            rule=outcome.rule,
            items=outcome.items,
            item_errors=outcome.item_errors,
            decisions=outcome.decisions,
            duration_ms=(time.perf_counter() - started) * 1000,
            message=message,
        ),
        settings.journal_size,
    )


def _injected_status(fault: JSON) -> MockError:
    status = int(fault["status"])
    if status == 429:
        exc = rate_limited(int(fault.get("try_in_seconds", 10)), "fault.injected")
        return exc
    message = str(fault.get("message") or f"injected fault: HTTP {status}")
    return MockError(status, message, rule="fault.injected")


def _dropped(environ: dict[str, Any]) -> Response:
    """Close the connection without a complete answer."""
    sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def nothing() -> Iterator[bytes]:
        yield b""

    # A promised length that is never sent makes every server close the connection.
    return Response(
        nothing(), status=200, headers={"Content-Length": "64"}, mimetype="application/json"
    )


def _run(handler: Handler, *, has_body: bool, prepare: Prepare = _raw_body) -> Response:
    ctx = _ctx()
    started = time.perf_counter()
    header = request.headers.get("Authorization")
    key = auth.parse_bearer(header)
    raw: bytes | MockError = b""
    prepared: Any = None
    if has_body:
        raw = _read_raw(ctx.body_limit(request.path)[0])
    if not isinstance(raw, MockError):
        # Parsing and schema checks need no state: done before taking the store lock.
        try:
            if has_body:
                check_media_type(request.headers.get("Content-Type"))
            prepared = prepare(raw)
        except MockError as exc:
            prepared = exc
    fault: JSON | None = None
    with ctx.store.transaction() as txn:
        settings, now = ctx.begin(txn)
        fault = faults.take(txn, request.path, key)
        try:
            if fault is not None and fault.get("status") is not None:
                raise _injected_status(fault)
            key = auth.require_key(header)
            txn.touch(key)
            ratelimit.check(txn, key, settings, now)
            if isinstance(raw, MockError):
                raise raw
            if len(raw) > settings.max_body_bytes:
                raise MockError(
                    413,
                    f"request body is larger than {settings.max_body_bytes} bytes",
                    rule="payload.max_body_bytes",
                )
            injected = None
            if fault is not None and fault.get("item_errors"):
                injected = {
                    int(e["index"]): (
                        int(e.get("status", 500)),
                        str(e.get("message") or "injected item error"),
                    )
                    for e in fault["item_errors"]
                }
            if isinstance(prepared, MockError):
                raise prepared
            outcome = handler(txn, key, settings, now, prepared, injected)
            if fault is not None:
                outcome.rule = "fault.injected" if injected else outcome.rule
            _journal_add(ctx, txn, settings, now, key, outcome, started)
            response = json_response(outcome.body, outcome.status, {"X-Mock-Rule": outcome.rule})
        except MockError as exc:
            failed = _Outcome(exc.body)
            failed.status = exc.status
            failed.rule = exc.rule
            _journal_add(ctx, txn, settings, now, key, failed, started, exc.message)
            response = error_response(exc)
    if fault is not None:
        latency = int(fault.get("latency_ms") or 0)
        if latency:
            time.sleep(latency / 1000)
        if fault.get("drop_connection"):
            return _dropped(request.environ)
    return response


@dataclass(slots=True)
class _Parsed:
    items: list[Any]
    all_valid: bool
    nulls: bool  # whether the body may hold a null value (it spells ``null`` somewhere)


def _prepare_batch(kind: str) -> Prepare:
    schema = ITEM_SCHEMAS[kind]

    def prepare(raw: bytes) -> _Parsed:
        from mock_ortto.validation import may_hold_lone_surrogates, parse_json

        body = parse_json(raw)
        if not isinstance(body, list):
            name = {"dict": "object", "str": "string", "NoneType": "null"}.get(
                type(body).__name__, type(body).__name__
            )
            raise MockError(
                400,
                f"request body must be a JSON array of items, not a JSON {name}",
                rule="payload.json_array",
            )
        valid = _ctx().validators.batch_valid(schema, body) and not may_hold_lone_surrogates(raw)
        return _Parsed(body, valid, b"null" in raw)

    return prepare


def _batch(kind: str) -> Handler:
    def handler(
        txn: Txn,
        key: str,
        settings: Settings,
        now: float,
        parsed: _Parsed,
        injected: dict[int, tuple[int, str]] | None,
    ) -> _Outcome:
        items = parsed.items
        if len(items) > settings.max_items:
            raise MockError(
                413,
                f"batch has {len(items)} items; at most {settings.max_items} are accepted",
                rule="payload.max_items",
            )
        result = engine.process_batch(
            txn,
            key,
            kind,
            items,
            now,
            settings,
            _ctx().validators,
            injected,
            parsed.all_valid,
            parsed.nulls,
        )
        outcome = _Outcome({"errors": result.errors}, items=len(items))
        if result.errors:  # the header says when items were refused
            outcome.rule = "batch.refused" if len(result.errors) == len(items) else "batch.partial"
        outcome.item_errors = result.item_errors
        outcome.decisions = result.decisions
        return outcome

    return handler


def _object_body(raw: bytes, schema: str) -> JSON:
    body: JSON = _ctx().validators.parse_body(schema, raw)  # the schema requires an object
    return body


def _create_audience(
    txn: Txn, key: str, settings: Settings, now: float, raw: bytes, _: Any
) -> _Outcome:
    body = _object_body(raw, "AudienceCreate")
    name = str(body["name"])
    if len(name) > settings.audience_name_max_chars:
        raise MockError(
            400,
            f"name is longer than {settings.audience_name_max_chars} characters",
            rule="audience.name_max_chars",
        )
    audience, created = engine.create_or_get_audience(txn, key, name, now)
    outcome = _Outcome({"id": audience.id, "name": audience.name})
    outcome.rule = "accepted" if created else "audience.create_or_get"
    return outcome


def _get_audience(
    txn: Txn, key: str, settings: Settings, now: float, raw: bytes, _: Any
) -> _Outcome:
    body = _object_body(raw, "AudienceGet")
    audience_id = str(body["id"])
    audience = txn.audience(key, audience_id)
    if audience is None:
        raise MockError(404, f"audience {audience_id} not found", rule="item.audience_unknown")
    return _Outcome({"id": audience.id, "name": audience.name})


def _me(txn: Txn, key: str, settings: Settings, now: float, raw: bytes, _: Any) -> _Outcome:
    return _Outcome({})


@api_blueprint.get("/me", provide_automatic_options=False)
def me() -> Response:
    """Test authentication."""
    return _run(_me, has_body=False)


_BATCHES: dict[str, tuple[Handler, Prepare]] = {
    kind: (_batch(kind), _prepare_batch(kind)) for kind in ITEM_SCHEMAS
}
"""The handler and body preparation of each batch endpoint, built once."""


def _run_batch(kind: str) -> Response:
    handler, prepare = _BATCHES[kind]
    return _run(handler, has_body=True, prepare=prepare)


@api_blueprint.post("/identify", provide_automatic_options=False)
def identify() -> Response:
    """Upsert contacts."""
    return _run_batch("identify")


@api_blueprint.post("/track", provide_automatic_options=False)
def track() -> Response:
    """Track activities."""
    return _run_batch("track")


@api_blueprint.put("/audiences/members", provide_automatic_options=False)
def audience_members() -> Response:
    """Add or remove audience members."""
    return _run_batch("members")


@api_blueprint.post("/audiences/create", provide_automatic_options=False)
def create_audience() -> Response:
    """Create or get an audience by exact name."""
    return _run(_create_audience, has_body=True)


@api_blueprint.post("/audiences/get", provide_automatic_options=False)
def get_audience() -> Response:
    """Fetch an audience by id."""
    return _run(_get_audience, has_body=True)


def journal_unrouted(ctx: MockContext, status: int, rule: str) -> None:
    """Journal a request that matched no endpoint (not for admin paths)."""
    if request.path.startswith("/_mock") or request.path == "/openapi.json":
        return
    started = time.perf_counter()
    key = auth.parse_bearer(request.headers.get("Authorization"))
    with ctx.store.transaction() as txn:
        settings = ctx.settings(txn)
        now = txn.get_clock().now()
        outcome = _Outcome(None)
        outcome.status = status
        outcome.rule = rule
        _journal_add(ctx, txn, settings, now, key, outcome, started)
