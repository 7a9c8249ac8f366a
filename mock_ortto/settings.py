"""The one declaration of every runtime setting: name, type, unit, bounds, rule id, help, source.

Everything else is derived from :data:`SETTINGS`: the fields of
:class:`mock_ortto.config.Settings` and their checks, the ``Settings``/``SettingsPatch``
schemas of the OpenAPI document, the ``mock-ortto serve`` options (and their environment
variables), the rule table served at ``/_mock/rules`` and the docs table. A value is judged
by the JSON schema of its setting (:meth:`Setting.schema`), so the command line, the
environment, ``PATCH /_mock/config`` and Python callers refuse a bad value with the same
message (:meth:`Setting.check`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Literal

import fastjsonschema

Category = Literal["auth", "churn", "rate", "payload", "state", "request", "admin", "server"]
Source = Literal["ortto-docs", "segment-docs", "destination-code", "mock-choice"]
Kind = Literal["integer", "number", "boolean", "choice", "string", "windows"]
JSON = dict[str, Any]

PLAN_WINDOWS: Final[dict[str, dict[int, int]]] = {
    "free": {10: 20, 60: 60},
    "campaigns": {10: 100, 60: 300},
    "pro": {10: 200, 60: 600},
    "business": {10: 600, 60: 1800},
    "enterprise": {10: 600, 60: 1800},
}
"""Ortto's published rate windows per plan: ``{plan: {window_seconds: requests}}``."""

PLANS: Final[tuple[str, ...]] = tuple(PLAN_WINDOWS)
CHURN_POLICIES: Final[tuple[str, ...]] = ("reentry", "flap", "off")
_ON = ("on", "true", "yes", "1")
_OFF = ("off", "false", "no", "0")
_MAX_PLANS, _MAX_WINDOWS, _MAX_WINDOW_VALUE = 32, 8, 100_000_000
YEAR_SECONDS: Final = 31_536_000


