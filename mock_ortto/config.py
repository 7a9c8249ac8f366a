"""Configuration: static server options and the runtime-adjustable rule settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from mock_ortto import rules


def _plan_windows() -> dict[str, list[list[int]]]:
    return {
        plan: [
            [10, rules.default_int(f"rate.{plan}.10s")],
            [60, rules.default_int(f"rate.{plan}.60s")],
        ]
        for plan in rules.PLANS
    }


@dataclass(frozen=True, slots=True)
class Settings:
    """Rule values in force. Defaults come from :data:`mock_ortto.rules.RULES`.

    The admin API can change them at runtime (``PATCH /_mock/config``); they are kept in the
    store so every worker process sees the same values.
    """

    churn_policy: str = str(rules.default("churn.policy"))
    reentry_block_seconds: float = float(rules.default_int("churn.reentry_block_seconds"))
    flap_max_changes: int = rules.default_int("churn.flap_max_changes")
    flap_window_seconds: float = float(rules.default_int("churn.flap_window_seconds"))
    reconcile_period_seconds: int = rules.default_int("churn.reconcile_period_seconds")
    rate_limit: bool = rules.default("rate.enabled") == "on"
    rate_plan: str = str(rules.default("rate.plan"))
    rate_windows: dict[str, list[list[int]]] = field(default_factory=_plan_windows)
    max_body_bytes: int = rules.default_int("payload.max_body_bytes")
    max_items: int = rules.default_int("payload.max_items")
    max_depth: int = rules.default_int("payload.max_depth")
    audience_name_max_chars: int = rules.default_int("audience.name_max_chars")
    journal_size: int = rules.default_int("journal.size")

    def to_json(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict."""
        return asdict(self)

    def windows(self) -> list[tuple[int, int]]:
        """Return ``(window_seconds, limit)`` pairs of the active plan."""
        return [(int(w), int(n)) for w, n in self.rate_windows.get(self.rate_plan, [])]

    def updated(self, changes: dict[str, Any]) -> Settings:
        """Return a copy with ``changes`` applied (keys already validated by the schema)."""
        clean = dict(changes)
        for key in ("reentry_block_seconds", "flap_window_seconds"):
            if key in clean:
                clean[key] = float(clean[key])
        return replace(self, **clean)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Settings:
        """Build settings from :meth:`to_json` output, ignoring unknown keys."""
        names = set(cls.__dataclass_fields__)
        return cls().updated({k: v for k, v in data.items() if k in names})


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Options fixed for the life of one server process."""

    store: str = "memory"
    admin_token: str | None = None
    settings: Settings = field(default_factory=Settings)

    def describe(self) -> dict[str, Any]:
        """Return the static part of the configuration, with secrets hidden."""
        return {"store": self.store, "admin_token": self.admin_token is not None}
