"""Command line: ``mock-ortto serve`` (also ``python -m mock_ortto``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mock_ortto import rules
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.server import endpoint_line, free_port, serve_gunicorn, serve_waitress


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``serve`` is the default command)."""
    parser = argparse.ArgumentParser(prog="mock-ortto", description="Stateful mock of Ortto.")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve the mock on a WSGI server")
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8089, help="port (0 picks a free one)")
    serve.add_argument(
        "--store", default="memory", help="'memory' (default) or 'sqlite:PATH' (shared, durable)"
    )
    serve.add_argument("--workers", type=int, default=1, help="gunicorn workers (needs sqlite)")
    serve.add_argument("--threads", type=int, default=8, help="threads per process")
    serve.add_argument("--churn-policy", choices=rules.CHURN_POLICIES, default=None)
    serve.add_argument("--rate-limit", choices=("on", "off"), default=None)
    serve.add_argument("--rate-plan", choices=rules.PLANS, default=None)
    serve.add_argument("--admin-token", default=None, help="require X-Mock-Admin-Token on /_mock")
    serve.add_argument("--reentry-block-seconds", type=float, default=None)
    serve.add_argument("--flap-max-changes", type=int, default=None)
    serve.add_argument("--flap-window-seconds", type=float, default=None)
    serve.add_argument("--max-items", type=int, default=None)
    serve.add_argument("--max-body-bytes", type=int, default=None)
    return parser


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    """Turn parsed options into a :class:`ServerConfig`."""
    changes: dict[str, object] = {}
    for option, name in (
        ("churn_policy", "churn_policy"),
        ("rate_plan", "rate_plan"),
        ("reentry_block_seconds", "reentry_block_seconds"),
        ("flap_max_changes", "flap_max_changes"),
        ("flap_window_seconds", "flap_window_seconds"),
        ("max_items", "max_items"),
        ("max_body_bytes", "max_body_bytes"),
    ):
        value = getattr(args, option)
        if value is not None:
            changes[name] = value
    if args.rate_limit is not None:
        changes["rate_limit"] = args.rate_limit == "on"
    return ServerConfig(
        store=args.store, admin_token=args.admin_token, settings=Settings().updated(changes)
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mock-ortto`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-"):
        argv = ["serve", *argv]
    args = build_parser().parse_args(argv)
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
