"""Command line: ``preview``, ``send``, ``auth``, ``audience``, ``describe`` and ``run``.

Events come from a JSON file (one event or a list) or a JSONL file (one event per line).
Without ``--action`` each event goes to the action whose default subscription it matches
(identify -> Upsert Contact, track -> Track Activity; Sync Audience for Ortto (Audiences)).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reference_client.api import OrttoActions, OrttoAudiences, chunks
from reference_client.definitions import DESTINATIONS, get_destination
from reference_client.js import json as js_json
from reference_client.mapping import MappingError
from reference_client.outcomes import EventOutcome, from_failure
from reference_client.runner import run_input
from reference_client.runtime.engine import environment_from_os
from reference_client.runtime.errors import SegmentError
from reference_client.subscriptions import matches, parse_fql
from reference_client.transport.transports import HttpxTransport

OFFLINE_VAR = "REFERENCE_CLIENT_OFFLINE"


def read_events(path: str) -> list[dict[str, Any]]:
    """Events from a JSON document (object or list) or JSON Lines; ``-`` is standard input."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    stripped = text.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped.strip()):
        loaded = js_json.loads(text)
        return list(loaded) if isinstance(loaded, list) else [loaded]
    return [js_json.loads(line) for line in text.splitlines() if line.strip()]


def _client(args: argparse.Namespace) -> OrttoActions | OrttoAudiences:
    api_key = args.api_key or os.environ.get("ORTTO_API_KEY", "")
    cls = (
        OrttoAudiences
        if get_destination(args.destination).slug.endswith("audiences")
        else (OrttoActions)
    )
    offline = args.offline or os.environ.get(OFFLINE_VAR) == "1"
    return cls(api_key, endpoint=args.endpoint, transport=HttpxTransport(offline=offline))


def route(
    destination: str, events: list[dict[str, Any]], action: str | None
) -> dict[str, list[int]]:
    """Event positions per action: ``action`` for all, or by default subscription."""
    definition = get_destination(destination)
    if action:
        definition.action(action)
        return {action: list(range(len(events)))}
    groups: dict[str, list[int]] = {}
    conditions = [(a.slug, parse_fql(a.default_subscription)) for a in definition.actions]
    for index, event in enumerate(events):
        for slug, condition in conditions:
            if matches(condition, event):
                groups.setdefault(slug, []).append(index)
                break
    return groups


