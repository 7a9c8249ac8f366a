"""Configuration: static server options and the runtime-adjustable rule settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from mock_ortto import rules
from mock_ortto.settings import SETTINGS, SETTINGS_BY_NAME, check_changes, default_windows

_D = {s.name: s.default for s in SETTINGS}


@dataclass(frozen=True, slots=True)
class Settings:
    """Rule values in force. Fields, defaults and checks come from
    :data:`mock_ortto.settings.SETTINGS`; a value a setting does not accept raises
    :class:`mock_ortto.settings.SettingError`, however the settings are built.

    The admin API can change them at runtime (``PATCH /_mock/config``); they are kept in the
    store so every worker process sees the same values.
    """

    churn_policy: str = _D["churn_policy"]
    reentry_block_seconds: float = _D["reentry_block_seconds"]
    flap_max_changes: int = _D["flap_max_changes"]
    flap_window_seconds: float = _D["flap_window_seconds"]
    reconcile_period_seconds: int = _D["reconcile_period_seconds"]
    rate_limit: bool = _D["rate_limit"]
    rate_plan: str = _D["rate_plan"]
    rate_windows: dict[str, list[list[int]]] = field(default_factory=default_windows)
    max_body_bytes: int = _D["max_body_bytes"]
    max_items: int = _D["max_items"]
    max_depth: int = _D["max_depth"]
    audience_name_max_chars: int = _D["audience_name_max_chars"]
    journal_size: int = _D["journal_size"]

    def __post_init__(self) -> None:
        for name, value in check_changes(self.to_json()).items():
            object.__setattr__(self, name, value)

    def to_json(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready dict."""
        return asdict(self)

    def windows(self) -> list[tuple[int, int]]:
        """Return ``(window_seconds, limit)`` pairs of the active plan."""
        return [(int(w), int(n)) for w, n in self.rate_windows.get(self.rate_plan, [])]

    def updated(self, changes: dict[str, Any]) -> Settings:
        """Return a copy with ``changes`` applied; raise ``SettingError`` on a bad one."""
        return replace(self, **check_changes(changes))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Settings:
        """Build settings from :meth:`to_json` output, ignoring unknown keys."""
        return cls().updated({k: v for k, v in data.items() if k in SETTINGS_BY_NAME})


def _check_fields() -> None:
    """The ``Settings`` fields are exactly the declared settings, with their types."""
    declared = {s.name: s.python_type.__name__ for s in SETTINGS}
    actual = {f.name: str(f.type).split("[", 1)[0] for f in fields(Settings)}
    if declared != actual:
        raise TypeError(f"Settings fields {actual} differ from the declaration {declared}")


_check_fields()


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Options fixed for the life of one server process."""

    store: str = "memory"
    admin_token: str | None = None
    settings: Settings = field(default_factory=Settings)
    max_admin_body_bytes: int = rules.default_int("admin.max_body_bytes")

    def describe(self) -> dict[str, Any]:
        """Return the static part of the configuration, with secrets hidden."""
        return {"store": self.store, "admin_token": self.admin_token is not None}
