"""Reference client speed, side by side with Segment's own Node runtime on the same events.

Three figures, measured in one run on the same varied identify events:

* the preview pipeline (:meth:`reference_client.api.OrttoActions.preview_upsert`: map,
  clean, validate, build the items, ``JSON.stringify``) in batches of 500;
* Segment's runtime (``@segment/actions-core``) running the published destination's
  ``onBatch`` with the same default mapping, its request client stubbed (the body still goes
  through ``JSON.stringify``); installed from npm like ``tools/differential``;
* ``ortto-reference send`` of the events into a local ``mock-ortto serve`` (end to end, real
  HTTP), with the mock on another core; ``--repeat`` runs, each into a fresh mock, so that
  the best ``send`` is set against the best preview (one statistic on both sides).

The Python side and Node share one core (``--cpu``); the mock gets the other one. Goals: the
preview pipeline at least 1.5x the Node runtime; ``send`` at least 0.5x the preview rate.

Run: ``python -m benchmarks.preview_pipeline [--events 50000] [--repeat 3] [--no-node]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.events import identify_events
from benchmarks.processes import pin, running_mock
from reference_client.api import OrttoActions
from reference_client.definitions import ORTTO_ACTIONS

ROOT = Path(__file__).resolve().parents[1]
NODE_GOAL = 1.5
SEND_GOAL = 0.5


def preview_rate(client: OrttoActions, events: list[dict[str, object]]) -> float:
    """Events/s of one preview pipeline run."""
    gc.collect()
    started = time.perf_counter()
    preview = client.preview_upsert(events)
    elapsed = time.perf_counter() - started
    assert len(preview.outcomes) == len(events)
    return len(events) / elapsed


def node_harness(workdir: Path) -> Path | None:
    """The Node runtime with the published destination (from npm), or None when unusable."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("Node runtime: skipped (node and npm are needed)")
        return None
    from tools.differential.__main__ import prepare

    try:
        harness = prepare(workdir)
    except (subprocess.CalledProcessError, SystemExit) as exc:
        print(f"Node runtime: skipped (could not install it from npm: {exc})")
        return None
    shutil.copy(Path(__file__).with_name("node_onbatch.js"), harness / "node_onbatch.js")
    return harness


def node_rate(harness: Path, events_file: Path, mapping_file: Path) -> float:
    """Events/s of the Node runtime's ``onBatch`` (second run of a fresh process: JIT warm)."""
    done = subprocess.run(
        ["node", "node_onbatch.js", str(events_file), str(mapping_file), "500", "2"],
        cwd=harness,
        capture_output=True,
        text=True,
        check=True,
    )
    runs = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return float(runs[-1]["events"] / runs[-1]["seconds"])


def send_rate(events_file: Path, count: int, mock_cpu: int | None) -> float:
    """Events/s of ``ortto-reference send`` into a local mock (in-memory store)."""
    with running_mock(["--rate-limit", "off"], cpu=mock_cpu) as base_url:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable, "-m", "reference_client", "send", str(events_file),
                "--api-key", "pau-0a1b2c3d", "--endpoint", base_url, "--quiet",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        return count / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    """Measure and print the three rates and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--send-events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=1, help="core for Python and Node")
    parser.add_argument("--no-node", action="store_true")
    parser.add_argument("--no-send", action="store_true")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".differential")
    args = parser.parse_args(argv)
    allowed = os.sched_getaffinity(0)
    try:
        return _run(args, pin(args.cpu))
    finally:
        os.sched_setaffinity(0, allowed)  # the next benchmark in this process needs every core


def _run(args: argparse.Namespace, mock_cpu: int | None) -> int:
    events = identify_events(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        events_file = Path(tmp) / "events.json"
        events_file.write_text(json.dumps(events))
        mapping_file = Path(tmp) / "mapping.json"
        mapping = ORTTO_ACTIONS.action("upsertContactProfile").default_mapping()
        mapping_file.write_text(json.dumps(mapping))
        print(f"{args.events:,} identify events, batches of 500, pinned to core {args.cpu}")
        harness = None if args.no_node else node_harness(args.workdir.resolve())
        client = OrttoActions("pau-0a1b2c3d", endpoint="http://127.0.0.1:9")
        preview_rate(client, events[:2000])  # warm-up
        previews: list[float] = []
        nodes: list[float] = []
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            if harness is not None:
                nodes.append(node_rate(harness, events_file, mapping_file))
            previews.append(preview_rate(client, events))
        preview = max(previews)
        print(f"preview pipeline (Python) : {preview:9,.0f} events/s (best of {args.repeat})")
        if nodes:
            node = max(nodes)
            ratio = preview / node
            per_round = sorted(p / n for p, n in zip(previews, nodes, strict=True))
            verdict = "meets" if ratio >= NODE_GOAL else "misses"
            print(f"Node runtime onBatch      : {node:9,.0f} events/s (best of {args.repeat})")
            print(f"preview / Node            : {ratio:9.2f}x ({verdict} the {NODE_GOAL}x goal)")
            print(
                "  per round: "
                + ", ".join(f"{r:.2f}x" for r in per_round)
                + f" (median {statistics.median(per_round):.2f}x)"
            )
        if not args.no_send:
            send_file = Path(tmp) / "send.json"
            send_file.write_text(json.dumps(identify_events(args.send_events, seed=176)))
            # as many runs as the preview had, each into a fresh mock: best against best
            sends = [send_rate(send_file, args.send_events, mock_cpu) for _ in range(args.repeat)]
            sent = max(sends)
            ratio = sent / preview
            verdict = "meets" if ratio >= SEND_GOAL else "misses"
            print(
                f"send into local mock      : {sent:9,.0f} events/s (best of {args.repeat}, "
                f"{args.send_events:,} events)"
            )
            print("  per run: " + ", ".join(f"{r / preview:.2f}x" for r in sends))
            print(f"send / preview            : {ratio:9.2f}x ({verdict} the {SEND_GOAL}x goal)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
