"""Options from environment variables: ``--foo-bar`` ⇄ ``MOCK_ORTTO_FOO_BAR``.

Derived from the argument parser itself, so every long option of a (sub)command gets its
variable, whoever adds the option. The command line wins over the environment; an
environment value is converted and checked exactly as the same text on the command line
would be, and a bad one is refused naming the variable.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence

PREFIX = "MOCK_ORTTO_"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")
_SKIPPED = (argparse._HelpAction, argparse._VersionAction)


def variable(option: str) -> str:
    """The environment variable of a long option: ``--max-items`` → ``MOCK_ORTTO_MAX_ITEMS``."""
    return PREFIX + option.lstrip("-").upper().replace("-", "_")


def _long_option(action: argparse.Action) -> str | None:
    if isinstance(action, _SKIPPED):
        return None
    return next((o for o in action.option_strings if o.startswith("--")), None)


def options(parser: argparse.ArgumentParser) -> Iterable[tuple[argparse.Action, str]]:
    """``(action, long option)`` of every option that has a variable."""
    for action in parser._actions:
        option = _long_option(action)
        if option is not None:
            yield action, option


def variable_of(action: argparse.Action) -> str | None:
    """The variable of one option, or ``None`` (positionals, ``--help``, ``--version``)."""
    option = _long_option(action)
    return None if option is None else variable(option)


def _note(name: str) -> str:
    return f"[env {name}]"


def document(parser: argparse.ArgumentParser) -> None:
    """Append ``[env MOCK_ORTTO_…]`` to the help of every option that has a variable."""
    for action, option in options(parser):
        if action.help is not argparse.SUPPRESS:
            action.help = f"{action.help or ''} {_note(variable(option))}".strip()


def plain_help(action: argparse.Action) -> str:
    """The option's help without the variable :func:`document` appended (for the docs)."""
    name = variable_of(action)
    text = action.help or ""
    return text if name is None else text.removesuffix(_note(name)).strip()


def _given(action: argparse.Action, argv: Sequence[str]) -> bool:
    return any(
        arg == option or arg.startswith(option + "=")
        for arg in argv
        for option in action.option_strings
    )


def _convert(parser: argparse.ArgumentParser, action: argparse.Action, raw: str) -> object:
    if action.nargs == 0:  # a switch (store_true, store_const...)
        lowered = raw.strip().lower()
        if lowered not in _TRUE + _FALSE:
            raise argparse.ArgumentTypeError(f"must be one of {', '.join(_TRUE + _FALSE[:-1])}")
        return action.const if lowered in _TRUE else action.default
    convert = parser._registry_get("type", action.type, action.type)
    if not callable(convert):
        return raw
    try:
        value = convert(raw)
    except argparse.ArgumentTypeError:
        raise
    except (TypeError, ValueError):
        name = getattr(action.type, "__name__", repr(action.type))
        raise argparse.ArgumentTypeError(f"invalid {name} value: {raw!r}") from None
    if action.choices is not None and value not in action.choices:
        choices = ", ".join(map(repr, action.choices))
        raise argparse.ArgumentTypeError(f"invalid choice: {raw!r} (choose from {choices})")
    return value


def apply(
    parser: argparse.ArgumentParser,
    args: argparse.Namespace,
    argv: Sequence[str],
    environ: Mapping[str, str],
) -> None:
    """Fill options not given in ``argv`` from ``environ``; refuse a bad value (exit 2)."""
    for action, option in options(parser):
        name = variable(option)
        raw = environ.get(name)
        if raw is None or _given(action, argv):
            continue
        try:
            setattr(args, action.dest, _convert(parser, action, raw))
        except argparse.ArgumentTypeError as exc:
            parser.error(f"environment variable {name}: {exc}")
