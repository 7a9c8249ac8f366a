"""The admin API under /_mock (and /openapi.json): paths and the schemas only it uses.

The settings schemas come from :data:`mock_ortto.settings.SETTINGS`, the rule schema from
:class:`mock_ortto.rules.Rule`.
"""

from __future__ import annotations

import copy
from typing import Any

from mock_ortto import rules, settings
from mock_ortto.openapi.common import (
    BAD_BODY,
    JSON,
    NULLABLE_STRING,
    OBJECT,
    TOO_LARGE,
    TS,
    error,
    json_content,
    obj,
    ref,
    request_body,
)


def _fault_spec() -> JSON:
    item_error = obj(
        {
            "index": {"type": "integer", "minimum": 0, "maximum": 1000000},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "message": {"type": "string", "maxLength": 1000},
        },
        required=["index"],
        closed=True,
    )
    spec = obj(
        {
            "count": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
            "path": {"type": "string", "minLength": 1, "maxLength": 200},
            "api_key": {"type": "string", "minLength": 1, "maxLength": 500},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "message": {"type": "string", "maxLength": 1000},
            "try_in_seconds": {"type": "integer", "minimum": 1, "maximum": 86400},
            "item_errors": {"type": "array", "maxItems": 1000, "items": item_error},
            "latency_ms": {"type": "integer", "minimum": 0, "maximum": 30000},
            "drop_connection": {"type": "boolean"},
        },
        closed=True,
    )
    spec["description"] = (
        "Applies to the next `count` answers of /v1 requests (optionally only one path and/or"
        " one API key). `status` replaces the answer without processing; `item_errors` reports"
        " those indices as failed (they are not stored); `latency_ms` delays the answer;"
        " `drop_connection` closes the connection without a complete answer."
    )
    return spec


def _clock_command() -> JSON:
    def command(action: str, required: list[str], **extra: JSON) -> JSON:
        return obj(
            {"action": {"const": action}, **extra}, required=["action", *required], closed=True
        )

    seconds = {"type": "number", "minimum": 0, "maximum": 3153600000}
    return {
        "oneOf": [
            command("freeze", [], at=TS),
            command("resume", []),
            command("set", ["at"], at=TS),
            command("advance", ["seconds"], seconds=seconds),
        ]
    }


def schemas() -> JSON:
    """Component schemas of the admin API."""
    fault_spec = _fault_spec()
    fault = copy.deepcopy(fault_spec)
    fault["properties"].update(id={"type": "integer"}, remaining={"type": "integer"})
    fault["required"] = ["id", "remaining"]
    setting_properties = settings.properties()
    rule_types: JSON = {name: {"type": "string"} for name in rules.COLUMNS}
    rule_types.update(value={"description": "Default value (any JSON)."}, setting=NULLABLE_STRING)
    return {
        "JournalEntry": obj(
            {
                "id": {"type": "integer"},
                "at": TS,
                "method": {"type": "string"},
                "path": {"type": "string"},
                "api_key": NULLABLE_STRING,
                "status": {"type": "integer"},
                "rule": {"type": "string"},
                "explain": {"type": "string"},
                "items": {"type": ["integer", "null"]},
                "item_errors": {"type": "array", "items": OBJECT},
                "decisions": {"type": "array", "items": OBJECT},
                "duration_ms": {"type": "number"},
            },
            required=["id", "at", "method", "path", "status", "rule", "explain"],
        ),
        "Clock": obj(
            {
                "now": TS,
                "now_unix": {"type": "number"},
                "frozen": {"type": "boolean"},
                "offset_seconds": {"type": "number"},
                "next_reconciliation": TS,
                "reconciled": {"type": "integer", "minimum": 0},
            },
            required=["now", "now_unix", "frozen", "offset_seconds", "next_reconciliation"],
        ),
        "ClockCommand": _clock_command(),
        "FaultSpec": fault_spec,
        "Fault": fault,
        "Settings": obj(setting_properties, required=list(setting_properties), closed=True),
        "SettingsPatch": obj(setting_properties, closed=True),
        "Config": obj(
            {
                "store": {"type": "string"},
                "admin_token": {"type": "boolean"},
                "settings": ref("Settings"),
            },
            required=["store", "admin_token", "settings"],
        ),
        "ResetRequest": obj(
            {"api_key": {"type": "string", "minLength": 1, "maxLength": 500}}, closed=True
        ),
        "Rule": obj(rule_types, required=list(rules.COLUMNS)),
    }


