"""Soak: the mock under 80% of its measured maximum for minutes; memory and p99 must stay flat.

The mock (``mock-ortto serve``, in-memory store, rate limits off) runs on one core. Its
maximum is the lower of two medians of three 5 s runs (100-item ``/v1/identify`` bodies from
the reference client): ``wrk``'s, and that of the soak's own senders sending back to back
(fewer requests in flight cost the server more per request than wrk's four connections, so
80% of wrk's figure alone can be all this load shape gets); then this process, on the other
core, sends the same bodies at 80% of that rate on a fixed schedule (latency counts from the
scheduled instant, so a stall is not hidden) and prints, per window, the rate achieved,
p50/p99 latency, the server's CPU time per request, how much of the server's core other
processes took (the machine, not the mock: a shared machine's load is not pinned) and its
resident memory.

Verdict: memory in the last window against the first; p99 and CPU per request as the median
of the last third of the windows against the median of the first third, so a trend shows and
one window's spike does not decide alone.

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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.mock_scale import rss_bytes
from benchmarks.mock_throughput import KEY, prepare_mock, run_wrk, workloads
from benchmarks.processes import cores, free_port, mock_command, pin, running

FLAT_GOAL = 1.2
MAXIMUM_RUNS = 3


def cpu_seconds(pid: int) -> float:
    """CPU time of all of ``pid``'s threads, from ``/proc/PID/task/*/schedstat`` (ns).

    A thread that ends between the listing and the read is skipped.
    """
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
    return total / 1e9


def core_busy_seconds(cpu: int) -> float:
    """Time core ``cpu`` spent on anything but idling since boot, from ``/proc/stat``."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{cpu} "):
            ticks = [int(v) for v in line.split()[1:]]
            idle = ticks[3] + ticks[4]  # idle and iowait
            return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    raise ValueError(f"no cpu{cpu} line in /proc/stat")


def thirds_ratio(values: Sequence[float]) -> float:
    """Median of the last third of ``values`` over the median of the first third."""
    third = max(1, len(values) // 3)
    return statistics.median(values[-third:]) / statistics.median(values[:third])


@dataclass(frozen=True)
class Window:
    """One printed row of the soak."""

    rate: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float
    others_pct: float
    rss: int


def verdict(rows: Sequence[Window]) -> tuple[float, float, float, bool]:
    """(memory last/first, p99 thirds ratio, CPU per request thirds ratio, flat or not)."""
    memory = rows[-1].rss / rows[0].rss
    p99 = thirds_ratio([r.p99_ms for r in rows])
    cpu = thirds_ratio([r.cpu_ms_per_request for r in rows])
    return memory, p99, cpu, max(memory, p99, cpu) <= FLAT_GOAL


def paced(
    port: int, bodies: list[bytes], rate: float, until: float, out: list[tuple[float, float]]
) -> None:
    """Send ``bodies`` in turn at ``rate`` per second until ``until``; record (when, latency)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    interval = 1.0 / rate
    scheduled = time.perf_counter()
    n = 0
    while scheduled < until and time.perf_counter() < until:
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


def closed_loop_rate(port: int, bodies: list[bytes], connections: int, seconds: float) -> float:
    """Requests/s of ``connections`` of :func:`paced`'s kind sending back to back: the most
    this load shape gets, which may be less than wrk's (fewer connections in flight, every
    request a full hand-off between the server's threads)."""
    records: list[tuple[float, float]] = []
    until = time.perf_counter() + seconds
    senders = [
        threading.Thread(target=paced, args=(port, bodies, 1e9, until, records))
        for _ in range(connections)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    return len(records) / seconds


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
        by_wrk = statistics.median(
            run_wrk(port, work, 5, 4, load_cpu, Path(tmp)).requests_per_s
            for _ in range(MAXIMUM_RUNS)
        )
        allowed = os.sched_getaffinity(0)
        if load_cpu is not None:
            pin(load_cpu)
        by_senders = statistics.median(
            closed_loop_rate(port, work.bodies, args.senders, 5.0) for _ in range(MAXIMUM_RUNS)
        )
        maximum = min(by_wrk, by_senders)
        rate = maximum * args.load
        print(
            f"maximum {maximum:.1f} req/s (medians of {MAXIMUM_RUNS} runs of 5 s: wrk "
            f"{by_wrk:.1f}, the paced senders back to back {by_senders:.1f}); "
            f"soaking at {rate:.1f} req/s ({args.load:.0%}) for {args.minutes:g} min "
            f"with {args.senders} paced connections"
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
        rows: list[Window] = []
        print("| window end s |   req/s |  p50 ms |  p99 ms | CPU ms/req | others % | RSS MiB |")
        print("|--------------|---------|---------|---------|------------|----------|---------|")
        edge = started + args.window
        seen = 0
        core = server_cpu if server_cpu is not None else 0
        before = (cpu_seconds(proc.pid), core_busy_seconds(core))
        while edge <= until + 1e-6:
            time.sleep(max(0.0, edge - time.perf_counter()))
            window = [lat for when, lat in records[seen:] if when <= edge]
            seen += len(window)
            rss = rss_bytes(proc.pid)
            after = (cpu_seconds(proc.pid), core_busy_seconds(core))
            if window:
                cuts = statistics.quantiles(window, n=100)
                row = Window(
                    rate=len(window) / args.window,
                    p50_ms=cuts[49] * 1000,
                    p99_ms=cuts[98] * 1000,
                    cpu_ms_per_request=(after[0] - before[0]) * 1000 / len(window),
                    others_pct=max(0.0, (after[1] - before[1]) - (after[0] - before[0]))
                    / args.window
                    * 100,
                    rss=rss,
                )
                rows.append(row)
                print(
                    f"| {edge - started:12.0f} | {row.rate:7.1f} | {row.p50_ms:7.2f} "
                    f"| {row.p99_ms:7.2f} | {row.cpu_ms_per_request:10.3f} "
                    f"| {row.others_pct:8.1f} | {rss / 2**20:7.1f} |",
                    flush=True,
                )
            before = after
            edge += args.window
        for sender in senders:
            sender.join()
        os.sched_setaffinity(0, allowed)
    if len(rows) >= 2:
        memory, p99, cpu, flat = verdict(rows)
        print(
            f"memory last/first {memory:.2f}x; last third / first third (medians): "
            f"p99 {p99:.2f}x, CPU per request {cpu:.2f}x ({'flat' if flat else 'not flat'}; "
            f"goal within {FLAT_GOAL - 1:.0%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
