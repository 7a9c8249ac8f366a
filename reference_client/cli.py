"""The ``ortto-reference`` command (also ``python -m reference_client``).

Events come from a JSON file (one event or a list) or a JSON Lines file (one event per line).
Without ``--action`` each event goes to the action whose default subscription it matches
(identify → Upsert Contact, track → Track Activity; Sync Audience for Ortto (Audiences)); an
event no action subscribes to is reported as skipped.

Exit status: 0 when every event was delivered or skipped, 1 when an event or call failed,
2 for a usage or input problem (a missing or malformed file, an unknown action, no API key).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from reference_client import __version__
from reference_client.api import OrttoActions, OrttoAudiences, chunks
from reference_client.definitions import DESTINATIONS, Action, get_destination
from reference_client.destinations.endpoint import API_KEY_VAR, LOCAL_ENDPOINT_VAR
from reference_client.event_files import InputError, read_events, read_mapping, read_text
from reference_client.in_turn import InTurnTransport
from reference_client.js import json as js_json
from reference_client.mapping import MappingError
from reference_client.outcomes import EventOutcome, not_subscribed
from reference_client.runner import run_input
from reference_client.runtime.engine import environment_from_os
from reference_client.runtime.errors import (
    CredentialsInvalidError,
    FetchError,
    HTTPError,
    InvalidAuthenticationError,
    RequestTimeoutError,
    SegmentError,
)
from reference_client.send_report import COMPACT, INDENTED, Layout, SendReport
from reference_client.subscriptions import subscription
from reference_client.transport.transports import HttpxTransport

OFFLINE_VAR = "REFERENCE_CLIENT_OFFLINE"
COMPACT_VAR = "REFERENCE_CLIENT_COMPACT"
PROG = "ortto-reference"


def _say(message: str) -> None:
    """One line on standard error, prefixed with the program name."""
    print(f"{PROG}: {message}", file=sys.stderr)


def _layout() -> Layout:
    """Indented JSON, or JavaScript's compact bytes with ``$REFERENCE_CLIENT_COMPACT``."""
    return COMPACT if os.environ.get(COMPACT_VAR) else INDENTED


def _print(value: Any) -> None:
    """JSON on standard output, in :func:`_layout`."""
    print(_layout().document(value))


def _endpoint(args: argparse.Namespace) -> str | None:
    endpoint: str | None = args.endpoint or os.environ.get(LOCAL_ENDPOINT_VAR)
    return endpoint


def _client(args: argparse.Namespace, destination: str) -> OrttoActions | OrttoAudiences:
    """The API client for ``destination``; refuses (exit 2) when no API key is known."""
    api_key = args.api_key or os.environ.get(API_KEY_VAR, "")
    if not api_key:
        raise InputError(f"no API key: --api-key was not given and {API_KEY_VAR} is unset")
    endpoint = _endpoint(args)
    if endpoint is not None and endpoint.rstrip("/").endswith("/v1"):
        _say(
            f"hint: the endpoint {endpoint} ends in /v1, but the destination appends /v1 "
            f"itself; use {endpoint.rstrip('/')[: -len('/v1')]}"
        )
    cls = OrttoAudiences if destination == "ortto-audiences" else OrttoActions
    offline = args.offline or os.environ.get(OFFLINE_VAR) == "1"
    return cls(api_key, endpoint=endpoint, transport=HttpxTransport(offline=offline))


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def find_action(destination: str, name: str) -> Action:
    """The action called ``name``: its slug (``upsertContactProfile``) or its title as the docs
    write it (``Upsert Contact``, any case). An unknown name lists the choices."""
    definition = get_destination(destination)
    for action in definition.actions:
        if name == action.slug or _words(name) in (_words(action.slug), _words(action.title)):
            return action
    choices = ", ".join(f'"{a.title}" ({a.slug})' for a in definition.actions)
    raise InputError(f'unknown action "{name}" for {definition.name}; choose one of: {choices}')


def route(
    destination: str, events: list[dict[str, Any]], action: str | None
) -> dict[str, list[int]]:
    """Event positions per action slug: every event for ``action``, or by default subscription.

    Events that match no default subscription appear under no action.
    """
    definition = get_destination(destination)
    if action:
        return {find_action(destination, action).slug: list(range(len(events)))}
    groups: dict[str, list[int]] = {}
    subscriptions = [(a.slug, subscription(a.default_subscription)) for a in definition.actions]
    for index, event in enumerate(events):
        for slug, subscribed in subscriptions:
            if subscribed.matches(event):
                groups.setdefault(slug, []).append(index)
                break
    return groups


Batch = tuple[str, list[dict[str, Any]]]
"""An action slug and the events of one batch for it."""
Runner = Callable[[list[Batch]], Iterable[list[EventOutcome]]]
"""Runs batches and yields their outcomes, in order."""