def _op(op_id: str, summary: str, responses: JSON, **extra: Any) -> JSON:
    op: JSON = {"operationId": op_id, "tags": ["admin"], "summary": summary}
    op.update(extra)
    merged = dict(responses)
    merged.setdefault("401", error("Admin token missing or wrong (only when one is set)."))
    merged.setdefault("400", error("A query parameter this endpoint does not know."))
    if "requestBody" in extra:
        merged.setdefault("413", error("Body larger than the admin cap (--max-admin-body-bytes)."))
        merged.setdefault("415", error("Content-Type other than application/json."))
    op["responses"] = merged
    return op


def _query(name: str, description: str, required: bool = False) -> JSON:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", "minLength": 1, "maxLength": 500},
    }


def _list_of(name: str, item: str, description: str, paged: bool = False) -> JSON:
    properties: JSON = {name: {"type": "array", "items": ref(item)}}
    if paged:
        properties["next_offset"] = {
            "type": ["integer", "null"],
            "description": "offset of the next page, null on the last page",
        }
    return json_content(obj(properties, required=[name]), description)


_UNKNOWN_ACCOUNT = json_content(
    obj(
        {
            "error": {"type": "string"},
            "known_accounts": {"type": "array", "items": {"type": "string"}},
        },
        required=["error", "known_accounts"],
    ),
    "No account with this api_key; lists the known accounts (redacted).",
)


def _index(op_id: str) -> JSON:
    return {
        "get": {
            "operationId": op_id,
            "tags": ["admin"],
            "summary": "Index: links to this document, the admin routes and the docs.",
            "responses": {
                "200": {
                    "description": "JSON, or HTML when the client prefers text/html.",
                    "content": {
                        "application/json": {"schema": OBJECT},
                        "text/html": {"schema": {"type": "string"}},
                    },
                }
            },
        }
    }


def _page_params() -> list[JSON]:
    """``offset`` and ``limit`` of the paginated /_mock lists."""
    return [
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "Records to skip (default 0).",
            "schema": {"type": "integer", "minimum": 0, "maximum": 10**12},
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "Records per page (default 1000, at most 10000).",
            "schema": {"type": "integer", "minimum": 1, "maximum": 10000},
        },
    ]


def _inspect(
    op_id: str,
    summary: str,
    name: str,
    item: str,
    *filters: tuple[str, str],
    paged: bool = False,
) -> JSON:
    """A GET listing records of one account (``api_key``), with optional filters and pages."""
    return _op(
        op_id,
        summary,
        {
            "200": _list_of(name, item, summary, paged),
            "400": error("api_key missing, or an unknown query parameter."),
            "404": _UNKNOWN_ACCOUNT,
        },
        parameters=[
            _query("api_key", "The account (API key) to inspect.", required=True),
            *(_query(param, description) for param, description in filters),
            *(_page_params() if paged else []),
        ],
    )


def _integer_param(name: str, where: str, required: bool, maximum: int) -> JSON:
    return {
        "name": name,
        "in": where,
        "required": required,
        "schema": {"type": "integer", "minimum": 1, "maximum": maximum},
    }


_AUDIENCE_FILTER = ("audience_id", "Only this audience.")
_CONTACT_FILTER = ("contact_id", "Only this contact.")


