"""Contract run: ``st run`` against a live mock server (subprocess on a free port).

Usage: ``python -m tests.contract.run_schemathesis [--max-examples N] [--max-time S]
[--min-cases N]``.

Phase 1 runs examples, coverage and fuzzing; state is reset; phase 2 runs the stateful
phase (links such as audiences/create -> audiences/get). The ``st`` CLI has no hook at the
start of a stateful scenario, so state is reset between the two runs; ``PATCH /_mock/config``
is left out of the live run because settings such as ``max_body_bytes=1`` would change the
answers of every later request (the in-process pytest run covers it with a reset per case).
Exits non-zero on any failure and prints a summary.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
KEY = "pau-0a1b2c3d4e5f6a7b"


def _start_server() -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mock_ortto",
            "serve",
            "--port",
            "0",
            "--rate-limit",
            "off",
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("ORTTO_LOCAL_ENDPOINT="):
        proc.kill()
        raise SystemExit(f"mock server did not start: {line!r}")
    base = line.split("=", 1)[1]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/_mock/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("mock server did not answer")


def _st() -> list[str]:
    found = shutil.which("st") or str(Path(sys.executable).with_name("st"))
    return [found]


def _run(base: str, phases: str, max_examples: int, max_time: int, workers: int) -> tuple[int, str]:
    cmd = [
        *_st(),
        "run",
        f"{base}/openapi.json",
        "--phases",
        phases,
        "-H",
        f"Authorization: Bearer {KEY}",
        "--max-examples",
        str(max_examples),
        "--max-time",
        str(max_time),
        "--workers",
        str(workers),
        "--exclude-operation-id",
        "patchConfig",
        "--seed",
        "20240501",
        "--no-color",
        "--warnings",
        "off",
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT), SCHEMATHESIS_HOOKS="tests.contract.hooks")
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    took = time.monotonic() - started
    print(f"--- st run --phases {phases} ({took:.1f}s, exit {result.returncode})")
    return result.returncode, output


@dataclass
class Summary:
    """What one ``st run`` reported."""

    phases: list[str] = field(default_factory=list)
    operations: str = ""
    cases: str = ""
    result: str = ""
    generated: int = 0

    def text(self) -> str:
        """Four labelled lines (no empty headings)."""
        return "\n".join(
            f"  {label}: {value}"
            for label, value in (
                ("phases", " | ".join(self.phases)),
                ("operations", self.operations),
                ("cases", self.cases),
                ("result", self.result),
            )
            if value
        )


_PHASE = re.compile(r"^\s*\S+\s+(Examples|Coverage|Fuzzing|Stateful) \(in [^)]*\)\s*$")
_BANNER = re.compile(r"^=+ (.*?) =+$")


def summarize(output: str) -> Summary:
    """Pick the figures out of ``st run`` output (phase results, operations, cases, verdict)."""
    summary = Summary()
    lines = [ln.rstrip() for ln in output.splitlines()]
    operations: list[str] = []
    for index, line in enumerate(lines):
        phase = _PHASE.match(line)
        if phase:
            result = next((ln.strip() for ln in lines[index + 1 :] if ln.strip()), "")
            words = re.sub(r"[^\w\s,/]", "", result).split()
            summary.phases.append(f"{phase.group(1)} {' '.join(words)}")
        elif line.strip().startswith(("Selected:", "Tested:")):
            operations.append(line.strip().lower().replace(":", ""))
        elif re.match(r"^\s*\d+ generated", line):
            summary.cases = line.strip()
            summary.generated = int(line.split()[0])
        banner = _BANNER.match(line)
        if banner and banner.group(1) != "SUMMARY":
            summary.result = banner.group(1)
    summary.operations = ", ".join(operations)
    return summary


def main(argv: list[str] | None = None) -> int:
    """Start the server, run both passes, print a summary; 0 only if everything passed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=15)
    parser.add_argument("--max-time", type=int, default=55, help="seconds per pass")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--min-cases", type=int, default=0, help="fail unless at least this many cases ran"
    )
    args = parser.parse_args(argv)
    proc, base = _start_server()
    failures = 0
    generated = 0
    try:
        for phases in ("examples,coverage,fuzzing", "stateful"):
            httpx.post(base + "/_mock/reset", json={})
            code, output = _run(base, phases, args.max_examples, args.max_time, args.workers)
            summary = summarize(output)
            print(summary.text())
            generated += summary.generated
            if code != 0:
                failures += 1
                print(output[-6000:])
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    print(f"CASES: {generated} generated in both passes")
    if generated < args.min_cases:
        failures += 1
        print(f"fewer cases than --min-cases {args.min_cases}")
    print("CONTRACT:", "OK" if failures == 0 else f"{failures} pass(es) failed")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
