"""Loading the recorded vectors of the real destination (``../shared/vectors``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from reference_client.js import json as js_json

REPO = Path(__file__).resolve().parents[2]
VECTORS_DIR = Path(os.environ.get("ORTTO_VECTORS_DIR", REPO.parent / "shared" / "vectors"))


def vector_paths() -> list[Path]:
    """Every vector file; fails loudly when the directory is missing."""
    paths = sorted(VECTORS_DIR.glob("*.json"))
    if not paths:
        raise FileNotFoundError(
            f"no vectors found in {VECTORS_DIR}; set ORTTO_VECTORS_DIR to the vectors folder"
        )
    return paths


def load(path: Path) -> dict[str, Any]:
    """A vector parsed with JavaScript semantics."""
    loaded: dict[str, Any] = js_json.loads(path.read_text(encoding="utf-8"))
    return loaded