def paths() -> JSON:
    """The admin paths."""
    state = obj({"status": {"const": "ok"}, "store": {"type": "string"}}, required=["status"])
    reset = obj({"reset": {"type": "string", "enum": ["all", "account"]}}, required=["reset"])
    restored = obj({"restored_accounts": {"type": "integer"}}, required=["restored_accounts"])
    accounts = obj({"accounts": {"type": "array", "items": OBJECT}}, required=["accounts"])
    return {
        "/": _index("index"),
        "/_mock/": _index("adminIndex"),
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "tags": ["admin"],
                "summary": "This document.",
                "responses": {"200": json_content(OBJECT, "The OpenAPI document.")},
            }
        },
        "/_mock/health": {"get": _op("health", "Liveness.", {"200": json_content(state, "Up.")})},
        "/_mock/reset": {
            "post": _op(
                "reset",
                "Forget all state, or one account's state when api_key is given.",
                {"200": json_content(reset, "Done."), "400": BAD_BODY},
                requestBody=request_body("ResetRequest", required=False),
            )
        },
        "/_mock/state": {
            "get": _op(
                "exportState",
                "Snapshot of all state as JSON.",
                {"200": json_content(ref("Snapshot"), "The snapshot.")},
            ),
            "put": _op(
                "importState",
                "Replace all state with a snapshot.",
                {
                    "200": json_content(restored, "Restored."),
                    "400": BAD_BODY,
                    "413": TOO_LARGE,
                },
                requestBody=request_body("Snapshot"),
            ),
        },
        "/_mock/accounts": {
            "get": _op(
                "listAccounts",
                "Accounts with state (keys redacted) and their record counts.",
                {"200": json_content(accounts, "Accounts.")},
            )
        },
        "/_mock/contacts": {
            "get": _inspect(
                "listContacts",
                "Contacts of an account, optionally by user_id or anonymous_id.",
                "contacts",
                "Contact",
                ("user_id", "Only the contact owning this user id."),
                ("anonymous_id", "Only the contact owning this anonymous id."),
                paged=True,
            )
        },
        "/_mock/activities": {
            "get": _inspect(
                "listActivities",
                "Stored activities of an account, oldest first.",
                "activities",
                "Activity",
                _CONTACT_FILTER,
                paged=True,
            )
        },
        "/_mock/audiences": {
            "get": _inspect(
                "listAudiences", "Audiences of an account.", "audiences", "AudienceView"
            )
        },
        "/_mock/memberships": {
            "get": _inspect(
                "listMemberships",
                "Current membership records, including deferred instructions.",
                "memberships",
                "Membership",
                _AUDIENCE_FILTER,
                _CONTACT_FILTER,
                paged=True,
            )
        },
        "/_mock/timeline": {
            "get": _inspect(
                "membershipTimeline",
                "Membership history, oldest first: entered, exited, blocked, deferred,"
                " reconciled...",
                "events",
                "TimelineEvent",
                _AUDIENCE_FILTER,
                _CONTACT_FILTER,
                paged=True,
            )
        },
        "/_mock/journal": {
            "get": _op(
                "listJournal",
                "Request journal, newest first (API keys redacted).",
                {
                    "200": _list_of("entries", "JournalEntry", "Entries."),
                    "400": error("Bad limit or status, or an unknown query parameter."),
                },
                parameters=[
                    _integer_param("limit", "query", False, 100000),
                    _query("path", "Only entries of this request path (exact)."),
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "description": "Only entries answered with this HTTP status.",
                        "schema": {"type": "integer", "minimum": 100, "maximum": 599},
                    },
                    _query("rule", "Only entries decided by this rule id."),
                ],
            )
        },
        "/_mock/journal/{entry_id}": {
            "get": _op(
                "getJournalEntry",
                "One journal entry with its explanation.",
                {
                    "200": json_content(ref("JournalEntry"), "The entry."),
                    "404": error("No such entry (or it rotated out)."),
                },
                parameters=[_integer_param("entry_id", "path", True, 1000000000)],
            )
        },
        "/_mock/clock": {
            "get": _op(
                "getClock", "The mock clock.", {"200": json_content(ref("Clock"), "Clock.")}
            ),
            "post": _op(
                "changeClock",
                "Freeze, resume, set or advance the clock. Crossing a reconciliation boundary"
                " (UTC midnight by default) applies deferred membership instructions.",
                {
                    "200": json_content(ref("Clock"), "The clock after the change."),
                    "400": BAD_BODY,
                    "409": error("The new time would leave years 1..9999."),
                },
                requestBody=request_body("ClockCommand"),
            ),
        },
        "/_mock/faults": {
            "get": _op(
                "listFaults", "Queued faults.", {"200": _list_of("faults", "Fault", "Faults.")}
            ),
            "post": _op(
                "addFault",
                "Queue a fault for the next N /v1 answers.",
                {"201": json_content(ref("Fault"), "Queued."), "400": BAD_BODY},
                requestBody=request_body("FaultSpec"),
            ),
            "delete": _op(
                "clearFaults",
                "Drop all queued faults.",
                {"200": _list_of("faults", "Fault", "Empty.")},
            ),
        },
        "/_mock/config": {
            "get": _op(
                "getConfig",
                "Active configuration.",
                {"200": json_content(ref("Config"), "Config.")},
            ),
            "patch": _op(
                "patchConfig",
                "Change rule settings at runtime (shared by all workers; reset restores them)."
                " A refused value gets 400 with the same message as the command line gives.",
                {"200": json_content(ref("Config"), "New config."), "400": BAD_BODY},
                requestBody=request_body("SettingsPatch"),
            ),
        },
        "/_mock/rules": {
            "get": _op(
                "listRules",
                "The registry of every rule id the mock emits.",
                {"200": _list_of("rules", "Rule", "Rules.")},
            )
        },
    }


def require_token(paths_: JSON, components: JSON) -> None:
    """Mark every /_mock operation as needing the admin token header."""
    components["securitySchemes"]["adminToken"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-Mock-Admin-Token",
    }
    for path, item in paths_.items():
        if path.startswith("/_mock/"):
            for op in item.values():
                op["security"] = [{"adminToken": []}]
