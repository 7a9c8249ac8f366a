"""Soak: the mock under 80% of its measured maximum for minutes; memory and p99 must stay flat.

The mock (``mock-ortto serve``, in-memory store, rate limits off) runs on one core. Its
maximum is measured first with ``wrk`` (100-item ``/v1/identify`` bodies from the reference
client), then this process, on the other core, sends the same bodies at 80% of that rate on
a fixed schedule (latency counts from the scheduled instant, so a stall is not hidden) and
prints, per window, the rate achieved, p50/p99 latency and the server's resident memory.

Run: ``python -m benchmarks.mock_soak [--minutes 5] [--window 30] [--load 0.8]``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.mock_scale import rss_bytes
from benchmarks.mock_throughput import KEY, prepare_mock, run_wrk, workloads
from benchmarks.processes import cores, free_port, mock_command, pin, running

FLAT_GOAL = 1.2


def paced(
    port: int, bodies: list[bytes], rate: float, until: float, out: list[tuple[float, float]]
) -> None:
    """Send ``bodies`` in turn at ``rate`` per second until ``until``; record (when, latency)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    interval = 1.0 / rate
    scheduled = time.perf_counter()
    n = 0
    while scheduled < until:
        now = time.perf_counter()
        if now < scheduled:
            time.sleep(scheduled - now)
        conn.request("POST", "/v1/identify", body=bodies[n % len(bodies)], headers=headers)
        answer = conn.getresponse()
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"soak request answered {answer.status}")
        done = time.perf_counter()
        out.append((done, done - scheduled))
        n += 1
        scheduled += interval
    conn.close()


def main(argv: list[str] | None = None) -> int:
    """Measure the maximum, soak at ``--load`` of it, print windows and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0, help="soak duration")
    parser.add_argument("--window", type=float, default=30.0, help="seconds per printed row")
    parser.add_argument("--load", type=float, default=0.8, help="fraction of the maximum")
    parser.add_argument("--senders", type=int, default=2, help="paced connections")
    args = parser.parse_args(argv)
    available = cores()
    server_cpu = available[0] if len(available) > 1 else None
    load_cpu = available[1] if len(available) > 1 else None
    work = workloads(["identify100"])[0]
    port = free_port()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running(mock_command(["--rate-limit", "off"], port), port, server_cpu) as proc,
    ):
        prepare_mock(port)
        run_wrk(port, work, 2, 4, load_cpu, Path(tmp))  # warm-up
        maximum = run_wrk(port, work, 5, 4, load_cpu, Path(tmp)).requests_per_s
        allowed = os.sched_getaffinity(0)
        if load_cpu is not None:
            pin(load_cpu)
        rate = maximum * args.load
        print(
            f"maximum {maximum:.1f} req/s (wrk, 5 s); soaking at {rate:.1f} req/s "
            f"({args.load:.0%}) for {args.minutes:g} min with {args.senders} paced connections"
        )
        started = time.perf_counter()
        until = started + args.minutes * 60
        records: list[tuple[float, float]] = []
        senders = [
            threading.Thread(
                target=paced,
                args=(port, work.bodies[i:] + work.bodies[:i], rate / args.senders, until, records),
            )
            for i in range(args.senders)
        ]
        for sender in senders:
            sender.start()
        rows: list[tuple[float, float, float, int]] = []
        print("| window end s |   req/s |  p50 ms |  p99 ms | RSS MiB |")
        print("|--------------|---------|---------|---------|---------|")
        edge = started + args.window
        seen = 0
        while edge <= until + 1e-6:
            time.sleep(max(0.0, edge - time.perf_counter()))
            window = [lat for when, lat in records[seen:] if when <= edge]
            seen += len(window)
            rss = rss_bytes(proc.pid)
            if window:
                cuts = statistics.quantiles(window, n=100)
                rows.append((len(window) / args.window, cuts[49] * 1000, cuts[98] * 1000, rss))
                print(
                    f"| {edge - started:12.0f} | {rows[-1][0]:7.1f} | {rows[-1][1]:7.2f} "
                    f"| {rows[-1][2]:7.2f} | {rss / 2**20:7.1f} |",
                    flush=True,
                )
            edge += args.window
        for sender in senders:
            sender.join()
        os.sched_setaffinity(0, allowed)
    if len(rows) >= 2:
        p99 = rows[-1][2] / rows[0][2]
        memory = rows[-1][3] / rows[0][3]
        verdict = "flat" if p99 <= FLAT_GOAL and memory <= FLAT_GOAL else "not flat"
        print(
            f"last/first window: p99 {p99:.2f}x, memory {memory:.2f}x ({verdict}; "
            f"goal within {FLAT_GOAL - 1:.0%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
