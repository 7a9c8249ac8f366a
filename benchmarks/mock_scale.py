"""Does a bigger store slow the mock down? Time per call with 1k, 100k and 1M contacts stored.

One ``mock-ortto serve`` (in-memory store by default, rate limits off) on one core, this
process on the other. The store is filled with 500-item ``/v1/identify`` batches (a user id and
an anonymous id each, no traits); at each size the script times 500-item batches of the
``/v1`` endpoints (new contacts, updates of stored ones, activities, audience members) and
the ``/_mock`` inspection endpoints (first and last page of contacts, a look-up by user id,
account counts, activities, memberships), and reads the server's resident memory.

Goal: every time within 20% of the 1k figure; memory under 1 KiB per stored contact.
Run: ``python -m benchmarks.mock_scale [--sizes 1000,100000,1000000] [--store sqlite:PATH]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
from collections.abc import Callable
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


def timed(fn: Callable[[int], object], repeat: int) -> float:
    """Median milliseconds of ``fn(n)`` over ``repeat`` calls."""
    fn(repeat)  # warm-up
    times = []
    for n in range(repeat):
        started = time.perf_counter()
        fn(n)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def operations(client: Client, size: int, tag: str) -> dict[str, Callable[[int], object]]:
    """What is timed at each size; ``tag`` keeps new contacts unique across sizes."""

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


def main(argv: list[str] | None = None) -> int:
    """Fill the store size by size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=7, help="calls per figure (median)")
    parser.add_argument("--store", default="memory")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    available = cores()
    server_cpu = available[0] if len(available) > 1 else None
    port = free_port()
    command = mock_command(["--rate-limit", "off", "--store", args.store], port)
    table: dict[str, list[float]] = {}
    memory: list[tuple[int, int]] = []
    with running(command, port, server_cpu) as proc:
        client = Client(port)
        client.call("POST", "/v1/audiences/create", {"name": "bench"})
        baseline = rss_bytes(proc.pid)
        stored = 0
        for size in sizes:
            started = time.perf_counter()
            seed(client, stored, size)
            stored = size
            filled = rss_bytes(proc.pid)
            memory.append((size, filled))
            print(
                f"{size:>9,} contacts stored (filled in {time.perf_counter() - started:.0f} s), "
                f"server RSS {filled / 2**20:,.0f} MiB",
                flush=True,
            )
            for name, fn in operations(client, size, str(size)).items():
                table.setdefault(name, []).append(timed(fn, args.repeat))
    print(f"\nstore: {args.store}; median ms per call over {args.repeat} calls")
    header = " | ".join(f"{s:>9,}" for s in sizes)
    print(f"| {'call':36} | {header} | last/first |")
    print(f"|{'-' * 38}|" + "|".join("-" * 11 for _ in sizes) + "|------------|")
    worst = 0.0
    for name, figures in table.items():
        ratio = figures[-1] / figures[0]
        worst = max(worst, ratio)
        cells = " | ".join(f"{f:9.1f}" for f in figures)
        print(f"| {name:36} | {cells} | {ratio:10.2f} |")
    verdict = "meets" if worst <= FLAT_GOAL else "misses"
    print(f"worst last/first ratio {worst:.2f} ({verdict} the 'within 20%' goal)")
    (first_size, first_rss), (last_size, last_rss) = memory[0], memory[-1]
    if last_size > first_size:
        per = (last_rss - first_rss) / (last_size - first_size)
        verdict = "meets" if per < MEMORY_GOAL else "misses"
        print(
            f"resident memory: {per:,.0f} bytes per contact between {first_size:,} and "
            f"{last_size:,} contacts (no traits; {verdict} the < {MEMORY_GOAL} bytes goal); "
            f"baseline {baseline / 2**20:,.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
