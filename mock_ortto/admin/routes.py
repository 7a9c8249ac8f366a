"""Routes under /_mock. Bodies are validated with the same compiled OpenAPI schemas."""

from __future__ import annotations

import hmac
import json
from typing import Any

from flask import Blueprint, Response, request

from mock_ortto import engine, faults, rules, snapshot, views
from mock_ortto.admin.clockwords import clock_command_problem
from mock_ortto.auth import redact
from mock_ortto.clock import in_range, iso, parse_iso
from mock_ortto.context import MockContext
from mock_ortto.context import current as _ctx
from mock_ortto.errors import MockError
from mock_ortto.responses import json_response
from mock_ortto.settings import SettingError
from mock_ortto.store.base import Txn
from mock_ortto.validation import check_media_type, parse_json

JSON = dict[str, Any]
admin_blueprint = Blueprint("mock_admin", __name__, url_prefix="/_mock")
_NO_OPTIONS = {"provide_automatic_options": False}


_QUERY: dict[str, tuple[str, ...]] = {
    "contacts": ("api_key", "user_id", "anonymous_id", "offset", "limit"),
    "activities": ("api_key", "contact_id", "offset", "limit"),
    "audiences": ("api_key",),
    "memberships": ("api_key", "audience_id", "contact_id", "offset", "limit"),
    "timeline": ("api_key", "audience_id", "contact_id", "offset", "limit"),
    "journal_list": ("limit", "path", "status", "rule"),
}
"""Query parameters each admin endpoint knows; any other one is refused (none elsewhere)."""


@admin_blueprint.before_request
def _check_token() -> None:
    token = _ctx().config.admin_token
    if token is not None:
        given = request.headers.get("X-Mock-Admin-Token", "")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8")):
            raise MockError(
                401, "admin token missing or wrong (X-Mock-Admin-Token)", rule="admin.token"
            )
    endpoint = (request.endpoint or "").rpartition(".")[2]
    known = _QUERY.get(endpoint, ())
    unknown = sorted(set(request.args) - set(known))
    if unknown:
        accepted = ", ".join(known) if known else "none"
        raise MockError(
            400,
            f"unknown query parameter {', '.join(unknown)} on {request.path}"
            f" (accepted: {accepted})",
            rule="admin.query",
        )


def _raw_body() -> bytes:
    """The request body within the admin cap (413 past it), sent as JSON (415 otherwise)."""
    limit, rule = _ctx().body_limit(request.path)
    too_big = MockError(413, f"request body is larger than {limit} bytes", rule=rule)
    if (request.content_length or 0) > limit:
        raise too_big
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise too_big
    if raw:
        check_media_type(request.headers.get("Content-Type"))
    return raw


def _body(schema: str, *, optional: bool = False) -> Any:
    raw = _raw_body()
    if optional and not raw:
        return {}
    return _ctx().validators.parse_body(schema, raw)


MAX_PARAM = 500


def _param(name: str) -> str | None:
    value = request.args.get(name)
    if value is not None and not 1 <= len(value) <= MAX_PARAM:
        raise MockError(
            400, f"query parameter {name} must be 1..{MAX_PARAM} characters", rule="request.invalid"
        )
    return value


def _key() -> str:
    key = _param("api_key")
    if key is None:
        raise MockError(400, "query parameter api_key is required", rule="request.invalid")
    return key


def _account(txn: Txn) -> str:
    """The ``api_key`` of the query, which must be an account the mock knows (404 if not)."""
    key = _key()
    known = txn.accounts()
    if key not in known:
        raise MockError(
            404,
            f"no account with api_key {redact(key)}; known accounts: "
            + (", ".join(str(redact(k)) for k in known) or "none"),
            rule="account.unknown",
            body={
                "error": f"no account with api_key {redact(key)}",
                "known_accounts": [redact(k) for k in known],
            },
        )
    return key


