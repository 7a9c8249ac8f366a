"""Small Markdown builders shared by every generated page."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def cell(text: str) -> str:
    """Text safe inside a table cell: pipes escaped, line breaks turned into ``<br>``."""
    return text.replace("|", "\\|").replace("\n", "<br>")


def prose(text: str) -> str:
    """Plain text from the code, shown as written: ``<key>`` stays text, not an HTML tag."""
    return html.escape(text, quote=False)


def code(value: str) -> str:
    """Inline code that survives backticks inside the value."""
    fence = "``" if "`" in value else "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A pipe table; cells are escaped here."""
    lines = [
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def json_text(value: Any) -> str:
    """Pretty JSON with keys in their original order."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def fenced(body: str, language: str = "", title: str | None = None) -> str:
    """A fenced code block, optionally titled (Material shows the title above the block)."""
    fence = "````" if "```" in body else "```"
    attrs = f' title="{title}"' if title else ""
    return f"{fence}{language}{attrs}\n{body}\n{fence}"


def literal(value: Any) -> str:
    """A JSON value as inline code: ``true``, ``500``, ``"add"``."""
    return code(json.dumps(value, ensure_ascii=False))


def heading(level: int, text: str, anchor: str | None = None) -> str:
    """A heading with an optional explicit anchor id."""
    suffix = f" {{#{anchor}}}" if anchor else ""
    return f"{'#' * level} {text}{suffix}"


SNIPPETS = Path(__file__).parent / "snippets"
"""Hand-written prose that sits next to the generators (facts that are not in the code)."""


def snippet(name: str) -> str:
    """The hand-written Markdown snippet ``snippets/<name>.md``."""
    return (SNIPPETS / f"{name}.md").read_text(encoding="utf-8").strip()
