"""Command line: ``mock-ortto serve`` (also ``python -m mock_ortto``).

The rule-setting options are derived from :data:`mock_ortto.settings.SETTINGS` and every
long option can come from an environment variable (:mod:`mock_ortto.envvars`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from mock_ortto import envvars, rules
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.door import DoorOptions
from mock_ortto.requestlog import RequestLog
from mock_ortto.server import BindError, announcer, listen, serve_gunicorn, serve_waitress
from mock_ortto.settings import SETTINGS, Setting, SettingError
from mock_ortto.version import package_version

_DOOR = DoorOptions()
SERVER_OPTIONS: tuple[tuple[str, int | float, float, str], ...] = (
    ("--threads", _DOOR.threads, 1, "threads per process"),
    ("--connection-limit", _DOOR.connection_limit, 1, "open connections per process"),
    ("--read-timeout", _DOOR.read_timeout, 0.5, "seconds for a request to arrive"),
    ("--idle-timeout", _DOOR.idle_timeout, 1, "seconds an idle connection stays open"),
    ("--max-header-bytes", _DOOR.max_header_bytes, 1024, "largest request line + headers"),
    ("--max-admin-body-bytes", rules.default_int("admin.max_body_bytes"), 1, "largest /_mock body"),
)
"""Connection options: flag, default (its type is the option's), lowest value, help."""


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
    serve.add_argument(
        "--admin-token",
        default=None,
        help="require X-Mock-Admin-Token on /_mock (visible in ps: prefer the file or the"
        " environment variable)",
    )
    serve.add_argument("--admin-token-file", default=None, help="read the admin token from a file")
    serve.add_argument("--quiet", action="store_true", help="no request log lines on stderr")
    for flag, default, low, text in SERVER_OPTIONS:
        kind = type(default)
        serve.add_argument(flag, type=kind, default=default, help=f"{text} (at least {low:g})")
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
        store=args.store,
        admin_token=admin_token(args),
        settings=Settings().updated(changes),
        max_admin_body_bytes=args.max_admin_body_bytes,
    )


def admin_token(args: argparse.Namespace) -> str | None:
    """The admin token: ``--admin-token``, else read from ``--admin-token-file``.

    Both can come from the environment (``MOCK_ORTTO_ADMIN_TOKEN``,
    ``MOCK_ORTTO_ADMIN_TOKEN_FILE``). Raises :class:`ValueError` naming the file when it cannot
    be read or is empty.
    """
    if args.admin_token:
        return str(args.admin_token)
    if not args.admin_token_file:
        return None
    path = Path(args.admin_token_file)
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ValueError(f"cannot read admin token file {path}: {reason}") from None
    if not token:
        raise ValueError(f"admin token file {path} is empty")
    return token


def door_options(args: argparse.Namespace) -> DoorOptions:
    """Connection handling options of the serve command; :class:`ValueError` if out of range."""
    for flag, _, low, _ in SERVER_OPTIONS:
        if getattr(args, flag[2:].replace("-", "_")) < low:
            raise ValueError(f"{flag} must be at least {low:g}")
    return DoorOptions(
        threads=args.threads,
        connection_limit=args.connection_limit,
        read_timeout=args.read_timeout,
        idle_timeout=args.idle_timeout,
        max_header_bytes=args.max_header_bytes,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mock-ortto`` console script."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        cfg = config_from_args(args)
        options = door_options(args)
    except ValueError as exc:
        print(f"mock-ortto: {exc}", file=sys.stderr)
        return 2
    if args.workers > 1 and not cfg.store.startswith("sqlite:"):
        print(
            "--workers > 1 needs --store sqlite:PATH (processes must share state)", file=sys.stderr
        )
        return 2
    try:
        from mock_ortto.store import open_store

        open_store(cfg.store).close()  # fail early on a bad store, create the schema once
    except (ValueError, OSError) as exc:
        print(f"mock-ortto: cannot open store: {exc}", file=sys.stderr)
        return 2
    try:
        sock = listen(args.host, args.port)
    except BindError as exc:
        print(f"mock-ortto: {exc}", file=sys.stderr)
        return 2
    log = RequestLog(quiet=args.quiet)
    processes = f"{args.workers} processes" if args.workers > 1 else "1 process"
    mode = f"store {cfg.store}, {processes} x {args.threads} threads"
    announce = announcer(args.host, mode, log)
    try:
        if args.workers > 1:
            serve_gunicorn(cfg, sock, args.workers, options, log, announce)
        else:
            serve_waitress(cfg, sock, options, log, announce)
    except KeyboardInterrupt:
        pass
    return 0
