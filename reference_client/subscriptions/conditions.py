"""Parsed subscription conditions, shaped like destination-subscriptions' objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Value = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Condition:
    """One test: ``type`` (``event-type``, ``event``, ``name``, ``userId``, ``event-property``,
    ``event-trait``, ``event-context``), ``operator``, optional ``value`` and property ``name``."""

    type: str
    operator: str
    value: Value | None = None
    name: str | None = None
    has_value: bool = True

    def to_json(self) -> dict[str, Any]:
        """The JavaScript object form (``{"type", "name"?, "operator", "value"?}``)."""
        out: dict[str, Any] = {"type": self.type}
        if self.name is not None:
            out["name"] = self.name
        out["operator"] = self.operator
        if self.has_value:
            out["value"] = self.value
        return out


@dataclass(frozen=True, slots=True)
class Group:
    """``and`` / ``or`` over ``children``; a ``None`` child is an empty ``()`` group."""

    operator: str
    children: tuple[Condition | Group | None, ...]
    type: str = "group"

    def to_json(self) -> dict[str, Any]:
        """The JavaScript object form (``{"type": "group", "operator", "children"}``)."""
        return {
            "type": "group",
            "operator": self.operator,
            "children": [None if c is None else c.to_json() for c in self.children],
        }


Node = Condition | Group