def _mapping(args: argparse.Namespace) -> dict[str, Any] | None:
    if not args.mapping:
        return None
    loaded = js_json.loads(Path(args.mapping).read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise SystemExit("--mapping must hold a JSON object")
    return loaded


def _print(value: Any) -> None:
    print(
        js_json.dumps(value)
        if os.environ.get("REFERENCE_CLIENT_COMPACT")
        else __import__("json").dumps(value, indent=2, ensure_ascii=False, default=str)
    )


def cmd_preview(args: argparse.Namespace) -> int:
    """Print the requests the destination would send for the events; send nothing."""
    client = _client(args)
    events = read_events(args.events)
    requests: list[dict[str, Any]] = []
    outcomes: list[EventOutcome | None] = [None] * len(events)
    for action, positions in route(args.destination, events, args.action).items():
        preview = client.preview(
            action, [events[i] for i in positions], _mapping(args), args.audience_id
        )
        requests.extend(r.to_dict() for r in preview.requests)
        for position, outcome in zip(positions, preview.outcomes, strict=True):
            outcomes[position] = outcome
    _print(
        {
            "requests": requests,
            "results": [
                o.to_dict() if o else {"status": None, "message": "no action subscribed"}
                for o in outcomes
            ],
        }
    )
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    """Send the events in batches, with a progress bar and a per-event summary."""
    from tqdm import tqdm

    client = _client(args)
    events = read_events(args.events)
    outcomes: list[EventOutcome | None] = [None] * len(events)
    with tqdm(total=len(events), unit="event", disable=args.quiet, file=sys.stderr) as bar:
        for action, positions in route(args.destination, events, args.action).items():
            for batch in chunks(positions, args.batch_size):
                try:
                    results = client.execute(
                        action, [events[i] for i in batch], _mapping(args), args.audience_id
                    )
                except (SegmentError, MappingError) as error:
                    results = [from_failure(error)] * len(batch)
                for position, outcome in zip(batch, results, strict=True):
                    outcomes[position] = outcome
                bar.update(len(batch))
    summary: dict[str, int] = {}
    for maybe in outcomes:
        key = (
            "not subscribed"
            if maybe is None
            else ("ok" if maybe.ok else f"{maybe.status} {maybe.errortype}")
        )
        summary[key] = summary.get(key, 0) + 1
    _print(
        {
            "summary": summary,
            "results": [
                o.to_dict() if o else {"status": None, "message": "no action subscribed"}
                for o in outcomes
            ],
        }
    )
    return 0 if all(o is not None and o.ok for o in outcomes) else 1


def cmd_auth(args: argparse.Namespace) -> int:
    """Check the API key with ``GET /v1/me``."""
    try:
        _client(args).test_authentication()
    except SegmentError as error:
        print(error.message, file=sys.stderr)
        return 1
    print("ok: credentials accepted")
    return 0


def cmd_audience(args: argparse.Namespace) -> int:
    """Create or check an Ortto audience (Ortto (Audiences)), or associate one (hook)."""
    args.destination = "ortto" if args.operation == "associate" else "ortto-audiences"
    client = _client(args)
    try:
        if args.operation == "associate":
            assert isinstance(client, OrttoActions)
            _print(client.associate_audience(args.value))
        elif args.operation == "create":
            assert isinstance(client, OrttoAudiences)
            _print({"externalId": client.create_audience(args.value)})
        else:
            assert isinstance(client, OrttoAudiences)
            _print({"externalId": client.get_audience(args.value)})
    except SegmentError as error:
        _print({"error": error.to_dict()})
        return 1
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    """Print the destination definitions (settings, actions, fields) as JSON."""
    from reference_client.describe import describe_destination

    names = [args.destination] if args.destination else list(DESTINATIONS)
    _print([describe_destination(get_destination(n)) for n in names])
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """The conformance contract: execute a vector file's ``input``; print JSON."""
    vector = js_json.loads(Path(args.vector).read_text(encoding="utf-8"))
    offline = args.offline or os.environ.get(OFFLINE_VAR) == "1"
    document = run_input(
        vector["input"], environment_from_os(), HttpxTransport(offline=offline), raw=args.raw
    )
    print(js_json.dumps(document))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for docs and tests)."""
    parser = argparse.ArgumentParser(
        prog="ortto-reference",
        description="Reference implementation of Segment's Ortto destinations.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, destination: bool = True) -> None:
        if destination:
            p.add_argument("--destination", default="ortto", choices=sorted(DESTINATIONS))
        p.add_argument("--api-key", help="Ortto API key (default: $ORTTO_API_KEY)")
        p.add_argument("--endpoint", help="base URL without /v1 (default: $ORTTO_LOCAL_ENDPOINT)")
        p.add_argument(
            "--offline", action="store_true", help="refuse requests to anything but loopback"
        )

    for name, func in (("preview", cmd_preview), ("send", cmd_send)):
        p = sub.add_parser(name, help=func.__doc__)
        p.add_argument("events", help="JSON or JSONL file of Segment events ('-' for stdin)")
        common(p)
        p.add_argument("--action", help="action slug (default: route by default subscription)")
        p.add_argument("--mapping", help="JSON file with a mapping (default: field defaults)")
        p.add_argument("--audience-id", help="saved Associate Audience output to apply")
        p.set_defaults(func=func)
        if name == "send":
            p.add_argument("--batch-size", type=int, default=500)
            p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = sub.add_parser("auth", help=cmd_auth.__doc__)
    common(p)
    p.set_defaults(func=cmd_auth)
    p = sub.add_parser("audience", help=cmd_audience.__doc__)
    p.add_argument("operation", choices=["create", "get", "associate"])
    p.add_argument("value", help="audience name (create, associate) or id (get)")
    common(p, destination=False)
    p.set_defaults(func=cmd_audience)
    p = sub.add_parser("describe", help=cmd_describe.__doc__)
    p.add_argument("--destination", choices=sorted(DESTINATIONS))
    p.set_defaults(func=cmd_describe)
    p = sub.add_parser("run", help=cmd_run.__doc__)
    p.add_argument("vector", help="vector file with 'input' (and 'env') keys")
    p.add_argument("--raw", action="store_true", help="also print the runtime-shaped value")
    p.add_argument(
        "--offline", action="store_true", help="refuse requests to anything but loopback"
    )
    p.set_defaults(func=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ortto-reference`` and ``python -m reference_client``."""
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result
