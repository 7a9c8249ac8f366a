"""Data model of a Segment Actions destination: settings, actions, fields, hooks, presets.

Every class is a frozen dataclass so a definition can be introspected, rendered into docs,
turned into a JSON schema (:mod:`reference_client.runtime.schema`) or into a default mapping,
without any of those consumers restating a single fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from reference_client.js.undefined import UNDEFINED

FieldType = Literal[
    "string", "text", "password", "number", "integer", "boolean", "object", "datetime"
]
"""Field types of the Segment Actions framework."""


@dataclass(frozen=True)
class Choice:
    """One allowed value of a field, with the label shown in the Segment UI."""

    label: str
    value: str


@dataclass(frozen=True)
class RequiredWhen:
    """Conditional requirement: the field is required when ``field_key`` is undefined or null.

    This is Segment's ``required: {conditions: [{fieldKey, operator: 'is', value: undefined}]}``,
    the only condition shape the Ortto destinations use.
    """

    field_key: str
    operator: Literal["is"] = "is"

    def describe(self) -> str:
        """Human wording used by the docs."""
        return f"required when `{self.field_key}` is missing"


@dataclass(frozen=True)
class Field:
    """One input field of an action, a hook, the settings or the audience settings."""

    key: str
    label: str
    type: FieldType
    description: str
    required: bool | RequiredWhen = False
    default: Any = UNDEFINED
    choices: tuple[Choice, ...] | None = None
    format: str | None = None
    allow_null: bool = False
    read_only: bool = False
    hidden: bool = False
    placeholder: str | None = None
    properties: tuple[Field, ...] | None = None
    additional_properties: bool | None = None
    default_object_ui: str | None = None
    multiple: bool = False

    @property
    def has_default(self) -> bool:
        """Whether the field carries a default mapping."""
        return self.default is not UNDEFINED

    @property
    def is_required(self) -> bool:
        """True only for an unconditional ``required: true``."""
        return self.required is True

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly description of the field (used by docs and ``describe``)."""
        out: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "type": self.type,
            "description": self.description,
        }
        if isinstance(self.required, RequiredWhen):
            out["required"] = {"when_missing": self.required.field_key}
        else:
            out["required"] = self.required
        if self.has_default:
            out["default"] = self.default
        for name in ("format", "placeholder", "default_object_ui", "additional_properties"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.choices is not None:
            out["choices"] = [{"label": c.label, "value": c.value} for c in self.choices]
        for name in ("allow_null", "read_only", "hidden", "multiple"):
            if getattr(self, name):
                out[name] = True
        if self.properties is not None:
            out["properties"] = [p.to_dict() for p in self.properties]
        return out


@dataclass(frozen=True)
class Hook:
    """An action hook such as ``onMappingSave``: inputs entered in the UI, outputs saved."""

    key: str
    label: str
    description: str
    input_fields: tuple[Field, ...]
    output_fields: tuple[Field, ...]


@dataclass(frozen=True)
class Endpoint:
    """The Ortto call an action or operation makes (relative to the ``/v1`` base URL)."""

    method: Literal["GET", "POST", "PUT"]
    path: str


@dataclass(frozen=True)
class Action:
    """One action of a destination (a ``partnerAction`` a subscription can name)."""

    slug: str
    title: str
    description: str
    default_subscription: str
    fields: tuple[Field, ...]
    endpoint: Endpoint
    hooks: tuple[Hook, ...] = ()
    platform: str = "cloud"
    has_perform_batch: bool = True

    def field(self, key: str) -> Field:
        """The field called ``key`` (``KeyError`` when there is none)."""
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    def hook(self, key: str) -> Hook | None:
        """The hook called ``key``, or ``None``."""
        return next((h for h in self.hooks if h.key == key), None)

    def default_mapping(self) -> dict[str, Any]:
        """The mapping Segment builds from the field defaults, in field order."""
        return {f.key: f.default for f in self.fields if f.has_default}


@dataclass(frozen=True)
class Preset:
    """A subscription Segment creates automatically when the destination is added."""

    name: str
    partner_action: str
    subscribe: str
    type: Literal["automatic", "specificEvent"] = "automatic"


@dataclass(frozen=True)
class AudienceConfig:
    """How an audience destination syncs Engage audiences."""

    mode: Literal["synced", "realtime"]
    full_audience_sync: bool
    create_audience: Endpoint
    get_audience: Endpoint


@dataclass(frozen=True)
class Destination:
    """A whole destination definition."""

    name: str
    slug: str
    registry_id: str
    description: str
    settings: tuple[Field, ...]
    actions: tuple[Action, ...]
    test_authentication: Endpoint
    presets: tuple[Preset, ...] = ()
    audience_fields: tuple[Field, ...] = ()
    audience_config: AudienceConfig | None = None
    mode: str = "cloud"
    authentication_scheme: str = "custom"
    extra: dict[str, Any] = field(default_factory=dict)

    def action(self, slug: str) -> Action:
        """The action whose slug is ``slug`` (``KeyError`` when there is none)."""
        for item in self.actions:
            if item.slug == slug:
                return item
        raise KeyError(slug)

    def has_action(self, slug: str) -> bool:
        """Whether the destination defines the action ``slug``."""
        return any(a.slug == slug for a in self.actions)

    def preset_mapping(self, preset: Preset) -> dict[str, Any]:
        """The mapping a preset installs: the defaults of its action."""
        return self.action(preset.partner_action).default_mapping()
