"""Throughput of mock_ortto against its ceiling and Prism, side by side in one run.

Method: every server runs on one core (``taskset``), the load generator (Debian's ``wrk``
with ``wrk_bodies.lua``) on the other, on loopback with keep-alive connections. Request
bodies are produced by the reference client (``preview_*``): 100- and 500-item
``POST /v1/identify``, 100-item ``POST /v1/track`` and ``PUT /v1/audiences/members``.

Servers:

1. the ceiling: a bare Flask app (``bare_app.py``: parse the JSON array, answer
   ``{"errors": []}``) on waitress and on gunicorn with one sync worker; the faster is the
   ceiling of each workload;
2. ``mock-ortto serve`` as it runs by default (in-memory store, waitress), then with the
   SQLite store in one process, then ``--workers 2`` (gunicorn, SQLite); rate limits off;
3. Prism (``@stoplight/prism-cli``, installed from npm into ``.bench/``) mocking the mock's own
   ``/openapi.json``, in its default configuration and with ``-v error``.

Prints requests/s, items/s, p50 and p99 latency, and ratios to the ceiling and to Prism's
fastest configuration. Run: ``python -m benchmarks.mock_throughput [--seconds 10]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from benchmarks.events import audience_events, identify_events, track_events
from benchmarks.processes import ROOT, cores, free_port, mock_command, pinned, running
from reference_client.api import OrttoActions, OrttoAudiences

KEY = "pau-0a1b2c3d4e5f6a7b"
LUA = Path(__file__).with_name("wrk_bodies.lua")
PRISM_DIR = ROOT / ".bench" / "prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
BODIES_PER_WORKLOAD = 32
MOCK_GOAL = 0.5
SQLITE_GOAL = 0.25


@dataclass(frozen=True)
class Workload:
    """One kind of request: method, path, items per body and the bodies themselves."""

    name: str
    method: str
    path: str
    items: int
    bodies: list[bytes]


@dataclass(frozen=True)
class Figures:
    """What wrk saw for one server and one workload."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    socket_errors: int


def workloads(selected: Sequence[str]) -> list[Workload]:
    """Bodies exactly as the reference client builds them (``batch_size`` items per request)."""
    actions = OrttoActions(KEY, endpoint="http://127.0.0.1:9")
    audiences = OrttoAudiences(KEY, endpoint="http://127.0.0.1:9")
    specs: dict[str, tuple[OrttoActions | OrttoAudiences, str, str, str, int]] = {
        "identify100": (actions, "upsertContactProfile", "POST", "/v1/identify", 100),
        "identify500": (actions, "upsertContactProfile", "POST", "/v1/identify", 500),
        "track100": (actions, "trackActivity", "POST", "/v1/track", 100),
        "members100": (audiences, "syncAudience", "PUT", "/v1/audiences/members", 100),
    }
    out = []
    for name in selected:
        client, action, method, path, items = specs[name]
        count = items * BODIES_PER_WORKLOAD
        events = (
            identify_events(count)
            if action == "upsertContactProfile"
            else track_events(count)
            if action == "trackActivity"
            else audience_events(count, "aud_0001")
        )
        mapping = {**client.destination.action(action).default_mapping(), "batch_size": items}
        preview = client.preview(action, events, mapping=mapping)
        out.append(Workload(name, method, path, items, [r.body or b"" for r in preview.requests]))
    return out


def run_wrk(
    port: int, work: Workload, seconds: float, connections: int, cpu: int | None, folder: Path
) -> Figures:
    """One wrk run against ``port``; the figures from the Lua ``done`` hook."""
    bodies = folder / f"{work.name}.jsonl"
    if not bodies.exists():
        bodies.write_bytes(b"\n".join(work.bodies) + b"\n")
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
        "-s", str(LUA), f"http://127.0.0.1:{port}{work.path}", "--", work.method, str(bodies), KEY,
    ]  # fmt: skip
    done = subprocess.run(pinned(command, cpu), capture_output=True, text=True, check=True)
    line = [x for x in done.stdout.splitlines() if x.startswith("{")][-1]
    raw = json.loads(line)
    return Figures(
        raw["requests"] / (raw["duration_us"] / 1e6),
        raw["p50_us"] / 1000,
        raw["p99_us"] / 1000,
        raw["non2xx"],
        raw["socket_errors"],
    )


