"""How the mock's declared settings and rules are written on the reference pages.

The limits page and the ``mock-ortto`` page both show a setting's bounds, default and unit;
they say them the same way, from :data:`mock_ortto.settings.SETTINGS` itself.
"""

from __future__ import annotations

import json
from typing import Any

from tools.docsgen.markdown import code
from tools.docsgen.sources import Rule, Setting, rule_of

LIMITS_PAGE = "limits.md"
"""The limits page, relative to the other reference pages."""


def rule_anchor(rule_id: str) -> str:
    """The anchor of a rule's row on the limits page."""
    return "rule-" + rule_id.replace(".", "-").replace("_", "-")


def setting_anchor(name: str) -> str:
    """The anchor of a setting's row on the limits page."""
    return "setting-" + name.replace("_", "-")


def value_text(value: Any) -> str:
    """A value as typed on the command line or in JSON: text bare, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def with_unit(value: Any, unit: str) -> str:
    """A value in code, followed by its unit when it has one."""
    return code(value_text(value)) + (f" {unit}" if unit else "")


def default_words(setting: Setting) -> str:
    """The setting's default and unit."""
    return with_unit(setting.default, setting.unit)


def rule_link(rule: Rule, page: str = "") -> str:
    """A link to the rule's row (``page`` is empty on the limits page itself)."""
    return f"[{code(rule.id)}]({page}#{rule_anchor(rule.id)})"


def setting_rule_link(setting: Setting, page: str = "") -> str:
    """A link to the row of the rule ``setting`` holds the value of."""
    return rule_link(rule_of(setting), page)
