"""Command-line references rendered from the ``argparse`` parsers themselves."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

from tools.docsgen.markdown import code, fenced, table
from tools.docsgen.sources import option_default, rule_for_option

ENV_VAR = re.compile(r"\$([A-Z][A-Z0-9_]+)")
"""An environment variable named in an option's help, as ``$NAME``."""


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The sub-parsers of ``parser`` by name (empty when it has none)."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def options(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    """Arguments and options, without ``--help`` and sub-command slots."""
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        yield action


def names(action: argparse.Action) -> str:
    """``--api-key`` or the positional's name."""
    if action.option_strings:
        return ", ".join(code(o) for o in action.option_strings)
    return code(str(action.metavar or action.dest).upper())


def default_words(program: str, action: argparse.Action) -> str:
    """The default as typed on a command line; flags say ``off``."""
    if isinstance(action, argparse._StoreTrueAction):
        return "off"
    if not action.option_strings:
        return "(required)"
    value = option_default(program, action.dest, action.default)
    if value is None or value is argparse.SUPPRESS:
        return "–"
    return code(str(value))


def meaning(program: str, action: argparse.Action) -> str:
    """The option's help; the mock's rule options without help say which rule they set."""
    rule = rule_for_option(action.dest) if program == "mock-ortto" else None
    if rule is None:
        return action.help or "–"
    said = f"{action.help}. " if action.help else ""
    return (
        f"{said}Sets the rule [{code(rule.id)}](limits.md#{rule_anchor(rule.id)}): {rule.summary}"
    )


def rule_anchor(rule_id: str) -> str:
    """The anchor of a rule's row on the limits page."""
    return "rule-" + rule_id.replace(".", "-").replace("_", "-")


def value_words(action: argparse.Action) -> str:
    """What the option takes: a flag, one of its choices, or a typed value."""
    if action.nargs == 0:
        return "flag"
    if action.choices:
        return "one of " + ", ".join(code(str(c)) for c in action.choices)
    kind = getattr(action.type, "__name__", "str") if action.type else "str"
    return {"str": "text", "int": "integer", "float": "number"}.get(kind, kind)


def env_words(action: argparse.Action) -> str:
    """Environment variables the option's help names."""
    found = ENV_VAR.findall(action.help or "")
    return ", ".join(code(name) for name in found) or "–"


def option_table(program: str, parser: argparse.ArgumentParser) -> str:
    """One row per option of ``parser``."""
    rows = (
        [names(a), value_words(a), default_words(program, a), env_words(a), meaning(program, a)]
        for a in options(parser)
    )
    return table(("Option", "Value", "Default", "Environment", "Meaning"), rows)


def render(program: str, parser: argparse.ArgumentParser, intro: str) -> str:
    """The page of one program: usage, its options, then each sub-command."""
    parts = [f"# `{program}`", intro, parser.description or "", usage(parser)]
    if list(options(parser)):
        parts += ["## Options", option_table(program, parser)]
    for name, sub in subcommands(parser).items():
        parts += [
            f"## `{program} {name}` {{#{program}-{name}}}",
            sub.description or _help_of(parser, name),
            usage(sub),
            option_table(program, sub),
        ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _help_of(parser: argparse.ArgumentParser, name: str) -> str:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.dest == name and choice.help:
                    return str(choice.help)
    return ""


def usage(parser: argparse.ArgumentParser) -> str:
    """The usage line(s) as a text block."""
    return fenced(parser.format_usage().strip(), "text")
