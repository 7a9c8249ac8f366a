"""The soak's verdict and its reading of the scheduler (``benchmarks/mock_soak.py``)."""

from __future__ import annotations

import os
import time

import pytest

from benchmarks.mock_soak import (
    FLAT_GOAL,
    Window,
    core_busy_seconds,
    cpu_seconds,
    thirds_ratio,
    verdict,
)


def rows(
    p99s: list[float], cpu: list[float] | None = None, rss: list[int] | None = None
) -> list[Window]:
    """Windows with the given p99 (and CPU per request, resident memory) figures."""
    cpu = cpu or [1.0] * len(p99s)
    rss = rss or [50 << 20] * len(p99s)
    return [
        Window(rate=100.0, p50_ms=1.0, p99_ms=p, cpu_ms_per_request=c, others_pct=0.0, rss=m)
        for p, c, m in zip(p99s, cpu, rss, strict=True)
    ]


def test_one_spike_does_not_decide_alone() -> None:
    spiky = rows([8, 228, 9, 8, 9, 212, 8, 9, 90, 9])
    memory, p99, cpu, flat = verdict(spiky)
    assert (memory, cpu) == (1.0, 1.0)
    assert p99 == pytest.approx(9 / 9)
    assert flat


def test_a_growing_p99_is_not_flat() -> None:
    growing = rows([5, 6, 5, 7, 8, 9, 10, 12, 14, 16])
    _memory, p99, _cpu, flat = verdict(growing)
    assert p99 == pytest.approx(14 / 5)
    assert not flat


def test_growing_cpu_per_request_or_memory_is_not_flat() -> None:
    steady = [5.0] * 9
    assert not verdict(rows(steady, cpu=[1, 1, 1, 1, 1, 1, 1.3, 1.3, 1.3]))[3]
    assert not verdict(rows(steady, rss=[100] * 8 + [int(FLAT_GOAL * 100) + 1]))[3]
    assert verdict(rows(steady, rss=[100] * 8 + [int(FLAT_GOAL * 100)]))[3]


def test_thirds_of_short_runs_are_single_windows() -> None:
    assert thirds_ratio([2.0, 3.0]) == 1.5
    assert thirds_ratio([4.0, 100.0, 2.0, 2.0]) == 0.5


def test_cpu_time_counts_this_process_running_on_its_core() -> None:
    allowed = os.sched_getaffinity(0)
    core = min(allowed)
    os.sched_setaffinity(0, {core})
    try:
        before = (cpu_seconds(os.getpid()), core_busy_seconds(core))
        deadline = time.process_time() + 0.2
        while time.process_time() < deadline:
            pass
        after = (cpu_seconds(os.getpid()), core_busy_seconds(core))
    finally:
        os.sched_setaffinity(0, allowed)
    assert after[0] - before[0] >= 0.19
    # /proc/stat counts in clock ticks: the core was busy at least as long, give or take one.
    assert after[1] - before[1] >= 0.19 - 2 / os.sysconf("SC_CLK_TCK")
