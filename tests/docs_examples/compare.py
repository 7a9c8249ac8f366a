"""Comparing what a block printed with what the page shows, and saying how they differ."""

from __future__ import annotations

import difflib
import json
from typing import Any

ELLIPSIS = "..."
"""A line holding only ``...`` (indented or not) in the shown output matches any lines."""

SHOWN_ENDPOINT = "127.0.0.1:8089"
"""The mock's address as every page shows it; the runner's mock listens elsewhere."""


def to_page(text: str, real: str) -> str:
    """Actual output as the page would show it (the runner's address replaced)."""
    return text.replace(real, SHOWN_ENDPOINT)


def to_runner(text: str, real: str) -> str:
    """Code as the runner executes it (the shown address replaced by the real one)."""
    return text.replace(SHOWN_ENDPOINT, real)


def _normal(text: str) -> list[str]:
    return [line.rstrip() for line in text.rstrip("\n").splitlines()]


def matches(expected: str, actual: str) -> bool:
    """Line by line, trailing blanks ignored; an ``...`` line matches zero or more lines."""
    want, got = _normal(expected), _normal(actual)

    def match(i: int, j: int) -> bool:
        while i < len(want):
            if want[i].strip() == ELLIPSIS:
                return any(match(i + 1, k) for k in range(j, len(got) + 1))
            if j >= len(got) or want[i] != got[j]:
                return False
            i, j = i + 1, j + 1
        return j == len(got)

    return match(0, 0)


def diff(expected: str, actual: str, where: str) -> str:
    """A unified diff from what the page shows to what the block printed."""
    lines = difflib.unified_diff(
        _normal(expected),
        _normal(actual),
        fromfile=f"{where} (shown on the page)",
        tofile=f"{where} (printed when run)",
        lineterm="",
    )
    return "\n".join(lines)


def pretty_json(text: str) -> str | None:
    """``text`` re-indented the way pages show JSON, or ``None`` if it is not JSON."""
    try:
        value: Any = json.loads(text)
    except ValueError:
        return None
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