def _one_by_one(run: Callable[[str, list[dict[str, Any]]], list[EventOutcome]]) -> Runner:
    return lambda batches: (run(action, batch) for action, batch in batches)


def _run_routed(
    args: argparse.Namespace,
    events: list[dict[str, Any]],
    run: Runner,
    record: Callable[[list[int], list[EventOutcome]], object],
    progress: Callable[[int], object] = lambda done: None,
) -> None:
    """Route the events to batches, run them through ``run`` and hand each batch's event
    positions and outcomes to ``record`` as they come; events no action takes are skipped."""
    groups = route(args.destination, events, args.action)
    progress(len(events) - sum(len(positions) for positions in groups.values()))
    batches = [
        (action, batch)
        for action, positions in groups.items()
        for batch in chunks(positions, args.batch_size)
    ]
    results = run([(action, [events[i] for i in batch]) for action, batch in batches])
    for (_, batch), result in zip(batches, results, strict=True):
        record(batch, result)
        progress(len(batch))


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "mapping": read_mapping(args.mapping) if args.mapping else None,
        "audience_id": args.audience_id,
    }


def cmd_preview(args: argparse.Namespace) -> int:
    """Print the requests the events would produce and their per-event results; send nothing."""
    events = read_events(args.events)
    requests: list[dict[str, Any]] = []
    with _client(args, args.destination) as client:
        options = _options(args)

        def run(action: str, batch: list[dict[str, Any]]) -> list[EventOutcome]:
            preview = client.preview(action, batch, **options)
            requests.extend(r.to_dict() for r in preview.requests)
            return preview.outcomes

        outcomes = [not_subscribed()] * len(events)

        def place(positions: list[int], result: list[EventOutcome]) -> None:
            for position, outcome in zip(positions, result, strict=True):
                outcomes[position] = outcome

        _run_routed(args, events, _one_by_one(run), place)
    _print({"requests": requests, "results": [o.to_dict() for o in outcomes]})
    return 0


@contextmanager
def _collector_spares_what_stays() -> Iterator[None]:
    """A block where :func:`gc.freeze` marks what lives to its end (the events, the outcomes so
    far): the cyclic collector stops walking them again and again (a sixth of a large ``send``
    otherwise). Everything is given back to the collector when the block ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _read_events_to_keep(path: str) -> list[dict[str, Any]]:
    """:func:`read_events`, the collector paused meanwhile, and the events frozen (in a
    :func:`_collector_spares_what_stays` block). Parsing makes no cycles, but the collector
    would walk the growing tree of events again and again (half the time of reading 100,000
    events), and once more on waking if the events were not frozen first."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        events = read_events(path)
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
    return events


def cmd_send(args: argparse.Namespace) -> int:
    """Send the events in batches with a progress bar; print a summary and per-event results.

    Exits 1 when any event failed; skipped events (no action subscribed) are not failures.
    """
    from tqdm import tqdm

    with _collector_spares_what_stays():
        events = _read_events_to_keep(args.events)
        with (
            _client(args, args.destination) as client,
            tqdm(total=len(events), unit="event", disable=args.quiet, file=sys.stderr) as bar,
        ):
            options = _options(args)
            in_turn = InTurnTransport(client.transport)

            def run(action: str, batch: list[dict[str, Any]]) -> list[EventOutcome]:
                return client.execute(action, batch, **options)

            def run_all(batches: list[Batch]) -> Iterator[list[EventOutcome]]:
                # batch N+1 is prepared while batch N waits for its answer; sent in order
                works = [partial(run, action, batch) for action, batch in batches]
                most = [
                    client.most_requests(action, len(batch), options["mapping"])
                    for action, batch in batches
                ]
                for outcomes in in_turn.run_all(works, most_requests=most):
                    gc.freeze()
                    yield outcomes

            report = SendReport(len(events), _layout())
            original, client.transport = client.transport, in_turn
            try:
                _run_routed(args, events, run_all, report.record, bar.update)
            finally:
                client.transport = original
        report.write(sys.stdout)
    return 1 if report.failed else 0


def explain_auth_failure(error: SegmentError, endpoint: str | None) -> str:
    """What went wrong in ``auth``, in words: unreachable, refused key, or another answer."""
    cause = error.cause if isinstance(error, CredentialsInvalidError) else error
    where = f"{endpoint}/v1/me" if endpoint else "the Ortto endpoint of this key"
    if isinstance(cause, FetchError):
        return f"could not reach {where}: {cause.message}"
    if isinstance(cause, RequestTimeoutError):
        return f"no answer from {where}: {cause.message}"
    if isinstance(cause, InvalidAuthenticationError):
        return f"Credentials are invalid: the key is not an Ortto API key ({cause.message})"
    if isinstance(cause, HTTPError):
        answer = f"{cause.response.status} {cause.response.status_text}".strip()
        if cause.response.status in (401, 403):
            return f"Credentials are invalid: {where} refused the key ({answer})"
        return f"{where} answered {answer}"
    return error.message