def _filters(*names: str) -> dict[str, str | None]:
    return {name: _param(name) for name in names}


PAGE_DEFAULT = 1000
PAGE_MAX = 10000


def _int_param(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise MockError(
            400, f"query parameter {name} must be an integer {low}..{high}", rule="request.invalid"
        )
    return int(raw)


def _page() -> tuple[int, int]:
    """``offset`` and ``limit`` of a list request (default: the first 1000 records)."""
    return _int_param("offset", 0, 0, 10**12), _int_param("limit", PAGE_DEFAULT, 1, PAGE_MAX)


def _paged(name: str, rows: list[Any], offset: int, limit: int) -> Response:
    """One page; ``rows`` holds up to ``limit + 1`` records (the extra one says more exist)."""
    more = len(rows) > limit
    return json_response({name: rows[:limit], "next_offset": offset + limit if more else None})


def _clock_view(txn: Txn, ctx: MockContext, reconciled: int | None = None) -> JSON:
    state = txn.get_clock()
    now = state.now()
    period = ctx.settings(txn).reconcile_period_seconds
    view: JSON = {
        "now": iso(now),
        "now_unix": now,
        "frozen": state.frozen_at is not None,
        "offset_seconds": state.offset,
        "next_reconciliation": iso((int(now // period) + 1) * period),
    }
    if reconciled is not None:
        view["reconciled"] = reconciled
    return view


def _config_view(txn: Txn, ctx: MockContext) -> JSON:
    out = ctx.config.describe()
    out["settings"] = ctx.settings(txn).to_json()
    return out


@admin_blueprint.get("/health", **_NO_OPTIONS)
def health() -> Response:
    """Liveness."""
    return json_response({"status": "ok", "store": _ctx().store.name})


@admin_blueprint.post("/reset", **_NO_OPTIONS)
def reset() -> Response:
    """Forget everything, or one account."""
    body = _body("ResetRequest", optional=True)
    with _ctx().store.transaction() as txn:
        key = body.get("api_key")
        txn.reset(key)
        if key is None:
            txn.set_settings(None)
    return json_response({"reset": "account" if key else "all"})


@admin_blueprint.get("/state", **_NO_OPTIONS)
def export_state() -> Response:
    """Snapshot."""
    with _ctx().reading() as txn:
        return json_response(snapshot.export(txn))


@admin_blueprint.put("/state", **_NO_OPTIONS)
def import_state() -> Response:
    """Restore a snapshot (records may nest no deeper than ``max_depth``, as in /v1 items)."""
    body = _body("Snapshot")
    ctx = _ctx()
    with ctx.store.transaction() as txn:
        limit = ctx.settings(txn).max_depth
        where = snapshot.too_deep(body, limit)
        if where is not None:
            message = f"{where} nests deeper than {limit} levels"
            raise MockError(400, message, rule="payload.max_depth")
        count = snapshot.restore(txn, body)
    return json_response({"restored_accounts": count})


@admin_blueprint.get("/accounts", **_NO_OPTIONS)
def accounts() -> Response:
    """Accounts with state and their record counts (counted, not loaded; no write lock)."""
    with _ctx().reading() as txn:
        rows = [
            {
                "api_key": redact(key),
                "contacts": txn.count(key, "contacts"),
                "activities": txn.count(key, "activities"),
                "audiences": txn.count(key, "audiences"),
            }
            for key in txn.accounts()
        ]
    return json_response({"accounts": rows})


@admin_blueprint.get("/contacts", **_NO_OPTIONS)
def contacts() -> Response:
    """Contacts of one account, a page at a time."""
    f = _filters("user_id", "anonymous_id")
    offset, limit = _page()
    with _ctx().reading() as txn:
        key = _account(txn)
        if f["user_id"] is not None or f["anonymous_id"] is not None:
            candidates = []
            if f["user_id"]:
                candidates.append(txn.contact_by_user(key, f["user_id"]))
            if f["anonymous_id"]:
                candidates.append(txn.contact_by_anon(key, f["anonymous_id"]))
            ids = {c.id if c is not None else None for c in candidates}
            first = candidates[0]
            found = [first] if first is not None and len(ids) == 1 else []
            found = found[offset : offset + limit]
        else:
            found = txn.contacts(key, offset, limit + 1)
        return _paged("contacts", [views.contact(c) for c in found], offset, limit)


@admin_blueprint.get("/activities", **_NO_OPTIONS)
def activities() -> Response:
    """Activities of one account, a page at a time."""
    f = _filters("contact_id")
    offset, limit = _page()
    with _ctx().reading() as txn:
        key = _account(txn)
        found = txn.activities(key, f["contact_id"], offset, limit + 1)
        rows = [views.activity(a) for a in found]
    return _paged("activities", rows, offset, limit)


@admin_blueprint.get("/audiences", **_NO_OPTIONS)
def audiences() -> Response:
    """Audiences of one account."""
    with _ctx().reading() as txn:
        key = _account(txn)
        rows = [views.audience(a) for a in txn.audiences(key)]
    return json_response({"audiences": rows})


@admin_blueprint.get("/memberships", **_NO_OPTIONS)
def memberships() -> Response:
    """Membership records, a page at a time."""
    f = _filters("audience_id", "contact_id")
    offset, limit = _page()
    with _ctx().reading() as txn:
        key = _account(txn)
        found = txn.memberships(key, f["audience_id"], f["contact_id"], offset, limit + 1)
        rows = [views.membership(m) for m in found]
    return _paged("memberships", rows, offset, limit)


@admin_blueprint.get("/timeline", **_NO_OPTIONS)
def timeline() -> Response:
    """Membership timeline, a page at a time."""
    f = _filters("audience_id", "contact_id")
    offset, limit = _page()
    with _ctx().reading() as txn:
        key = _account(txn)
        found = txn.timeline(key, f["audience_id"], f["contact_id"], offset, limit + 1)
        rows = [views.timeline_event(e) for e in found]
    return _paged("events", rows, offset, limit)


JOURNAL_MAX = 100000


@admin_blueprint.get("/journal", **_NO_OPTIONS)
def journal_list() -> Response:
    """Journal entries, newest first; filters ``path``, ``status`` and ``rule`` (exact)."""
    limit = _int_param("limit", 100, 1, JOURNAL_MAX)
    status = _int_param("status", 0, 100, 599) or None  # 0: no filter
    f = _filters("path", "rule")
    with _ctx().reading() as txn:
        if status is None and f["path"] is None and f["rule"] is None:
            return json_response({"entries": txn.journal(limit)})
        entries = [
            e
            for e in txn.journal(JOURNAL_MAX)
            if (status is None or e.get("status") == status)
            and (f["path"] is None or e.get("path") == f["path"])
            and (f["rule"] is None or e.get("rule") == f["rule"])
        ]
    return json_response({"entries": entries[:limit]})


@admin_blueprint.get("/journal/<int:entry_id>", **_NO_OPTIONS)
def journal_entry(entry_id: int) -> Response:
    """One journal entry."""
    with _ctx().reading() as txn:
        found = txn.journal_entry(entry_id)
    if found is None:
        raise MockError(404, f"no journal entry {entry_id}", rule="request.not_found")
    return json_response(found)


@admin_blueprint.get("/clock", **_NO_OPTIONS)
def clock_get() -> Response:
    """The clock."""
    ctx = _ctx()
    with ctx.reading() as txn:
        return json_response(_clock_view(txn, ctx))


@admin_blueprint.post("/clock", **_NO_OPTIONS)
def clock_change() -> Response:
    """Freeze, resume, set or advance the clock; run a due reconciliation."""
    body = _clock_body()
    ctx = _ctx()
    with ctx.store.transaction() as txn:
        settings, _ = ctx.begin(txn)
        state = txn.get_clock()
        action = body["action"]
        if action == "freeze":
            at = _instant(body["at"]) if "at" in body else None
            new = state.frozen(at)
        elif action == "resume":
            new = state.resumed()
        elif action == "set":
            new = state.set_to(_instant(body["at"]))
        else:
            new = state.advanced(float(body["seconds"]))
        if not in_range(new.now()):
            raise MockError(409, "the clock would leave years 1..9999", rule="clock.range")
        txn.set_clock(new)
        reconciled = 0
        if new.now() < state.now():
            # Moving back in time re-arms the reconciliation at the new time.
            txn.set_reconciled_period(int(new.now() // settings.reconcile_period_seconds))
        else:
            reconciled = engine.reconcile_due(txn, new.now(), settings)
        return json_response(_clock_view(txn, ctx, reconciled))


def _clock_body() -> JSON:
    """The clock command, with an error naming the wrong field and what is accepted."""
    raw = _raw_body()
    try:
        body: JSON = _ctx().validators.parse_body("ClockCommand", raw)
    except MockError as exc:
        if exc.rule != "request.invalid":
            raise
        problem = clock_command_problem(parse_json(raw))
        raise MockError(400, problem or exc.message, rule="request.invalid") from None
    return body


def _instant(text: str) -> float:
    try:
        value = parse_iso(text)
    except OverflowError:
        raise MockError(409, "the clock would leave years 1..9999", rule="clock.range") from None
    except ValueError as exc:
        if "out of range" in str(exc):
            raise MockError(
                409, "the clock would leave years 1..9999", rule="clock.range"
            ) from None
        raise MockError(
            400, f"the clock cannot be set to {text!r}: {exc}", rule="request.invalid"
        ) from None
    return value


@admin_blueprint.get("/faults", **_NO_OPTIONS)
def faults_list() -> Response:
    """Queued faults."""
    with _ctx().reading() as txn:
        return json_response({"faults": txn.faults()})


@admin_blueprint.post("/faults", **_NO_OPTIONS)
def faults_add() -> Response:
    """Queue a fault."""
    body = _body("FaultSpec")
    with _ctx().store.transaction() as txn:
        fault = faults.add(txn, body)
    return json_response(fault, 201)


@admin_blueprint.delete("/faults", **_NO_OPTIONS)
def faults_clear() -> Response:
    """Drop queued faults."""
    with _ctx().store.transaction() as txn:
        txn.set_faults([])
    return json_response({"faults": []})


@admin_blueprint.get("/config", **_NO_OPTIONS)
def config_get() -> Response:
    """Active configuration."""
    ctx = _ctx()
    with ctx.reading() as txn:
        return json_response(_config_view(txn, ctx))


@admin_blueprint.patch("/config", **_NO_OPTIONS)
def config_patch() -> Response:
    """Change rule settings at runtime (checked by the settings declaration, as the CLI is)."""
    body = parse_json(_raw_body())
    if not isinstance(body, dict):
        raise MockError(
            400, "body must be a JSON object of settings to change", rule="request.invalid"
        )
    ctx = _ctx()
    with ctx.store.transaction() as txn:
        current = ctx.settings(txn)
        try:
            updated = current.updated(body)
        except SettingError as exc:
            raise MockError(400, str(exc), rule="request.invalid") from None
        txn.set_settings(json.dumps(updated.to_json(), sort_keys=True))
        if updated.reconcile_period_seconds != current.reconcile_period_seconds:
            now = txn.get_clock().now()
            txn.set_reconciled_period(int(now // updated.reconcile_period_seconds))
        return json_response(_config_view(txn, ctx))


@admin_blueprint.get("/rules", **_NO_OPTIONS)
def rules_list() -> Response:
    """The rule table."""
    return json_response({"rules": rules.as_table()})


__all__ = ["admin_blueprint"]
