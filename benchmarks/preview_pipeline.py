"""Events per second through the full preview pipeline (map, validate, clean, serialise).

Runs the default Upsert Contact mapping over 100k varied identify events with
:class:`reference_client.api.OrttoActions` and a preview transport: the real code path of
``preview``, in batches of 500, on one core. Prints the figure; the goal is 20,000 events/s.
"""

from __future__ import annotations

import argparse
import gc
import time

from benchmarks.events import identify_events
from reference_client.api import OrttoActions

GOAL = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    events = identify_events(args.events)
    client = OrttoActions("pau-0a1b2c3d", endpoint="http://127.0.0.1:9")
    best = 0.0
    for attempt in range(args.repeat):
        gc.collect()
        started = time.perf_counter()
        preview = client.preview_upsert(events)
        elapsed = time.perf_counter() - started
        assert len(preview.outcomes) == len(events)
        sent = sum(len(r.body or b"") for r in preview.requests)
        rate = len(events) / elapsed
        best = max(best, rate)
        print(
            f"run {attempt + 1}: {len(events)} events in {elapsed:.2f} s = {rate:,.0f} events/s "
            f"({len(preview.requests)} requests, {sent / 1e6:.1f} MB of JSON)"
        )
    verdict = "meets" if best >= GOAL else "misses"
    print(f"preview pipeline: best {best:,.0f} events/s ({verdict} the {GOAL:,} events/s goal)")


if __name__ == "__main__":
    main()