class SettingError(ValueError):
    """A value a setting does not accept; the message names the setting and its bounds."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One runtime setting.

    ``minimum``/``maximum`` bound numbers, or the length of a ``string``. ``name`` is the
    ``Settings`` field, the JSON key of ``PATCH /_mock/config`` and, with dashes, the
    ``mock-ortto serve`` option (``--max-items``).
    """

    name: str
    rule: str
    category: Category
    kind: Kind
    default: Any
    unit: str
    summary: str
    source: Source
    minimum: int | float | None = None
    maximum: int | float | None = None
    choices: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        """The ``mock-ortto serve`` option, e.g. ``--max-items``."""
        return "--" + self.name.replace("_", "-")

    @property
    def python_type(self) -> type:
        """The type of the ``Settings`` field."""
        return {
            "integer": int,
            "number": float,
            "boolean": bool,
            "choice": str,
            "string": str,
            "windows": dict,
        }[self.kind]

    def schema(self) -> JSON:
        """JSON schema of an accepted value (the OpenAPI ``Settings`` property)."""
        out: JSON
        if self.kind in ("integer", "number"):
            out = {"type": self.kind, "minimum": self.minimum, "maximum": self.maximum}
        elif self.kind == "boolean":
            out = {"type": "boolean"}
        elif self.kind == "choice":
            out = {"type": "string", "enum": list(self.choices)}
        elif self.kind == "string":
            out = {"type": "string", "minLength": self.minimum, "maxLength": self.maximum}
        else:
            pair = {"type": "integer", "minimum": 1, "maximum": _MAX_WINDOW_VALUE}
            window = {"type": "array", "minItems": 2, "maxItems": 2, "items": pair}
            out = {
                "type": "object",
                "maxProperties": _MAX_PLANS,
                "additionalProperties": {
                    "type": "array",
                    "maxItems": _MAX_WINDOWS,
                    "items": window,
                },
            }
        out["description"] = self.summary + (f" Unit: {self.unit}." if self.unit else "")
        return out

    def expects(self) -> str:
        """What the setting accepts, in words (used in every refusal)."""
        if self.kind == "integer":
            return f"an integer from {self.minimum} to {self.maximum}"
        if self.kind == "number":
            return f"a number from {self.minimum} to {self.maximum}"
        if self.kind == "boolean":
            return "true or false (on or off)"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "string":
            return f"a string of {self.minimum} to {self.maximum} characters"
        return (
            f"an object of at most {_MAX_PLANS} plans, each a list of at most {_MAX_WINDOWS}"
            f" [window_seconds, requests] pairs of integers from 1 to {_MAX_WINDOW_VALUE}"
            ' (e.g. {"free": [[10, 20], [60, 60]]})'
        )

    def refuse(self, shown: str) -> SettingError:
        """The error for a refused value (``shown`` as the user wrote it)."""
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return SettingError(f"{self.name} must be {self.expects()}, not {shown}")

    def check(self, value: Any) -> Any:
        """Return ``value`` as the ``Settings`` field holds it, or raise :class:`SettingError`."""
        try:
            _validator(self.name)(value)
        except fastjsonschema.JsonSchemaValueException:
            raise self.refuse(_show(value)) from None
        if self.kind == "number":
            return float(value)
        if self.kind == "integer":
            return int(value)
        return value

    def from_text(self, text: str) -> Any:
        """Parse a command-line or environment value, then :meth:`check` it.

        A refusal shows the text as written, so it reads as the same refusal of the same
        value in JSON (``-5``, ``"sometimes"``).
        """
        literal = self.kind in ("integer", "number", "windows")
        shown = text.strip() if literal else json.dumps(text)
        value: Any = text
        try:
            if self.kind == "integer":
                value = int(text.strip())
            elif self.kind == "number":
                value = float(text.strip())
                if not math.isfinite(value):
                    raise ValueError(text)
            elif self.kind == "boolean":
                lowered = text.strip().lower()
                if lowered not in _ON + _OFF:
                    raise ValueError(text)
                value = lowered in _ON
            elif self.kind == "windows":
                value = json.loads(text)
        except ValueError:
            raise self.refuse(json.dumps(text)) from None
        try:
            return self.check(value)
        except SettingError:
            raise self.refuse(shown) from None

    def metavar(self) -> str:
        """How the option's value is shown in ``--help``."""
        if self.kind == "choice":
            return "{" + ",".join(self.choices) + "}"
        if self.kind == "boolean":
            return "{on,off}"
        return {"windows": "JSON", "string": "NAME"}.get(self.kind, "N")

    def help(self) -> str:
        """The option's ``--help`` text: summary, accepted values and default."""
        default = self.default
        if self.kind == "boolean":
            default = "on" if default else "off"
        elif self.kind == "windows":
            default = "Ortto's published plans"
        return f"{self.summary} Accepts {self.expects()}; default {default}."


def _show(value: Any) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


@cache
def _validator(name: str) -> Callable[[Any], Any]:
    schema = {k: v for k, v in SETTINGS_BY_NAME[name].schema().items() if k != "description"}
    validate: Callable[[Any], Any] = fastjsonschema.compile(schema)
    return validate


def default_windows() -> dict[str, list[list[int]]]:
    """The rate windows of every plan, as ``Settings.rate_windows`` holds them."""
    return {
        plan: [[window, limit] for window, limit in windows.items()]
        for plan, windows in PLAN_WINDOWS.items()
    }


