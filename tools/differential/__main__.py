"""``python -m tools.differential [--calls N] [--seed S]``: compare the two implementations."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from reference_client.js import json as js_json
from reference_client.runner import run_call
from reference_client.transport.transports import HttpxTransport
from tests.conformance.recorder import Recorder, recording_server
from tools.differential.generate import CallGenerator

HERE = Path(__file__).resolve().parent
PACKAGE = "@segment/action-destinations@3.497.0"


def prepare(workdir: Path) -> Path:
    """Fetch the published destination code and its pinned runtime into ``workdir``."""
    harness = workdir / "harness"
    if (harness / "node_modules" / "@segment" / "actions-core").exists():
        return harness
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise SystemExit("node and npm are needed for the differential test")
    harness.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, stdout=subprocess.DEVNULL
    )
    tarball = next(workdir.glob("segment-action-destinations-*.tgz"))
    subprocess.run(["tar", "xzf", tarball.name], cwd=workdir, check=True)
    for name in ("ortto", "ortto-audiences"):
        source = workdir / "package" / "dist" / "destinations" / name
        shutil.copytree(source, harness / name, dirs_exist_ok=True)
    shutil.copy(HERE / "package.json", harness / "package.json")
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=harness, check=True
    )
    return harness


def normalise(value: Any) -> Any:
    """Drop what only JavaScript shows (constructor names)."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k != "constructor"}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def seen(recorder: Recorder) -> list[tuple[str, str, str | None, bytes]]:
    """What reached the recorder, to the byte."""
    return [(r.method, r.path, r.headers.get("authorization"), r.body) for r in recorder.requests]


def known_difference(
    real: list[tuple[str, str, str | None, bytes]], ours: list[tuple[str, str, str | None, bytes]]
) -> bool:
    """The one documented difference: with an empty API key the real destination sends
    ``Authorization: Bearer `` (trailing space, not a valid HTTP field value), which httpx
    refuses to send; the reference client sends ``Bearer``."""

    def trimmed(requests: list[tuple[str, str, str | None, bytes]]) -> list[Any]:
        return [(m, p, (a or "").rstrip(), b) for m, p, a, b in requests]

    return real != ours and trimmed(real) == trimmed(ours)


def main() -> int:
    """Run ``--calls`` random calls through both implementations; exit 1 on any difference."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(".differential"))
    args = parser.parse_args()
    harness = prepare(args.workdir.resolve())
    shutil.copy(HERE / "harness.js", harness / "harness.js")
    node = subprocess.Popen(
        ["node", "harness.js"], cwd=harness, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert node.stdin is not None and node.stdout is not None
    generator = CallGenerator(args.seed)
    transport = HttpxTransport()
    differences = compared = known = 0
    for number in range(args.calls):
        call, answers = generator.call()
        text = js_json.dumps(call)  # both sides read the same JavaScript-shaped JSON
        with recording_server(answers) as recorder:
            line = json.dumps({"endpoint": recorder.base_url, "call": json.loads(text)})
            node.stdin.write(line + "\n")
            node.stdin.flush()
            real = normalise(json.loads(node.stdout.readline()))
            real_requests = seen(recorder)
        with recording_server(answers) as recorder:
            env = {"ORTTO_LOCAL_ENDPOINT": recorder.base_url}
            document = run_call(js_json.loads(text), env, transport, raw=True)
            ours = normalise(json.loads(js_json.dumps(document["runtime"])))
            our_requests = seen(recorder)
        compared += len(real_requests)
        if real == ours and known_difference(real_requests, our_requests):
            known += 1
            continue
        if real != ours or real_requests != our_requests:
            differences += 1
            print(f"--- difference in call {number} (seed {args.seed})")
            print("call:     ", text)
            print("answers:  ", json.dumps(answers))
            print("real:     ", json.dumps(real))
            print("reference:", json.dumps(ours))
            if real_requests != our_requests:
                print("real requests:     ", real_requests)
                print("reference requests:", our_requests)
    node.stdin.close()
    node.wait(timeout=30)
    print(
        f"differential: {args.calls} calls, {compared} requests compared byte for byte, "
        f"{differences} differences ({known} with the documented empty-key header difference)"
    )
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
