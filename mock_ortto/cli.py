"""Command line: ``mock-ortto serve`` (also ``python -m mock_ortto``).

The rule-setting options are derived from :data:`mock_ortto.settings.SETTINGS` and every
long option can come from an environment variable (:mod:`mock_ortto.envvars`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from mock_ortto import envvars
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.server import endpoint_line, free_port, serve_gunicorn, serve_waitress
from mock_ortto.settings import SETTINGS, Setting, SettingError
from mock_ortto.version import package_version


class _Parser(argparse.ArgumentParser):
    """An argument parser whose refusals are one line on stderr (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _setting_type(setting: Setting) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return setting.from_text(text)
        except SettingError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = setting.kind
    return parse


def add_setting_options(parser: argparse.ArgumentParser) -> None:
    """One option per declared setting, checked by the setting itself."""
    group = parser.add_argument_group(
        "rule settings", "Start-up values of the settings PATCH /_mock/config changes at runtime."
    )
    for setting in SETTINGS:
        group.add_argument(
            setting.flag,
            dest=setting.name,
            type=_setting_type(setting),
            default=None,
            metavar=setting.metavar(),
            help=setting.help(),
        )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``serve`` is the default command)."""
    parser = _Parser(prog="mock-ortto", description="Stateful mock of Ortto.", allow_abbrev=False)
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser(
        "serve",
        help="serve the mock on a WSGI server",
        allow_abbrev=False,
        epilog=f"Every option can also be set with an environment variable: --foo-bar is"
        f" {envvars.PREFIX}FOO_BAR. The command line wins over the environment.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8089, help="port (0 picks a free one)")
    serve.add_argument(
        "--store", default="memory", help="'memory' (default) or 'sqlite:PATH' (shared, durable)"
    )
    serve.add_argument("--workers", type=int, default=1, help="gunicorn workers (needs sqlite)")
    serve.add_argument("--threads", type=int, default=8, help="threads per process")
    serve.add_argument("--admin-token", default=None, help="require X-Mock-Admin-Token on /_mock")
    add_setting_options(serve)
    envvars.document(serve)
    return parser


def serve_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The ``serve`` subcommand's parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices["serve"]
            return found
    raise LookupError("no serve command")


def parse_args(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> argparse.Namespace:
    """Parse ``argv`` (``serve`` when no command is named) and fill options from the environment.

    Exits with status 2 and one line on stderr on a bad option or environment value.
    """
    args_list = list(argv)
    named = bool(args_list) and not args_list[0].startswith("-")
    if not named and args_list[:1] not in (["-h"], ["--help"], ["--version"]):
        args_list = ["serve", *args_list]
    parser = build_parser()
    args = parser.parse_args(args_list)
    envvars.apply(
        serve_parser(parser), args, args_list[1:], os.environ if environ is None else environ
    )
    return args


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    """Turn parsed options into a :class:`ServerConfig`."""
    changes = {s.name: getattr(args, s.name) for s in SETTINGS if getattr(args, s.name) is not None}
    return ServerConfig(
        store=args.store, admin_token=args.admin_token, settings=Settings().updated(changes)
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mock-ortto`` console script."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cfg = config_from_args(args)
    if args.workers > 1 and not cfg.store.startswith("sqlite:"):
        print(
            "--workers > 1 needs --store sqlite:PATH (processes must share state)", file=sys.stderr
        )
        return 2
    try:
        from mock_ortto.store import open_store

        open_store(cfg.store).close()  # fail early on a bad store, create the schema once
    except (ValueError, OSError) as exc:
        print(f"cannot open store: {exc}", file=sys.stderr)
        return 2
    port = args.port or free_port(args.host)
    print(endpoint_line(args.host, port), flush=True)
    try:
        if args.workers > 1:
            serve_gunicorn(cfg, args.host, port, args.workers, args.threads)
        else:
            serve_waitress(cfg, args.host, port, args.threads)
    except KeyboardInterrupt:
        pass
    return 0
