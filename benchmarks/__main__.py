"""``python -m benchmarks``: every benchmark in one run (what ``nox -s bench`` runs).

``--quick`` shortens every measurement (for trying things, not for figures);
``--soak-minutes`` sets the soak's length (5 by default).
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys

from benchmarks import mock_scale, mock_soak, mock_throughput, mock_warm, preview_pipeline


def machine() -> str:
    """Cores, CPU model and Python version, for the record."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or "?"
    return f"{cores} cores, {model}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    """Run the five benchmarks one after the other."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--soak-minutes", type=float, default=5.0)
    args = parser.parse_args(argv)
    print(f"machine: {machine()}\n")
    quick = args.quick
    print("== reference client vs Segment's Node runtime ==", flush=True)
    preview_pipeline.main(
        ["--events", "10000", "--send-events", "10000", "--repeat", "2"] if quick else []
    )
    print("\n== mock throughput ==", flush=True)
    mock_throughput.main(["--seconds", "3", "--warmup", "1"] if quick else [])
    print("\n== store size ==", flush=True)
    mock_scale.main(["--sizes", "1000,20000", "--repeat", "3"] if quick else [])
    print("\n== warmed mock ==", flush=True)
    mock_warm.main(["--rounds", "1", "--repeat", "1", "--traffic", "0.2"] if quick else [])
    print("\n== soak ==", flush=True)
    mock_soak.main(
        ["--minutes", str(0.5 if quick else args.soak_minutes), "--window", "10" if quick else "30"]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
