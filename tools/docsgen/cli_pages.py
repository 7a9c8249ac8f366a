"""Command-line references rendered from the ``argparse`` parsers themselves."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

from tools.docsgen.markdown import code, fenced, prose, table
from tools.docsgen.setting_words import LIMITS_PAGE, setting_rule_link
from tools.docsgen.setting_words import default_words as default_words_of_setting
from tools.docsgen.sources import option_help, option_variable, setting_for_option

ENV_VAR = re.compile(r"\$([A-Z][A-Z0-9_]+)")
"""An environment variable named in an option's help, as ``$NAME`` (the reference client's)."""


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
    """The default as typed on a command line; flags say ``off``; settings add their unit."""
    setting = setting_for_option(program, action.dest)
    if setting is not None:  # the option's own default is None: "keep the setting's"
        return default_words_of_setting(setting)
    if isinstance(action, argparse._StoreTrueAction):
        return "off"
    if not action.option_strings:
        return "(required)"
    if action.default is None or action.default is argparse.SUPPRESS:
        return "–"
    return code(str(action.default))


def meaning(program: str, action: argparse.Action) -> str:
    """The option's help; a setting's option says its summary and links the rule it sets."""
    setting = setting_for_option(program, action.dest)
    if setting is None:
        return prose(option_help(program, action)) or "–"
    return f"{prose(setting.summary)} Sets the rule {setting_rule_link(setting, LIMITS_PAGE)}."


def value_words(program: str, action: argparse.Action) -> str:
    """What the option takes: a setting's bounds or choices, a flag, a choice, a typed value."""
    setting = setting_for_option(program, action.dest)
    if setting is not None:
        return prose(setting.expects())
    if action.nargs == 0:
        return "flag"
    if action.choices:
        return "one of " + ", ".join(code(str(c)) for c in action.choices)
    kind = getattr(action.type, "__name__", "str") if action.type else "str"
    return {"str": "text", "int": "integer", "float": "number"}.get(kind, kind)


def variables(program: str, action: argparse.Action) -> list[str]:
    """The environment variables of the option: the mock's own, else those its help names."""
    variable = option_variable(program, action)
    return [variable] if variable else ENV_VAR.findall(action.help or "")


def option_table(program: str, parser: argparse.ArgumentParser) -> str:
    """One row per option of ``parser``; its environment variable under its name."""
    rows = (
        [
            "\n".join([names(a), *(code(name) for name in variables(program, a))]),
            value_words(program, a),
            default_words(program, a),
            meaning(program, a),
        ]
        for a in options(parser)
    )
    return table(("Option, environment variable", "Value", "Default", "Meaning"), rows)


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
