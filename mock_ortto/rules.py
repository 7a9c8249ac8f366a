"""The registry of every rule id the mock emits, as one table of data.

A rule id names what decided an answer: it is sent in the ``X-Mock-Rule`` header and kept in
journal entries, per-item errors, decisions and membership timelines. The rules of runtime
settings come from :data:`mock_ortto.settings.SETTINGS` (their value is the setting's
default); the rate window rules come from :data:`mock_ortto.settings.PLAN_WINDOWS`; the rest
are declared here. The docs render :func:`as_table`, ``GET /_mock/rules`` serves it and the
journal explains an entry with :func:`explain`. Each rule says where it comes from: Ortto's
public documentation, the Segment destination's code, or a choice this mock made because
the Segment-only Ortto API is not publicly documented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, Final

from mock_ortto.settings import PLAN_WINDOWS, SETTINGS, Category, Source


@dataclass(frozen=True, slots=True)
class Rule:
    """One named rule: its id, what it decides, its default value and where it comes from."""

    id: str
    category: Category
    value: Any
    unit: str
    summary: str
    source: Source
    setting: str | None = None  # the Settings field that holds its value, if adjustable


def _rule(rule_id: str, category: Category, summary: str, source: Source) -> Rule:
    return Rule(rule_id, category, None, "", summary, source)


_OWN: Final[tuple[Rule, ...]] = (
    _rule(
        "accepted",
        "request",
        "The request was accepted; per-item outcomes are in item_errors and decisions.",
        "mock-choice",
    ),
    _rule(
        "auth.key_shape",
        "auth",
        "Authorization must be 'Bearer <key>' with the first '-' at index 3 and a 2-character"
        " region key[1:3].strip(); otherwise 401.",
        "destination-code",
    ),
    _rule(
        "payload.json_array",
        "payload",
        "Batch endpoints need a JSON array body and every body must be JSON; anything else is 400.",
        "destination-code",
    ),
    _rule(
        "item.schema",
        "state",
        "Each item must match its OpenAPI item schema; a mismatch is a per-item 400.",
        "destination-code",
    ),
    _rule(
        "item.identity",
        "state",
        "Each item needs a non-empty user_id or anonymous_id; otherwise a per-item 400.",
        "segment-docs",
    ),
    _rule(
        "item.audience_unknown",
        "state",
        "An audience id the account does not have: a per-item 404 in a batch, a 404 for"
        " audiences/get.",
        "mock-choice",
    ),
    _rule(
        "contact.merge",
        "state",
        "An item joining a user id to an anonymous-only contact merges that contact into the"
        " user's contact (the user's traits win); its memberships and activities move along.",
        "segment-docs",
    ),
    _rule(
        "activity.dedup",
        "state",
        "An activity whose (message_id, timestamp) pair was already stored is acknowledged but"
        " not stored twice.",
        "destination-code",
    ),
    _rule(
        "audience.create_or_get",
        "state",
        "audiences/create returns the existing audience for an exact, case-sensitive name.",
        "segment-docs",
    ),
    _rule(
        "churn.applied",
        "churn",
        "A membership instruction the churn policy lets through is applied in real time (or"
        " changes nothing when the contact is already in that state).",
        "segment-docs",
    ),
    _rule(
        "rate.window",
        "rate",
        "A rate window of the account was full: 429 with Ortto's body and Retry-After. The"
        " answer names the window as rate.<plan>.<window_seconds>s.",
        "ortto-docs",
    ),
    _rule(
        "request.invalid",
        "request",
        "The request (body, query or header) did not match what the endpoint accepts; 400.",
        "mock-choice",
    ),
    _rule(
        "request.not_found",
        "request",
        "The requested record does not exist (or has rotated out of the journal); 404.",
        "mock-choice",
    ),
    _rule("route.unknown", "request", "No endpoint has this path; 404.", "mock-choice"),
    _rule(
        "route.method", "request", "The endpoint does not allow this method; 405.", "mock-choice"
    ),
    _rule(
        "fault.injected",
        "admin",
        "A fault queued through /_mock/faults decided this answer.",
        "mock-choice",
    ),
    _rule(
        "admin.token",
        "admin",
        "With an admin token configured, /_mock needs it in X-Mock-Admin-Token; otherwise 401.",
        "mock-choice",
    ),
    _rule(
        "clock.range",
        "admin",
        "The mock clock stays within years 1..9999; a move beyond is refused with 409.",
        "mock-choice",
    ),
    _rule(
        "batch.partial",
        "state",
        "A batch answered 200 where some items were refused (listed in errors); the others"
        " were applied.",
        "mock-choice",
    ),
    _rule(
        "batch.refused",
        "state",
        "A batch answered 200 where every item was refused (listed in errors); nothing was stored.",
        "mock-choice",
    ),
    _rule(
        "account.unknown",
        "admin",
        "An inspection of an API key the mock does not know (it never authenticated a /v1"
        " request and holds no restored state) gets 404 listing the known accounts, redacted.",
        "mock-choice",
    ),
    _rule(
        "admin.query",
        "admin",
        "An admin endpoint refuses a query parameter it does not take (400 naming it and the"
        " accepted ones).",
        "mock-choice",
    ),
    _rule(
        "payload.content_type",
        "payload",
        "A body must be sent as application/json (or another +json type; charset UTF-8 if"
        " named) or without a Content-Type; any other media type gets 415.",
        "destination-code",
    ),
    _rule(
        "payload.utf8",
        "payload",
        "A body must be UTF-8 JSON text without a byte-order mark; UTF-16, UTF-32, a BOM or"
        " invalid UTF-8 gets 400.",
        "mock-choice",
    ),
    Rule(
        "payload.max_json_depth",
        "payload",
        128,
        "levels",
        "No admin or object body may nest deeper than this; refused with 400 before anything"
        " else walks it.",
        "mock-choice",
    ),
    Rule(
        "admin.max_body_bytes",
        "server",
        64 * 1024 * 1024,
        "bytes",
        "Largest /_mock request body (a snapshot); larger is refused with 413 before it is"
        " read (--max-admin-body-bytes).",
        "mock-choice",
    ),
    Rule(
        "http.connection_limit",
        "server",
        100,
        "connections",
        "Open connections per process; one more is answered 503 at once (--connection-limit).",
        "mock-choice",
    ),
    Rule(
        "http.read_timeout",
        "server",
        30,
        "s",
        "A request must fully arrive within this time, else 408 and the connection closes"
        " (--read-timeout).",
        "mock-choice",
    ),
    Rule(
        "http.header_size",
        "server",
        65536,
        "bytes",
        "Largest request line plus headers; larger gets 431 (--max-header-bytes).",
        "mock-choice",
    ),
    _rule(
        "http.malformed",
        "server",
        "A request that is not valid HTTP/1.1 (bad framing, an unsupported transfer coding)"
        " gets 400 or 501 and the connection closes.",
        "mock-choice",
    ),
)


def _setting_rules() -> tuple[Rule, ...]:
    return tuple(
        Rule(s.rule, s.category, s.default, s.unit, s.summary, s.source, s.name) for s in SETTINGS
    )


def _window_rules() -> tuple[Rule, ...]:
    return tuple(
        Rule(
            f"rate.{plan}.{window}s",
            "rate",
            limit,
            f"requests/{window} s",
            f"{plan.capitalize()} plan: at most {limit} requests per API key in each"
            f" {window}-second window; more get 429 with Ortto's body and Retry-After.",
            "ortto-docs",
            "rate_windows",
        )
        for plan, windows in PLAN_WINDOWS.items()
        for window, limit in windows.items()
    )


CATEGORIES: Final[tuple[Category, ...]] = (
    "auth",
    "churn",
    "rate",
    "payload",
    "state",
    "request",
    "admin",
    "server",
)

RULES: Final[tuple[Rule, ...]] = tuple(
    sorted(
        (*_OWN, *_setting_rules(), *_window_rules()),
        key=lambda rule: CATEGORIES.index(rule.category),
    )
)
"""Every rule, grouped by category in :data:`CATEGORIES` order (as the docs list them)."""

RULES_BY_ID: Final[dict[str, Rule]] = {rule.id: rule for rule in RULES}
_RATE_WINDOW = re.compile(r"rate\.[^.]+\.[0-9]+s")


def find(rule_id: str) -> Rule | None:
    """The rule behind an emitted id: its own entry, or ``rate.window`` for a tuned window."""
    rule = RULES_BY_ID.get(rule_id)
    if rule is None and _RATE_WINDOW.fullmatch(rule_id):
        return RULES_BY_ID["rate.window"]
    return rule


def explain(rule_id: str) -> str:
    """One sentence saying what the rule ``rule_id`` decides (for journal entries)."""
    rule = find(rule_id)
    return rule.summary if rule is not None else f"Decided by rule {rule_id}."


def default(rule_id: str) -> Any:
    """Return the default value of the rule ``rule_id``."""
    return RULES_BY_ID[rule_id].value


def default_int(rule_id: str) -> int:
    """Return the default value of an integer rule."""
    value = RULES_BY_ID[rule_id].value
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"rule {rule_id} is not an integer rule")
    return value


COLUMNS: Final[tuple[str, ...]] = tuple(f.name for f in fields(Rule))
"""The keys of a row of :func:`as_table` (also the OpenAPI ``Rule`` properties)."""


def as_table() -> list[dict[str, Any]]:
    """Return the table as JSON-ready rows (used by the admin API and the docs)."""
    return [{name: getattr(rule, name) for name in COLUMNS} for rule in RULES]
