"""Fenced code blocks of a Markdown page, with the decision the page took for each.

A block's decision comes from its language, or from a marker: an HTML comment on the nearest
non-blank line above the fence, visible in the source but not rendered on the site.

```text
<!-- docs-example: skip: starts a server that runs until interrupted -->
<!-- docs-example: file events.jsonl -->
<!-- docs-example: pytest -->
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

RUN_LANGUAGES = {
    "python": "python",
    "py": "python",
    "console": "console",
    "bash": "shell",
    "sh": "shell",
    "shell": "shell",
    "http": "http",
}
"""Languages that run by default, and the runner each one uses."""

OUTPUT_LANGUAGE = "output"
DIAGRAM_LANGUAGES = frozenset({"mermaid"})
MARKER = re.compile(r"^\s*<!--\s*docs-example:\s*(?P<body>.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


class PageError(Exception):
    """The page breaks the convention (a block without language or decision, a stray marker)."""


@dataclass
class Block:
    """One fenced block: where it is, what it holds and what the page decided for it."""

    path: Path
    line: int  # 1-based line of the opening fence
    language: str
    info: str
    text: str
    indent: str
    body_start: int  # 0-based index of the first content line
    body_end: int  # 0-based index of the closing fence
    marker: str | None = None
    output: Block | None = field(default=None, repr=False)

    @property
    def kind(self) -> str:
        """``python``/``console``/``shell``/``http``/``response``/``output``/``diagram``,
        ``file``/``pytest``/``skip`` (from a marker) or ``undecided``."""
        if self.marker is not None:
            return self.marker.split(None, 1)[0].rstrip(":")
        if self.language == OUTPUT_LANGUAGE:
            return "output"
        if self.language in DIAGRAM_LANGUAGES:
            return "diagram"
        if self.language == "http" and self.text.startswith("HTTP/"):
            return "response"
        return RUN_LANGUAGES.get(self.language, "undecided")

    @property
    def argument(self) -> str:
        """What follows the marker's verb: the skip reason or the file name."""
        if self.marker is None:
            return ""
        parts = self.marker.split(None, 1)
        return parts[1].strip() if len(parts) > 1 else ""

    @property
    def where(self) -> str:
        """``path:line`` for messages."""
        return f"{self.path}:{self.line}"


def _strip_indent(line: str, indent: str) -> str:
    return line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t")


def parse_page(path: Path, text: str | None = None) -> list[Block]:
    """Every fenced block of the page, in order, each output block attached to its runnable."""
    lines = (text if text is not None else path.read_text(encoding="utf-8")).splitlines()
    blocks: list[Block] = []
    pending_marker: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        marker = MARKER.match(line)
        if marker:
            if pending_marker is not None:
                raise PageError(f"{path}:{index + 1}: two docs-example markers in a row")
            pending_marker = marker.group("body")
            index += 1
            continue
        opening = FENCE.match(line)
        if not opening:
            if line.strip() and pending_marker is not None:
                raise PageError(f"{path}:{index + 1}: a docs-example marker must precede a fence")
            index += 1
            continue
        indent, fence, info = opening.group("indent", "fence", "info")
        end = index + 1
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        if end == len(lines):
            raise PageError(f"{path}:{index + 1}: code fence is never closed")
        body = [_strip_indent(raw, indent) for raw in lines[index + 1 : end]]
        language = info.strip().split(None, 1)[0].strip("{}.").lower() if info.strip() else ""
        blocks.append(
            Block(
                path=path,
                line=index + 1,
                language=language,
                info=info.strip(),
                text="\n".join(body) + ("\n" if body else ""),
                indent=indent,
                body_start=index + 1,
                body_end=end,
                marker=pending_marker,
            )
        )
        pending_marker = None
        index = end + 1
    if pending_marker is not None:
        raise PageError(f"{path}: a docs-example marker at the end of the page has no block")
    return _attach_outputs(blocks)


def _attach_outputs(blocks: list[Block]) -> list[Block]:
    """Give each ``output`` block (and each HTTP response) to the block before it."""
    kept: list[Block] = []
    for block in blocks:
        if block.kind in {"output", "response"}:
            owner = kept[-1] if kept else None
            wanted = {"python", "shell"} if block.kind == "output" else {"http"}
            if owner is None or owner.kind not in wanted or owner.output is not None:
                what = "an output block" if block.kind == "output" else "an HTTP response"
                follows = "a python or shell block" if block.kind == "output" else "a request"
                raise PageError(f"{block.where}: {what} must follow {follows}")
            owner.output = block
            continue
        kept.append(block)
    return kept


def problem(block: Block) -> str | None:
    """Why the block breaks the convention, or ``None``."""
    if not block.language and block.marker is None:
        return f"{block.where}: code block without a language"
    kind = block.kind
    if kind == "undecided":
        return (
            f"{block.where}: no decision for a '{block.language}' block: mark it with "
            "<!-- docs-example: skip: REASON -->, <!-- docs-example: file NAME --> or use a "
            "runnable language"
        )
    if kind not in {*RUN_LANGUAGES.values(), "diagram", "file", "pytest", "skip"}:
        return f"{block.where}: unknown docs-example marker '{block.marker}'"
    if kind in {"skip", "file"} and not block.argument:
        what = "a reason" if kind == "skip" else "a file name"
        return f"{block.where}: '{kind}' marker without {what}"
    return None
