"""The limits page: the mock's settings (one row each) and its rule registry (one row per rule)."""

from __future__ import annotations

from tools.docsgen.markdown import code, heading, prose, snippet, table
from tools.docsgen.setting_words import (
    default_words,
    rule_anchor,
    setting_anchor,
    setting_rule_link,
    with_unit,
)
from tools.docsgen.sources import Rule, categories, rules, setting_variable, settings

INTRO = (
    "Every limit and policy of the mock is a rule with an id. The ids form one registry, "
    "`mock_ortto/rules.py` (`RULES`), which the mock also serves at `GET /_mock/rules`: "
    "the rules of the runtime settings come from the settings declaration "
    "`mock_ortto/settings.py` (`SETTINGS`, their value is the setting's default), the rate "
    "window rules from the plans Ortto publishes, and the other rules, which have no value, are "
    "declared in the registry itself. Rule ids appear in the `X-Mock-Rule` header of every "
    "answer and in journal entries."
)

SETTINGS_INTRO = (
    "Each setting is declared once. Its name (the key in `PATCH /_mock/config`), its "
    "[`mock-ortto serve` option](mock-cli.md), its environment variable and the check of its "
    "value all follow that declaration, so every way in accepts the same values and refuses a "
    "bad one with the same message. Where each value comes from is in its rule's row."
)


def settings_table() -> str:
    """One row per declared setting: its names (key, option, variable), bounds, default, rule."""
    rows = (
        [
            f'<span id="{setting_anchor(s.name)}"></span>'
            + "\n".join(code(name) for name in (s.name, s.flag, setting_variable(s))),
            prose(s.expects()),
            default_words(s),
            setting_rule_link(s),
        ]
        for s in settings()
    )
    return table(("Setting, option, environment variable", "Accepts", "Default", "Rule"), rows)


def set_by(rule: Rule) -> str:
    """The setting holding the rule's value, linked, or a dash."""
    if rule.setting is None:
        return "–"
    return f"[{code(rule.setting)}](#{setting_anchor(rule.setting)})"


def rules_table(category: str) -> str:
    """The rules of one category."""
    rows = (
        [
            f'<span id="{rule_anchor(rule.id)}"></span>{code(rule.id)}',
            "–" if rule.value is None else with_unit(rule.value, rule.unit),
            set_by(rule),
            rule.source,
            prose(rule.summary),
        ]
        for rule in rules()
        if rule.category == category
    )
    return table(("Rule", "Default", "Setting", "Source", "Meaning"), rows)


def render() -> str:
    """The whole page."""
    parts = [
        "# Limits and rules",
        INTRO,
        heading(2, "Settings", "settings"),
        SETTINGS_INTRO,
        settings_table(),
        heading(2, "Rules by category", "rules"),
    ]
    for category in categories():
        parts += [heading(3, category.capitalize(), f"category-{category}"), rules_table(category)]
    parts += [snippet("sources"), snippet("limits")]
    return "\n\n".join(parts) + "\n"
