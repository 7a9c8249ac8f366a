"""The docs-example runner: how pages are read, how output is compared, and a real run."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conformance.vectors import REPO
from tests.docs_examples import execute
from tests.docs_examples.blocks import PageError, parse_page, problem
from tests.docs_examples.compare import matches
from tests.docs_examples.execute import console_commands

PAGE = """\
# Page

<!-- docs-example: file events.jsonl -->
```json
{"type": "identify"}
```

```python
print(1)
```

Prints:

```output
1
```

```json
{}
```

```
no language
```
"""


def test_blocks_carry_their_decision_and_output(tmp_path: Path) -> None:
    blocks = parse_page(tmp_path / "p.md", PAGE)
    assert [b.kind for b in blocks] == ["file", "python", "undecided", "undecided"]
    assert blocks[0].argument == "events.jsonl"
    assert blocks[1].output is not None and blocks[1].output.text == "1\n"
    assert problem(blocks[0]) is None and problem(blocks[1]) is None
    assert "no decision for a 'json' block" in str(problem(blocks[2]))
    assert "without a language" in str(problem(blocks[3]))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("```output\nx\n```\n", "an output block must follow a python or shell block"),
        ("<!-- docs-example: skip: x -->\nprose\n", "must precede a fence"),
        ("```python\nx = 1\n", "never closed"),
    ],
)
def test_pages_that_break_the_convention_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(PageError, match=message):
        parse_page(tmp_path / "p.md", text)


def test_skip_needs_a_reason(tmp_path: Path) -> None:
    (block,) = parse_page(tmp_path / "p.md", "<!-- docs-example: skip -->\n```bash\nx\n```\n")
    assert "'skip' marker without a reason" in str(problem(block))


def test_indented_blocks_lose_their_indent(tmp_path: Path) -> None:
    (block,) = parse_page(tmp_path / "p.md", "1. step\n\n    ```python\n    x = 1\n    ```\n")
    assert block.text == "x = 1\n" and block.indent == "    "


def test_an_ellipsis_line_matches_any_number_of_lines() -> None:
    assert matches("a\n...\nd\n", "a\nb\nc\nd\n")
    assert matches("a\n...\nd\n", "a\nd\n")
    assert not matches("a\n...\nd\n", "a\nb\n")
    assert not matches("a\nb\n", "a\nc\n")
    assert matches("a  \n", "a")


def test_console_commands_follow_continuations() -> None:
    text = "$ echo a \\\n  b\nout\n$ true\n"
    assert console_commands(text) == ["echo a \\\n  b", "true"]


def _run_pages(tmp_path: Path, page: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "page.md").write_text(page, encoding="utf-8")
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "tests.docs_examples.plugin"),
            *("-p", "no:cacheprovider", "-q", str(tmp_path / "page.md"), *args),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


LIVE_PAGE = """\
```console
$ curl -s http://127.0.0.1:8089/_mock/clock | python -m json.tool
{
    "now": "2025-06-02T09:00:00.000Z",
    ...
}
```

```http
POST /v1/audiences/create HTTP/1.1
Host: 127.0.0.1:8089
Authorization: Bearer pau-0a1b2c3d4e5f6a7b
Content-Type: application/json

{"name": "VIP"}
```

```http
HTTP/1.1 200 OK

{"id": "aud_0001", "name": "VIP"}
```

<!-- docs-example: skip: runs until interrupted -->
```console
$ mock-ortto serve
```

<!-- docs-example: pytest -->
```python
def test_a_fresh_mock(mock_ortto):
    assert mock_ortto.admin.journal() == []
```
"""


def test_a_page_runs_against_a_live_mock_with_a_frozen_clock(tmp_path: Path) -> None:
    done = _run_pages(tmp_path, LIVE_PAGE)
    assert done.returncode == 0, done.stdout
    assert "3 blocks ran (console 1, http 1, pytest 1), 1 skipped" in done.stdout


def test_a_changed_output_fails_with_a_diff_and_update_rewrites_it(tmp_path: Path) -> None:
    page = LIVE_PAGE.replace('"id": "aud_0001"', '"id": "aud_0009"')
    done = _run_pages(tmp_path, page)
    assert done.returncode == 1
    assert '-  "id": "aud_0009",' in done.stdout and '+  "id": "aud_0001",' in done.stdout
    updated = _run_pages(tmp_path, page, "--update-examples")
    assert updated.returncode == 0, updated.stdout
    assert '"id": "aud_0001"' in (tmp_path / "page.md").read_text(encoding="utf-8")
    assert _run_pages(tmp_path, (tmp_path / "page.md").read_text(encoding="utf-8")).returncode == 0


def test_a_block_that_hangs_fails_and_leaves_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(execute, "BLOCK_TIMEOUT", 1.0)
    page = execute.Page(base_url="http://127.0.0.1:1", workdir=tmp_path)
    (block,) = parse_page(tmp_path / "p.md", "```bash\nsleep 600 & echo $! > pid\nsleep 600\n```\n")
    with pytest.raises(execute.BlockFailed, match="still running after 1 s"):
        page.run_shell(block)
    child = int((tmp_path / "pid").read_text())
    # SIGKILL is delivered asynchronously: allow the kernel a moment to end the child.
    deadline = time.monotonic() + 10
    while not _gone_or_zombie(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone_or_zombie(child), f"pid {child} still running 10 s after the block was killed"


def _gone_or_zombie(pid: int) -> bool:
    """A killed orphan may linger as a zombie until init reaps it; either way it is not running."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}
