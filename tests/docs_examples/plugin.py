"""pytest plugin: every fenced block of the Markdown pages given on the command line is an item.

``python -m pytest -p tests.docs_examples.plugin docs README.md`` (the ``docs-examples`` nox
session) starts one real mock server (waitress, loopback, free port), then for each page
resets it, freezes its clock and runs the page's blocks in order. ``--update-examples``
rewrites the shown output of blocks whose output changed, instead of failing them.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.docs_examples.blocks import Block, PageError, parse_page, problem
from tests.docs_examples.compare import diff, matches
from tests.docs_examples.execute import BlockFailed, Page, normal_response

COUNTS: Counter[str] = Counter()
EDITS: dict[Path, list[tuple[int, int, str, str]]] = {}
WORKDIRS: list[Path] = []
STARTED = time.monotonic()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-examples",
        action="store_true",
        help="rewrite the shown output of docs examples whose output changed",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".md":
        return MarkdownPage.from_parent(parent, path=file_path)
    return None


class _MockServer:
    """One mock for the whole run, started on first use."""

    running: Any = None

    @classmethod
    def base_url(cls) -> str:
        if cls.running is None:
            from mock_ortto.testing import start_mock

            cls.running = start_mock()
        return str(cls.running.base_url)

    @classmethod
    def stop(cls) -> None:
        if cls.running is not None:
            cls.running.stop()
            cls.running = None


class MarkdownPage(pytest.File):
    """A Markdown page; its blocks run in order and share one :class:`Page`."""

    page: Page | None = None

    def collect(self) -> Iterator[pytest.Item]:
        try:
            blocks = parse_page(self.path)
        except PageError as error:
            yield BrokenPage.from_parent(self, name="page", message=str(error))
            return
        for block in blocks:
            if block.kind in {"diagram"} and block.marker is None:
                COUNTS["diagram"] += 1
                continue
            yield BlockItem.from_parent(self, name=f"L{block.line}-{block.kind}", block=block)

    def shared(self) -> Page:
        """The page's state, created (mock reset, clock frozen) by the first block that runs."""
        if self.page is None:
            self.page = Page.start(_MockServer.base_url())
            WORKDIRS.append(self.page.workdir)
        return self.page


class BrokenPage(pytest.Item):
    """A page whose blocks cannot be read (unclosed fence, stray marker)."""

    def __init__(self, *, message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message

    def runtest(self) -> None:
        raise BlockFailed(self.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return self.message


class OutputDiffers(Exception):
    """What the block printed is not what the page shows."""


class BlockItem(pytest.Item):
    """One block: run it (or write it, or skip it) and compare its output."""

    def __init__(self, *, block: Block, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.block = block
        if block.kind == "skip" and problem(block) is None:
            self.add_marker(pytest.mark.skip(reason=f"{block.where}: {block.argument}"))

    def runtest(self) -> None:
        block = self.block
        wrong = problem(block)
        if wrong:
            raise BlockFailed(wrong)
        kind = block.kind
        assert isinstance(self.parent, MarkdownPage)
        page = self.parent.shared()
        COUNTS[kind] += 1
        if kind == "file":
            page.write_file(block)
        elif kind == "pytest":
            page.run_pytest(block)
        elif kind == "console":
            result = page.run_console(block)
            self.check(result.shown, result.actual, block, block.text)
        elif kind == "http":
            shown = block.output.text if block.output else ""
            actual = page.run_http(block)
            if block.output is None:
                self.check("", actual, block, None)
            else:
                self.check(normal_response(shown), actual, block.output, shown)
        else:
            printed = page.run_python(block) if kind == "python" else page.run_shell(block)
            target = block.output
            self.check(target.text if target else "", printed, target or block, None)

    def check(self, expected: str, actual: str, target: Block, original: str | None) -> None:
        """Compare; on a difference fail with a diff, or record an edit under --update."""
        if matches(expected, actual):
            return
        if self.config.getoption("--update-examples"):
            record_edit(self.block, target, actual)
            return
        message = diff(expected, actual, target.where)
        if target is self.block and self.block.kind in {"python", "shell"}:
            message = f"{self.block.where}: the block printed output the page does not show\n" + (
                message
            )
        raise OutputDiffers(message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, BlockFailed | OutputDiffers):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.block.line - 1, f"{self.block.where} ({self.block.kind})"


def record_edit(owner: Block, target: Block, actual: str) -> None:
    """Remember a rewrite of ``target``'s content (or a new output block after ``owner``)."""
    edits = EDITS.setdefault(owner.path, [])
    if target is owner and owner.kind in {"python", "shell", "http"}:
        fence = "```"
        new = f"\n{fence}output\n{actual.rstrip()}\n{fence}\n"
        if owner.kind == "http":
            new = f"\n{fence}http\n{actual.rstrip()}\n{fence}\n"
        edits.append((owner.body_end + 1, owner.body_end + 1, new, owner.indent))
    else:
        edits.append((target.body_start, target.body_end, actual, target.indent))


def apply_edits() -> None:
    """Rewrite the pages, last edit first so earlier line numbers stay right."""
    for path, edits in EDITS.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for start, end, text, indent in sorted(edits, reverse=True):
            new = [(indent + line) if line else "" for line in text.rstrip("\n").splitlines()]
            lines[start:end] = new
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def pytest_sessionfinish(session: pytest.Session) -> None:
    _MockServer.stop()
    for workdir in WORKDIRS:
        shutil.rmtree(workdir, ignore_errors=True)
    if EDITS:
        apply_edits()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    ran = sum(COUNTS[k] for k in ("python", "console", "shell", "http", "pytest"))
    kinds = ", ".join(
        f"{k} {COUNTS[k]}" for k in ("python", "console", "shell", "http", "pytest") if COUNTS[k]
    )
    terminalreporter.write_line(
        f"docs examples: {ran} blocks ran ({kinds}), "
        f"{len(terminalreporter.stats.get('skipped', []))} skipped, "
        f"{COUNTS['file']} files written, {COUNTS['diagram']} diagrams; "
        f"{time.monotonic() - STARTED:.1f} s"
    )
    if EDITS:
        pages = ", ".join(str(p) for p in EDITS)
        terminalreporter.write_line(f"docs examples: rewrote shown output in {pages}")