def ensure_wrk() -> None:
    """Install Debian's wrk with apt-get when missing (possible only as root)."""
    if shutil.which("wrk"):
        return
    import os

    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SystemExit("wrk is needed: install it (apt-get install wrk); not root, cannot")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def ensure_prism() -> Path | None:
    """Prism from npm into ``.bench/prism`` (ignored by git); None when npm cannot."""
    if PRISM_BIN.exists():
        return PRISM_BIN
    if shutil.which("npm") is None:
        print("Prism: skipped (npm not found)")
        return None
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["npm", "install", "--prefix", str(PRISM_DIR), "--no-audit", "--no-fund", "--silent",
         "@stoplight/prism-cli@5"],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0 or not PRISM_BIN.exists():
        print(f"Prism: skipped (npm install failed: {done.stderr.strip()[-200:]})")
        return None
    return PRISM_BIN


def _post(port: int, method: str, path: str, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def prepare_mock(port: int) -> None:
    """Create the audience the membership bodies address (``aud_0001``)."""
    status, body = _post(port, "POST", "/v1/audiences/create", b'{"name":"bench"}')
    if status != 200 or json.loads(body)["id"] != "aud_0001":
        raise RuntimeError(f"could not create the bench audience: {status} {body[:200]!r}")


def servers(
    folder: Path, threads: int, prism: Path | None, openapi: Path
) -> list[tuple[str, list[str], bool]]:
    """``(name, command using {port}, is_mock)`` for every server, in run order."""
    py = sys.executable
    mock = [py, "-m", "mock_ortto", "serve", "--threads", str(threads), "--rate-limit", "off"]
    sqlite = f"sqlite:{folder / 'bench.sqlite3'}"
    sqlite2 = f"sqlite:{folder / 'bench2.sqlite3'}"
    out: list[tuple[str, list[str], bool]] = [
        ("ceiling: Flask on waitress", [py, "-m", "benchmarks.bare_app", "{port}", str(threads)],
         False),
        ("ceiling: Flask on gunicorn sync", [py, "-m", "gunicorn", "-w", "1", "-k", "sync",
         "-b", "127.0.0.1:{port}", "benchmarks.bare_app:app"], False),
        ("mock (memory, default)", [*mock, "--port", "{port}"], True),
        *(
            [("mock (memory, --quiet)", [*mock, "--port", "{port}", "--quiet"], True)]
            if _serve_has_option("--quiet")
            else []
        ),
        ("mock (sqlite)", [*mock, "--port", "{port}", "--store", sqlite], True),
        ("mock (sqlite, --workers 2)", [*mock, "--port", "{port}", "--store", sqlite2,
         "--workers", "2"], True),
    ]  # fmt: skip
    if prism is not None:
        base = [str(prism), "mock", "-h", "127.0.0.1", "-p", "{port}", str(openapi)]
        out.append(("Prism (default)", base, False))
        out.append(("Prism (-v error)", [*base, "-v", "error"], False))
    return out


def _serve_has_option(option: str) -> bool:
    """Whether ``mock-ortto serve`` knows ``option`` (per-request logging may be switchable)."""
    done = subprocess.run(
        [sys.executable, "-m", "mock_ortto", "serve", "--help"], capture_output=True, text=True
    )
    return option in done.stdout


def fetch_openapi(folder: Path, cpu: int | None) -> Path:
    """The mock's own ``/openapi.json``, fetched from a running mock."""
    port = free_port()
    with running(mock_command([], port), port, cpu):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/openapi.json")
        document = conn.getresponse().read()
        conn.close()
    path = folder / "openapi.json"
    path.write_bytes(document)
    return path


def main(argv: list[str] | None = None) -> int:
    """Run every server against every workload; print the table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=2, help="best of this many rounds")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument(
        "--workloads", default="identify100,identify500,track100,members100",
        help="comma-separated: identify100, identify500, track100, members100",
    )  # fmt: skip
    parser.add_argument("--only", default="", help="comma-separated server name fragments")
    parser.add_argument("--no-prism", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    ensure_wrk()
    available = cores()
    server_cpu, load_cpu = (available[0], available[1]) if len(available) > 1 else (None, None)
    works = workloads(args.workloads.split(","))
    results: dict[str, dict[str, Figures]] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        prism = None if args.no_prism else ensure_prism()
        openapi = fetch_openapi(folder, server_cpu)
        chosen = [s for s in servers(folder, args.threads, prism, openapi)
                  if not args.only or any(f in s[0] for f in args.only.split(","))]  # fmt: skip
        print(
            f"server on core {server_cpu}, wrk on core {load_cpu}, {args.connections} keep-alive "
            f"connections, {args.seconds:g} s per figure after {args.warmup:g} s warm-up, "
            f"best of {args.rounds} interleaved rounds"
        )
        # Every server runs for the whole benchmark (idle ones cost nothing) and the rounds
        # go through them in turn, so a change in the machine's load hits all of them alike.
        ports: dict[str, int] = {}
        for name, template, is_mock in chosen:
            port = ports[name] = free_port()
            command = [part.replace("{port}", str(port)) for part in template]
            stack.enter_context(running(command, port, server_cpu))
            if is_mock:
                prepare_mock(port)
        for round_number in range(args.rounds):
            for work in works:
                for name, port in ports.items():
                    run_wrk(port, work, args.warmup, args.connections, load_cpu, folder)
                    figures = run_wrk(port, work, args.seconds, args.connections, load_cpu, folder)
                    best = results.setdefault(work.name, {}).get(name)
                    if best is None or figures.requests_per_s > best.requests_per_s:
                        results[work.name][name] = figures
                    print(
                        f"  round {round_number + 1} {work.name:11} {name:32} "
                        f"{figures.requests_per_s:8.1f} req/s",
                        flush=True,
                    )
    report(works, results)
    if args.json:
        args.json.write_text(
            json.dumps({w: {s: vars(f) for s, f in r.items()} for w, r in results.items()})
        )
    return 0


def report(works: list[Workload], results: dict[str, dict[str, Figures]]) -> None:
    """The table: figures and ratios to the ceiling and to Prism's fastest configuration."""
    for work in works:
        rows = results.get(work.name, {})
        ceilings = [f.requests_per_s for n, f in rows.items() if n.startswith("ceiling")]
        prisms = [f.requests_per_s for n, f in rows.items() if n.startswith("Prism")]
        ceiling = max(ceilings) if ceilings else None
        prism = max(prisms) if prisms else None
        print(f"\n{work.name}: {work.method} {work.path}, {work.items} items per request")
        print(
            f"| {'server':32} | {'req/s':>8} | {'items/s':>9} | {'p50 ms':>7} | {'p99 ms':>7} "
            f"| {'/ceiling':>8} | {'/Prism':>7} | errors |"
        )
        print(
            f"|{'-' * 34}|{'-' * 10}|{'-' * 11}|{'-' * 9}|{'-' * 9}|{'-' * 10}|{'-' * 9}|--------|"
        )
        for name, f in rows.items():
            to_ceiling = f"{f.requests_per_s / ceiling:.2f}" if ceiling else "-"
            to_prism = f"{f.requests_per_s / prism:.2f}" if prism else "-"
            errors = f.non2xx + f.socket_errors
            print(
                f"| {name:32} | {f.requests_per_s:8.1f} | {f.requests_per_s * work.items:9.0f} "
                f"| {f.p50_ms:7.2f} | {f.p99_ms:7.2f} | {to_ceiling:>8} | {to_prism:>7} "
                f"| {errors:6} |"
            )
        memory = rows.get("mock (memory, default)")
        if memory and ceiling:
            ratio = memory.requests_per_s / ceiling
            print(f"in-memory mock / ceiling = {ratio:.2f} (goal >= {MOCK_GOAL})", end="")
            if prism:
                print(f"; / Prism fastest = {memory.requests_per_s / prism:.2f} (goal > 1)")
            else:
                print()
        sqlite = rows.get("mock (sqlite)")
        if sqlite and ceiling:
            ratio = sqlite.requests_per_s / ceiling
            print(f"SQLite mock / ceiling = {ratio:.2f} (goal >= {SQLITE_GOAL})")


if __name__ == "__main__":
    sys.exit(main())
