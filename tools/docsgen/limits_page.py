"""The limits page: the mock's rule table, one row (and anchor) per rule."""

from __future__ import annotations

from tools.docsgen.cli_pages import rule_anchor
from tools.docsgen.markdown import code, snippet, table
from tools.docsgen.sources import Rule, rules


def value_words(rule: Rule) -> str:
    """The default value and its unit, or a dash for rules without a number."""
    if rule.value is None:
        return "–"
    return code(str(rule.value)) + (f" {rule.unit}" if rule.unit else "")


def render() -> str:
    """The whole page."""
    rows = (
        [
            f'<span id="{rule_anchor(rule.id)}"></span>{code(rule.id)}',
            rule.category,
            value_words(rule),
            rule.source,
            rule.summary,
        ]
        for rule in rules()
    )
    parts = [
        "# Limits and rules",
        "Every limit and policy of the mock comes from one table, `mock_ortto/rules.py` "
        "(`RULES`), which the mock also serves at `GET /_mock/rules`. Defaults become the "
        "runtime settings; [`mock-ortto serve` options](mock-cli.md) and "
        "`PATCH /_mock/config` change them. Rule ids appear in the `X-Mock-Rule` header of "
        "every answer and in journal entries.",
        table(("Rule", "Category", "Default", "Source", "Meaning"), rows),
        snippet("sources"),
        snippet("limits"),
    ]
    return "\n\n".join(parts) + "\n"
