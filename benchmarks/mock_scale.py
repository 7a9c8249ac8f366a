"""Does a bigger store slow the mock down? Time per call with 1k, 100k and 1M contacts stored.

One ``mock-ortto serve`` per size (in-memory store by default, rate limits off), all on one
core, this process on the other. Each is filled with 500-item ``/v1/identify`` batches (a user
id and an anonymous id each, no traits), then every call is timed on every server in turn:
500-item batches of the ``/v1`` endpoints (new contacts, updates of stored ones, activities,
audience members) and the ``/_mock`` inspection endpoints (first and last page of contacts, a
look-up by user id, account counts, activities, memberships). Taking turns call by call means
a change in the machine's speed hits every size alike; a control server of the first size
shows how far two equal servers differ. Resident memory is read after each fill.

Goal: every time within 20% of the first size's; memory under 1 KiB per stored contact.
Run: ``python -m benchmarks.mock_scale [--sizes 1000,100000,1000000] [--store sqlite:PATH]``
(with SQLite, each server gets a file of its own next to ``PATH``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from benchmarks.processes import cores, free_port, mock_command, running

KEY = "pau-0a1b2c3d4e5f6a7b"
BATCH = 500
FLAT_GOAL = 1.2
MEMORY_GOAL = 1024


class Client:
    """One keep-alive connection to the mock."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: object = None) -> object:
        """Send, check for 200, return the parsed answer."""
        data = None if body is None else json.dumps(body).encode()
        self.conn.request(method, path, body=data, headers=self.headers)
        answer = self.conn.getresponse()
        raw = answer.read()
        if answer.status != 200:
            raise RuntimeError(f"{method} {path}: {answer.status} {raw[:200]!r}")
        return json.loads(raw)


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` (``taskset`` execs the server, which keeps its id)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def seed(client: Client, start: int, stop: int) -> None:
    """Store contacts ``start`` .. ``stop - 1`` (user id and anonymous id, no traits)."""
    for first in range(start, stop, BATCH):
        items = [
            {"user_id": f"seed-{i}", "anonymous_id": f"seed-anon-{i}"}
            for i in range(first, min(stop, first + BATCH))
        ]
        client.call("POST", "/v1/identify", items)


def operations(client: Client, size: int, tag: str) -> dict[str, Callable[[int], object]]:
    """What is timed on a server of ``size`` contacts; ``tag`` keeps its new contacts apart."""

    def new_contacts(n: int) -> object:
        items = [
            {"user_id": f"new-{tag}-{n}-{i}", "traits": {"plan": "pro", "seats": i}}
            for i in range(BATCH)
        ]
        return client.call("POST", "/v1/identify", items)

    def updates(n: int) -> object:
        step = max(1, size // BATCH)
        items = [
            {"user_id": f"seed-{(i * step + n) % size}", "traits": {"seen": n}}
            for i in range(BATCH)
        ]
        return client.call("POST", "/v1/identify", items)

    def track(n: int) -> object:
        items = [
            {
                "user_id": f"seed-{(i * 7 + n) % size}",
                "event": "Bench",
                "message_id": f"{tag}-{n}-{i}",
            }
            for i in range(BATCH)
        ]
        return client.call("POST", "/v1/track", items)

    def members(n: int) -> object:
        items = [
            {
                "user_id": f"seed-{(i * 13 + n) % size}",
                "traits": {},
                "audience": {"mode": "add" if n % 2 == 0 else "remove", "id": "aud_0001"},
            }
            for i in range(BATCH)
        ]
        return client.call("PUT", "/v1/audiences/members", items)

    q = f"api_key={KEY}"
    return {
        "POST /v1/identify (500 new)": new_contacts,
        "POST /v1/identify (500 updates)": updates,
        "POST /v1/track (500)": track,
        "PUT /v1/audiences/members (500)": members,
        "GET /_mock/contacts (first 500)": lambda n: client.call(
            "GET", f"/_mock/contacts?{q}&limit=500"
        ),
        "GET /_mock/contacts (last 500)": lambda n: client.call(
            "GET", f"/_mock/contacts?{q}&limit=500&offset={max(0, size - 500)}"
        ),
        "GET /_mock/contacts?user_id=": lambda n: client.call(
            "GET", f"/_mock/contacts?{q}&user_id=seed-{(n * 31) % size}"
        ),
        "GET /_mock/accounts (counts)": lambda n: client.call("GET", "/_mock/accounts"),
        "GET /_mock/activities (first 500)": lambda n: client.call(
            "GET", f"/_mock/activities?{q}&limit=500"
        ),
        "GET /_mock/memberships (first 500)": lambda n: client.call(
            "GET", f"/_mock/memberships?{q}&limit=500"
        ),
    }


@dataclass(frozen=True)
class Server:
    """A filled ``mock-ortto serve``: its label, the contacts it holds, its resident memory
    after the fill, and the calls timed on it; ``control`` for the second of the first size."""

    label: str
    size: int
    rss: int
    calls: dict[str, Callable[[int], object]]
    control: bool = False


def store_option(store: str, label: str) -> str:
    """The ``--store`` of one server: a SQLite file of its own (``scale.db`` becomes
    ``scale-1000.db``), the memory store as it is."""
    if not store.startswith("sqlite:"):
        return store
    path = Path(store.removeprefix("sqlite:"))
    suffix = path.suffix or ".db"
    return f"sqlite:{path.with_name(f'{path.stem}-{label}{suffix}')}"


def start_servers(
    stack: ExitStack, sizes: list[int], store: str, control: bool, cpu: int | None
) -> list[Server]:
    """One filled server per size (and a control of the first size), all on ``cpu``."""
    plan = [(f"{size:,}", size, False) for size in sizes]
    if control:
        plan.insert(1, (f"{sizes[0]:,} (control)", sizes[0], True))
    servers = []
    for label, size, is_control in plan:
        port = free_port()
        tag = f"{size}c" if is_control else str(size)
        options = ["--rate-limit", "off", "--store", store_option(store, tag)]
        proc = stack.enter_context(running(mock_command(options, port), port, cpu))
        client = Client(port)
        client.call("POST", "/v1/audiences/create", {"name": "bench"})
        started = time.perf_counter()
        seed(client, 0, size)
        server = Server(label, size, rss_bytes(proc.pid), operations(client, size, tag), is_control)
        servers.append(server)
        print(
            f"{label:>21} contacts stored (filled in {time.perf_counter() - started:.0f} s), "
            f"server RSS {server.rss / 2**20:,.0f} MiB",
            flush=True,
        )
    return servers


def measure_in_turn(servers: list[Server], repeat: int) -> dict[str, list[float]]:
    """Median ms of each call on each server; the servers take turns call by call (the first
    of them changing every time), so a change in the machine's speed hits all alike."""
    names = list(servers[0].calls)
    for server in servers:  # warm-up
        for name in names:
            server.calls[name](repeat)
    times: dict[str, list[list[float]]] = {name: [[] for _ in servers] for name in names}
    for n in range(repeat):
        order = list(range(len(servers)))
        order = order[n % len(order) :] + order[: n % len(order)]
        for name in names:
            for i in order:
                started = time.perf_counter()
                servers[i].calls[name](n)
                times[name][i].append((time.perf_counter() - started) * 1000)
    return {name: [statistics.median(t) for t in cells] for name, cells in times.items()}


def report(servers: list[Server], table: dict[str, list[float]], store: str, repeat: int) -> None:
    """The table, the flatness verdict (last size against first) and memory per contact."""
    measured = [i for i, s in enumerate(servers) if not s.control]
    first, last = measured[0], measured[-1]
    control = next((i for i, s in enumerate(servers) if s.control), None)
    print(f"\nstore: {store}; median ms per call over {repeat} calls, servers called in turn")
    extra = " control/first |" if control is not None else ""
    print(
        f"| {'call':36} | "
        + " | ".join(f"{s.label:>17}" for s in servers)
        + f" | last/first |{extra}"
    )
    print(
        f"|{'-' * 38}|"
        + "|".join("-" * 19 for _ in servers)
        + "|------------|"
        + ("---------------|" if control is not None else "")
    )
    worst = noise = 0.0
    for name, figures in table.items():
        ratio = figures[last] / figures[first]
        worst = max(worst, ratio)
        cells = " | ".join(f"{f:17.2f}" for f in figures)
        row = f"| {name:36} | {cells} | {ratio:10.2f} |"
        if control is not None:
            spread = figures[control] / figures[first]
            noise = max(noise, spread, 1 / spread)
            row += f" {spread:13.2f} |"
        print(row)
    verdict = "meets" if worst <= FLAT_GOAL else "misses"
    print(f"worst last/first ratio {worst:.2f} ({verdict} the 'within 20%' goal)")
    if control is not None:
        print(f"noise: the control (same size as the first) differs from it by up to {noise:.2f}x")
    small, big = servers[first], servers[last]
    if big.size > small.size:
        per = (big.rss - small.rss) / (big.size - small.size)
        verdict = "meets" if per < MEMORY_GOAL else "misses"
        print(
            f"resident memory: {per:,.0f} bytes per contact between {small.size:,} and "
            f"{big.size:,} contacts (servers filled alike; no traits; {verdict} the < "
            f"{MEMORY_GOAL} bytes goal)"
        )


def main(argv: list[str] | None = None) -> int:
    """Fill one server per size, time every call on all of them in turn, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=7, help="calls per figure (median)")
    parser.add_argument("--store", default="memory")
    parser.add_argument(
        "--no-control", action="store_true", help="no second server of the first size"
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    available = cores()
    server_cpu = available[0] if len(available) > 1 else None
    with ExitStack() as stack:
        servers = start_servers(stack, sizes, args.store, not args.no_control, server_cpu)
        table = measure_in_turn(servers, args.repeat)
    report(servers, table, args.store, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