def cmd_auth(args: argparse.Namespace) -> int:
    """Check the API key with ``GET /v1/me``; say why when it fails."""
    with _client(args, args.destination) as client:
        try:
            client.test_authentication()
        except SegmentError as error:
            _say(explain_auth_failure(error, client.env.get(LOCAL_ENDPOINT_VAR)))
            return 1
    print("ok: credentials accepted")
    return 0


def cmd_audience(args: argparse.Namespace) -> int:
    """Create or check an Ortto audience (Ortto (Audiences)), or associate one (the Associate
    Audience hook of Ortto (Actions))."""
    destination = "ortto" if args.operation == "associate" else "ortto-audiences"
    with _client(args, destination) as client:
        try:
            if isinstance(client, OrttoActions):
                _print(client.associate_audience(args.value))
            elif args.operation == "create":
                _print({"externalId": client.create_audience(args.value)})
            else:
                _print({"externalId": client.get_audience(args.value)})
        except SegmentError as error:
            _print({"error": error.to_dict()})
            return 1
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    """Print the destination definitions (settings, actions, fields, JSON schemas) as JSON."""
    from reference_client.describe import describe_destination

    names = [args.destination] if args.destination else list(DESTINATIONS)
    _print([describe_destination(get_destination(n)) for n in names])
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Run a recorded vector's ``input`` as the real runtime would; print the JSON result
    (the conformance contract)."""
    vector = js_json.loads(read_text(args.vector, "vector"))
    if not isinstance(vector, dict) or "input" not in vector:
        raise InputError(f"{args.vector}: a vector is a JSON object with an 'input' key")
    offline = args.offline or os.environ.get(OFFLINE_VAR) == "1"
    document = run_input(
        vector["input"], environment_from_os(), HttpxTransport(offline=offline), raw=args.raw
    )
    print(js_json.dumps(document))
    return 0


def _plain(text: str) -> str:
    """A docstring as terminal text: no reStructuredText literal markers."""
    return text.replace("``", "").strip()


def _summary(text: str) -> str:
    """The first paragraph of a docstring, on one line."""
    return " ".join(_plain(text).split("\n\n")[0].split())


def build_parser() -> argparse.ArgumentParser:
    """The ``ortto-reference`` argument parser: every command, option and default."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Reference implementation of Segment's Ortto destinations: preview or "
        "send what they send, check keys and audiences, run recorded vectors.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        doc = func.__doc__ or ""
        command = sub.add_parser(name, help=_summary(doc), description=_plain(doc))
        command.set_defaults(func=func)
        return command

    def offline(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--offline",
            action="store_true",
            help=f"refuse requests to anything but loopback (also ${OFFLINE_VAR}=1)",
        )

    def connection(p: argparse.ArgumentParser) -> None:
        p.add_argument("--api-key", help=f"Ortto API key (default: ${API_KEY_VAR})")
        p.add_argument(
            "--endpoint",
            help=f"base URL without /v1, e.g. http://127.0.0.1:8089 (default: "
            f"${LOCAL_ENDPOINT_VAR}, else the Ortto region of the key)",
        )
        offline(p)

    def destination(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--destination", default="ortto", choices=sorted(DESTINATIONS), help="(default: ortto)"
        )

    for name, func in (("preview", cmd_preview), ("send", cmd_send)):
        p = add(name, func)
        p.add_argument("events", help="JSON or JSON Lines file of Segment events ('-' for stdin)")
        destination(p)
        connection(p)
        p.add_argument(
            "--action",
            help="send every event to this action, by title or slug, e.g. 'Upsert Contact' "
            "(default: each event to the action whose default subscription it matches)",
        )
        p.add_argument("--mapping", help="JSON file with a mapping (default: the field defaults)")
        p.add_argument("--audience-id", help="a saved Associate Audience output to apply")
        p.add_argument(
            "--batch-size", type=int, default=500, help="events per request (default: 500)"
        )
        if name == "send":
            p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = add("auth", cmd_auth)
    destination(p)
    connection(p)
    p = add("audience", cmd_audience)
    p.add_argument("operation", choices=["create", "get", "associate"])
    p.add_argument("value", help="audience name (create, associate) or id (get)")
    connection(p)
    p = add("describe", cmd_describe)
    p.add_argument("--destination", choices=sorted(DESTINATIONS), help="(default: both)")
    p = add("run", cmd_run)
    p.add_argument("vector", help="vector file with an 'input' key")
    p.add_argument("--raw", action="store_true", help="also print the runtime-shaped value")
    offline(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ortto-reference`` and ``python -m reference_client``; returns the exit
    status."""
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except InputError as error:
        _say(f"error: {error}")
        return 2
    except InvalidAuthenticationError as error:
        _say(f"error: the API key is not an Ortto API key ({error.message})")
        return 2
    except (SegmentError, MappingError) as error:
        _say(f"error: {error.js_name}: {error.message}")
        return 2
    return result
