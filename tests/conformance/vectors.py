"""The recorded vectors of the real destination, kept inside the repository.

``tests/data/vectors/*.json`` and ``tests/data/executed-vectors.json`` are copies of what was
recorded from Segment's published destination (see ``tests/data/README.md`` for where and how).
Nothing here reads outside the checkout: a fresh clone has everything its tests need.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reference_client.js import json as js_json

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "tests" / "data"
VECTORS_DIR = DATA_DIR / "vectors"
EXECUTED_VECTORS = DATA_DIR / "executed-vectors.json"
EXPECTED_VECTOR_COUNT = 22  # the recorded set; a lost or added file must be noticed


def vector_paths() -> list[Path]:
    """Every vector file, sorted; raises when the set is not the recorded one."""
    paths = sorted(VECTORS_DIR.glob("*.json"))
    if len(paths) != EXPECTED_VECTOR_COUNT:
        raise RuntimeError(
            f"expected {EXPECTED_VECTOR_COUNT} recorded vectors in {VECTORS_DIR}, "
            f"found {len(paths)}: the fixture set is incomplete"
        )
    return paths


def load(path: Path) -> dict[str, Any]:
    """A vector parsed with JavaScript semantics."""
    loaded: dict[str, Any] = js_json.loads(path.read_text(encoding="utf-8"))
    return loaded


def snapshot_inputs() -> list[dict[str, Any]]:
    """The repository snapshot tests recorded in ``executed-vectors.json`` (never empty)."""
    loaded = js_json.loads(EXECUTED_VECTORS.read_text(encoding="utf-8"))
    snapshots: list[dict[str, Any]] = loaded["snapshot_inputs"]
    if not snapshots:
        raise RuntimeError(f"no snapshot inputs in {EXECUTED_VECTORS}")
    return snapshots
