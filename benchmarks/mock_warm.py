"""Does a mock that has served traffic spend more per request than a fresh one?

Two mock apps run in child processes of their own, pinned to the same core, called as a WSGI
server calls them (one thread, no HTTP), with the collector set as ``mock-ortto serve`` sets
it. One is warmed: before each measurement after the first it serves a round of mixed
traffic (every workload of the throughput benchmark in turn, ``--traffic`` times the request
counts of :data:`TRAFFIC`; bodies built by the reference client). The other, the control,
only serves the measuring passes. A figure is the best of ``--repeat`` passes over a
workload's bodies, in CPU ms per request, the two apps taking turns pass by pass: a change in
the machine's speed during the run hits both, and the ratio shows what the traffic did.

No goal: this explains the throughput figures (its servers serve every workload in turn, so
they measure warmed mocks), it does not judge them.
Run: ``python -m benchmarks.mock_warm [--rounds 3] [--repeat 3] [--traffic 1.0]``.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from benchmarks.mock_throughput import KEY, Workload, workloads
from benchmarks.processes import cores
from mock_ortto.app import create_app
from mock_ortto.config import ServerConfig, Settings
from mock_ortto.server import tune_gc

NAMES = ("identify100", "identify500", "track100", "members100")
TRAFFIC = {"identify100": 2500, "identify500": 400, "track100": 1500, "members100": 2000}
"""Requests per workload in one round of traffic (at ``--traffic 1``)."""

Call = Callable[[str, str, bytes], tuple[str, bytes]]


def app_caller() -> Call:
    """A fresh mock app (rate limits off), called as a WSGI server would call it."""
    app = create_app(ServerConfig(settings=Settings(rate_limit=False)))

    def call(method: str, path: str, body: bytes) -> tuple[str, bytes]:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8089",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {KEY}",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        status: list[str] = []
        answer = app(environ, lambda line, headers, exc_info=None: status.append(line))
        try:
            data = b"".join(answer)
        finally:
            getattr(answer, "close", lambda: None)()
        return status[0], data

    return call


def send(call: Call, work: Workload, requests: int) -> None:
    """``requests`` requests of ``work``, cycling through its bodies; each must answer 200."""
    for n in range(requests):
        status, data = call(work.method, work.path, work.bodies[n % len(work.bodies)])
        if not status.startswith("200"):
            raise RuntimeError(f"{work.name}: {status} {data[:200]!r}")


def pass_ms(call: Call, work: Workload) -> float:
    """One pass over the bodies of ``work``: CPU ms per request."""
    started = time.process_time()
    send(call, work, len(work.bodies))
    return (time.process_time() - started) / len(work.bodies) * 1000


def stored_contacts(call: Call) -> int:
    """Contacts stored (``GET /_mock/accounts``)."""
    status, data = call("GET", "/_mock/accounts", b"")
    if not status.startswith("200"):
        raise RuntimeError(f"/_mock/accounts: {status}")
    return sum(int(account["contacts"]) for account in json.loads(data)["accounts"])


def _serve_commands(conn: Connection, cpu: int, works: dict[str, Workload]) -> None:
    """A child process: one fresh app, driven by ``(command, argument)`` messages."""
    os.sched_setaffinity(0, {cpu})
    call = app_caller()
    status, data = call("POST", "/v1/audiences/create", b'{"name":"bench"}')
    if not status.startswith("200") or json.loads(data).get("id") != "aud_0001":
        raise RuntimeError(f"could not create the bench audience: {status} {data[:200]!r}")
    tune_gc()  # the collector as ``mock-ortto serve`` sets it
    while True:
        command, scale = conn.recv()
        if command == "pass":  # one pass per workload: CPU ms per request
            conn.send({name: pass_ms(call, works[name]) for name in NAMES})
        elif command == "traffic":
            for name in NAMES:
                send(call, works[name], max(1, round(TRAFFIC[name] * scale)))
            conn.send(stored_contacts(call))
        else:  # "contacts", or "stop" and leave
            conn.send(stored_contacts(call))
            if command == "stop":
                return


class _App:
    """A mock app in a child process of its own."""

    def __init__(self, cpu: int, works: dict[str, Workload]) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(
            target=_serve_commands, args=(child, cpu, works), daemon=True
        )
        self.process.start()

    def ask(self, command: str, scale: float = 0.0) -> Any:
        """Send a command; its answer (the child's traceback goes to stderr if it fails)."""
        try:
            self.conn.send((command, scale))
            while not self.conn.poll(0.5):
                if not self.process.is_alive():
                    raise EOFError
            return self.conn.recv()
        except (EOFError, BrokenPipeError):
            self.process.join(10)
            raise RuntimeError(
                f"the app process ended (exit code {self.process.exitcode}) on {command!r}"
            ) from None

    def close(self) -> None:
        """Stop the child (it may have ended already)."""
        if self.process.is_alive():
            self.ask("stop")
        self.process.join(10)


Row = tuple[str, dict[str, float], dict[str, float], int]
"""State, CPU ms per request of the warmed app and of the control, the warmed app's contacts."""


def measure(args: argparse.Namespace) -> list[Row]:
    """The warmed app and the control measured in turn, pass by pass, after each round."""
    works = {w.name: w for w in workloads(NAMES)}  # built once, inherited by both children
    warmed, control = _App(args.cpu, works), _App(args.cpu, works)
    rows: list[Row] = []
    try:
        for app in (warmed, control):  # first passes store the contacts: not measured
            app.ask("pass")
        stored = warmed.ask("contacts")
        for step in range(args.rounds + 1):
            if step:
                stored = warmed.ask("traffic", args.traffic)
            best_warm = dict.fromkeys(NAMES, float("inf"))
            best_control = dict.fromkeys(NAMES, float("inf"))
            for _ in range(args.repeat):  # in turn: a change in the machine hits both
                for best, app in ((best_warm, warmed), (best_control, control)):
                    for name, ms in app.ask("pass").items():
                        best[name] = min(best[name], ms)
            rows.append(
                ("fresh" if step == 0 else f"after {step}", best_warm, best_control, stored)
            )
    finally:
        for app in (warmed, control):
            app.close()
    return rows


def report(rows: list[Row]) -> None:
    """Print, per state, each workload's CPU ms per request: warmed app / control (ratio)."""
    print("| state    | " + " | ".join(f"{n:>22}" for n in NAMES) + " | contacts |")
    print("|----------|" + "|".join("-" * 24 for _ in NAMES) + "|----------|")
    for state, warm, control, stored in rows:
        cells = " | ".join(
            f"{warm[n]:6.3f} / {control[n]:6.3f} ({warm[n] / control[n]:4.2f})" for n in NAMES
        )
        print(f"| {state:<8} | {cells} | {stored:8,} |")
    print(
        "CPU ms per request, the warmed app / a control app that only serves the measuring "
        "passes, measured in turn"
    )


def main(argv: list[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--traffic", type=float, default=1.0, help="scale of TRAFFIC")
    parser.add_argument("--cpu", type=int, default=1)
    args = parser.parse_args(argv)
    if args.cpu not in cores():
        args.cpu = cores()[-1]
    print(
        f"two mock apps in processes of their own on core {args.cpu}, {args.rounds} rounds of "
        f"traffic for one, best of {args.repeat} passes per figure"
    )
    report(measure(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