SETTINGS: Final[tuple[Setting, ...]] = (
    Setting(
        "churn_policy",
        "churn.policy",
        "churn",
        "choice",
        "reentry",
        "",
        "Churn policy: 'reentry' (current Ortto wording), 'flap' (older wording) or 'off'.",
        "segment-docs",
        choices=CHURN_POLICIES,
    ),
    Setting(
        "reentry_block_seconds",
        "churn.reentry_block_seconds",
        "churn",
        "number",
        60.0,
        "s",
        "Policy 'reentry': a re-entry no more than this long after the contact's last exit from"
        " the audience is blocked; the latest instruction is applied at the daily reconciliation.",
        "segment-docs",
        0,
        YEAR_SECONDS,
    ),
    Setting(
        "flap_max_changes",
        "churn.flap_max_changes",
        "churn",
        "integer",
        2,
        "changes",
        "Policy 'flap': at most this many membership changes per contact and audience inside the"
        " window are applied in real time; further ones wait for the daily reconciliation.",
        "mock-choice",
        0,
        100_000,
    ),
    Setting(
        "flap_window_seconds",
        "churn.flap_window_seconds",
        "churn",
        "number",
        60.0,
        "s",
        "Policy 'flap': length of the sliding window in which changes are counted.",
        "mock-choice",
        0,
        YEAR_SECONDS,
    ),
    Setting(
        "reconcile_period_seconds",
        "churn.reconcile_period_seconds",
        "churn",
        "integer",
        86400,
        "s",
        "Deferred membership instructions are applied when the mock clock crosses a multiple of"
        " this period (UTC midnight for the default of one day).",
        "segment-docs",
        1,
        YEAR_SECONDS,
    ),
    Setting(
        "rate_limit",
        "rate.enabled",
        "rate",
        "boolean",
        True,
        "",
        "Rate limiting per API key.",
        "mock-choice",
    ),
    Setting(
        "rate_plan",
        "rate.plan",
        "rate",
        "string",
        "enterprise",
        "",
        "Plan whose windows apply: free, campaigns, pro, business, enterprise or a plan added"
        " to rate_windows (a plan without windows is not limited).",
        "ortto-docs",
        1,
        64,
    ),
    Setting(
        "rate_windows",
        "rate.windows",
        "rate",
        "windows",
        default_windows(),
        "requests per window",
        "Rate windows of every plan as {plan: [[window_seconds, requests], ...]}; the rules"
        " rate.<plan>.<window>s hold Ortto's published values.",
        "ortto-docs",
    ),
    Setting(
        "max_body_bytes",
        "payload.max_body_bytes",
        "payload",
        "integer",
        2 * 1024 * 1024,
        "bytes",
        "Largest accepted request body (Ortto documents 2 MB per payload); larger bodies get 413.",
        "ortto-docs",
        1,
        64 * 1024 * 1024,
    ),
    Setting(
        "max_items",
        "payload.max_items",
        "payload",
        "integer",
        500,
        "items",
        "Most items in one batch. The destination batches up to 500 (batch_size); more gets 413.",
        "destination-code",
        1,
        1_000_000,
    ),
    Setting(
        "max_depth",
        "payload.max_depth",
        "payload",
        "integer",
        32,
        "levels",
        "Deepest nesting allowed inside traits and properties of one item (per-item 400) and of"
        " snapshot records (400 naming the record); at most 100, which every store holds safely.",
        "mock-choice",
        1,
        100,  # the ceiling: every store holds records this deep safely
    ),
    Setting(
        "audience_name_max_chars",
        "audience.name_max_chars",
        "state",
        "integer",
        255,
        "characters",
        "Longest audience name; longer names get 400.",
        "mock-choice",
        1,
        100_000,
    ),
    Setting(
        "journal_size",
        "journal.size",
        "state",
        "integer",
        1000,
        "entries",
        "Request journal entries kept.",
        "mock-choice",
        1,
        100_000,
    ),
)

SETTINGS_BY_NAME: Final[dict[str, Setting]] = {s.name: s for s in SETTINGS}


def check_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check every ``name: value`` pair; return them as the ``Settings`` fields hold them."""
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        setting = SETTINGS_BY_NAME.get(name)
        if setting is None:
            known = ", ".join(SETTINGS_BY_NAME)
            raise SettingError(f"unknown setting {_show(name)}; the settings are {known}")
        clean[name] = setting.check(value)
    return clean


def properties() -> JSON:
    """``{name: schema}`` for every setting (the OpenAPI ``Settings`` properties)."""
    return {s.name: s.schema() for s in SETTINGS}
