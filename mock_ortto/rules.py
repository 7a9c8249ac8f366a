"""Every rule the mock enforces, as one table of data.

The docs render this table, the tests read it, and :mod:`mock_ortto.config` builds the
runtime settings from it. Each rule says where its value comes from: Ortto's public
documentation, the Segment destination's code, or a choice this mock made because the
Segment-only Ortto API is not publicly documented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Category = Literal["churn", "rate", "payload", "auth", "state"]
Source = Literal["ortto-docs", "segment-docs", "destination-code", "mock-choice"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One named rule: an id used in journal "explain" entries and docs anchors."""

    id: str
    category: Category
    value: int | float | str | None
    unit: str
    summary: str
    source: Source


RULES: Final[tuple[Rule, ...]] = (
    # --- authentication -------------------------------------------------------------------
    Rule(
        "auth.key_shape",
        "auth",
        None,
        "",
        "Authorization must be 'Bearer <key>' with the first '-' at index 3 and a 2-character"
        " region key[1:3].strip(); otherwise 401.",
        "destination-code",
    ),
    # --- churn protection -----------------------------------------------------------------
    Rule(
        "churn.policy",
        "churn",
        "reentry",
        "",
        "Default churn policy: 'reentry' (current Ortto wording), 'flap' (older wording) or 'off'.",
        "segment-docs",
    ),
    Rule(
        "churn.reentry_block_seconds",
        "churn",
        60,
        "s",
        "Policy 'reentry': a re-entry no more than this long after the contact's last exit from"
        " the audience is blocked; the latest instruction is applied at the daily reconciliation.",
        "segment-docs",
    ),
    Rule(
        "churn.flap_max_changes",
        "churn",
        2,
        "changes",
        "Policy 'flap': at most this many membership changes per contact and audience inside the"
        " window are applied in real time; further ones wait for the daily reconciliation.",
        "mock-choice",
    ),
    Rule(
        "churn.flap_window_seconds",
        "churn",
        60,
        "s",
        "Policy 'flap': length of the sliding window in which changes are counted.",
        "mock-choice",
    ),
    Rule(
        "churn.reconcile_period_seconds",
        "churn",
        86400,
        "s",
        "Deferred membership instructions are applied when the mock clock crosses a multiple of"
        " this period (UTC midnight for the default of one day).",
        "segment-docs",
    ),
    # --- rate limits ----------------------------------------------------------------------
    Rule(
        "rate.enabled", "rate", "on", "", "Rate limiting per API key: 'on' or 'off'.", "mock-choice"
    ),
    Rule("rate.plan", "rate", "enterprise", "", "Plan whose windows apply.", "ortto-docs"),
    Rule(
        "rate.free.10s", "rate", 20, "requests/10 s", "Free plan, 10-second window.", "ortto-docs"
    ),
    Rule(
        "rate.free.60s", "rate", 60, "requests/60 s", "Free plan, 60-second window.", "ortto-docs"
    ),
    Rule("rate.campaigns.10s", "rate", 100, "requests/10 s", "Campaigns plan.", "ortto-docs"),
    Rule("rate.campaigns.60s", "rate", 300, "requests/60 s", "Campaigns plan.", "ortto-docs"),
    Rule("rate.pro.10s", "rate", 200, "requests/10 s", "Pro plan.", "ortto-docs"),
    Rule("rate.pro.60s", "rate", 600, "requests/60 s", "Pro plan.", "ortto-docs"),
    Rule("rate.business.10s", "rate", 600, "requests/10 s", "Business plan.", "ortto-docs"),
    Rule("rate.business.60s", "rate", 1800, "requests/60 s", "Business plan.", "ortto-docs"),
    Rule("rate.enterprise.10s", "rate", 600, "requests/10 s", "Enterprise plan.", "ortto-docs"),
    Rule("rate.enterprise.60s", "rate", 1800, "requests/60 s", "Enterprise plan.", "ortto-docs"),
    # --- payload limits -------------------------------------------------------------------
    Rule(
        "payload.max_body_bytes",
        "payload",
        2 * 1024 * 1024,
        "bytes",
        "Largest accepted request body (Ortto documents 2 MB per payload); larger bodies get 413.",
        "ortto-docs",
    ),
    Rule(
        "payload.max_items",
        "payload",
        500,
        "items",
        "Most items in one batch. The destination batches up to 500 (batch_size); more gets 413.",
        "destination-code",
    ),
    Rule(
        "payload.max_depth",
        "payload",
        32,
        "levels",
        "Deepest nesting allowed inside traits, properties and location of one item.",
        "mock-choice",
    ),
    Rule(
        "payload.json_array",
        "payload",
        None,
        "",
        "Batch endpoints need a JSON array body; anything else is 400.",
        "destination-code",
    ),
    # --- per-item and state rules ---------------------------------------------------------
    Rule(
        "item.schema",
        "state",
        None,
        "",
        "Each item must match its OpenAPI item schema; a mismatch is a per-item 400.",
        "destination-code",
    ),
    Rule(
        "item.identity",
        "state",
        None,
        "",
        "Each item needs a non-empty user_id or anonymous_id; otherwise a per-item 400.",
        "segment-docs",
    ),
    Rule(
        "item.audience_unknown",
        "state",
        None,
        "",
        "An item naming an audience id the account does not have gets a per-item 404.",
        "mock-choice",
    ),
    Rule(
        "activity.dedup",
        "state",
        None,
        "",
        "An activity whose (message_id, timestamp) pair was already stored is acknowledged but"
        " not stored twice.",
        "destination-code",
    ),
    Rule(
        "audience.create_or_get",
        "state",
        None,
        "",
        "audiences/create returns the existing audience for an exact, case-sensitive name.",
        "segment-docs",
    ),
    Rule(
        "audience.name_max_chars",
        "state",
        255,
        "characters",
        "Longest audience name; longer names get 400.",
        "mock-choice",
    ),
    Rule("journal.size", "state", 1000, "entries", "Request journal entries kept.", "mock-choice"),
)

RULES_BY_ID: Final[dict[str, Rule]] = {rule.id: rule for rule in RULES}

PLANS: Final[tuple[str, ...]] = ("free", "campaigns", "pro", "business", "enterprise")
CHURN_POLICIES: Final[tuple[str, ...]] = ("reentry", "flap", "off")


def default(rule_id: str) -> int | float | str | None:
    """Return the default value of the rule ``rule_id``."""
    return RULES_BY_ID[rule_id].value


def default_int(rule_id: str) -> int:
    """Return the default value of an integer rule."""
    value = RULES_BY_ID[rule_id].value
    if not isinstance(value, int):
        raise TypeError(f"rule {rule_id} is not an integer rule")
    return value


def as_table() -> list[dict[str, object]]:
    """Return the table as JSON-ready rows (used by the admin API and the docs)."""
    return [
        {
            "id": r.id,
            "category": r.category,
            "value": r.value,
            "unit": r.unit,
            "summary": r.summary,
            "source": r.source,
        }
        for r in RULES
    ]
