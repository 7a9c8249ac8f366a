"""Processes for benchmarks: core pinning, free ports, and servers started and stopped by id."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cores() -> list[int]:
    """The cores this process may run on."""
    return sorted(os.sched_getaffinity(0))


def pin(cpu: int) -> int | None:
    """Pin this process (and its future children) to ``cpu``; return another core, if any."""
    available = cores()
    if cpu not in available:
        cpu = available[-1]
    os.sched_setaffinity(0, {cpu})
    others = [c for c in available if c != cpu]
    return others[0] if others else None


def pinned(command: Sequence[str], cpu: int | None) -> list[str]:
    """``command`` prefixed with ``taskset -c cpu`` (unchanged without a core or taskset)."""
    if cpu is None or not Path("/usr/bin/taskset").exists():
        return list(command)
    return ["/usr/bin/taskset", "-c", str(cpu), *command]


def free_port() -> int:
    """A loopback port that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Return once ``port`` accepts connections; fail if ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


@contextmanager
def running(
    command: Sequence[str], port: int, cpu: int | None
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command`` (listening on ``port``) pinned to ``cpu``; stop it by its id after."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        pinned(command, cpu),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so the whole group (gunicorn workers, npx) can be stopped
    )
    try:
        wait_for_port(port, proc)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the process group started for ``proc`` (only that group)."""
    if proc.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(timeout=5)


def mock_command(options: Sequence[str], port: int) -> list[str]:
    """``mock-ortto serve`` as its console script runs it."""
    return [sys.executable, "-m", "mock_ortto", "serve", "--port", str(port), *options]


@contextmanager
def running_mock(options: Sequence[str], cpu: int | None) -> Iterator[str]:
    """A ``mock-ortto serve`` with ``options``; yields its base URL."""
    port = free_port()
    with running(mock_command(options, port), port, cpu):
        yield f"http://127.0.0.1:{port}"
