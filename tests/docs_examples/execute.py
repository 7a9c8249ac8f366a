"""Running one page's blocks against a live mock, as a reader following the page would.

Each page gets a fresh working directory, a reset mock whose clock is frozen at
:data:`FROZEN_AT`, one Python namespace shared by its Python blocks, and one set of exported
shell variables shared by its shell blocks (a reader's terminal session).
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.docs_examples.blocks import Block
from tests.docs_examples.compare import pretty_json, to_page, to_runner

FROZEN_AT = "2025-06-02T09:00:00Z"
"""The instant the mock's clock is frozen at when a page starts."""

BLOCK_TIMEOUT = 30.0
"""Seconds a shell block may run before it fails."""

HIDDEN_VARIABLES = ("ORTTO_LOCAL_ENDPOINT", "ORTTO_API_KEY", "REFERENCE_CLIENT_COMPACT")
"""Variables a page must set itself: the runner's own environment never leaks them in."""

SEPARATOR = "@@docs-example-command@@"


class BlockFailed(Exception):
    """The block raised, timed out or could not be run as written."""


@dataclass
class Result:
    """What a block printed, in the form the page shows it, and that form's source lines."""

    shown: str
    actual: str


@dataclass
class Page:
    """State one page's blocks share while they run."""

    base_url: str
    workdir: Path
    namespace: dict[str, Any] = field(default_factory=dict)
    exports: str = ""

    @property
    def real_address(self) -> str:
        """``127.0.0.1:PORT`` of the runner's mock."""
        return self.base_url.removeprefix("http://")

    @classmethod
    def start(cls, base_url: str) -> Page:
        """Reset the mock, freeze its clock and give the page an empty working directory."""
        with httpx.Client(base_url=base_url, timeout=30) as admin:
            admin.post("/_mock/reset", json={}).raise_for_status()
            admin.post(
                "/_mock/clock", json={"action": "freeze", "at": FROZEN_AT}
            ).raise_for_status()
        workdir = Path(tempfile.mkdtemp(prefix="docs-example-"))
        return cls(base_url=base_url, workdir=workdir, namespace={"__name__": "__docs_example__"})

    def code(self, block: Block) -> str:
        """The block's text with the shown mock address replaced by the real one."""
        return to_runner(block.text, self.real_address)

    def shown(self, text: str) -> str:
        """Printed text with the real mock address replaced by the shown one."""
        return to_page(text, self.real_address)

    # -- runners ---------------------------------------------------------------------------

    def write_file(self, block: Block) -> None:
        """``file NAME``: the block becomes a file in the page's working directory."""
        target = self.workdir / block.argument
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.code(block), encoding="utf-8")

    def run_python(self, block: Block) -> str:
        """Execute in the page's namespace, in its working directory; return stdout."""
        captured = io.StringIO()
        saved_env, saved_cwd = dict(os.environ), os.getcwd()
        try:
            os.chdir(self.workdir)
            with contextlib.redirect_stdout(captured):
                exec(compile(self.code(block), block.where, "exec"), self.namespace)
        except Exception as error:
            raise BlockFailed(
                f"{block.where}: the Python block raised\n{traceback.format_exc()}"
            ) from error
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
        return self.shown(captured.getvalue())

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in HIDDEN_VARIABLES}
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _bash(self, script: str, block: Block) -> tuple[int, str]:
        """Run ``script`` in bash with the page's exports; keep the exports it leaves."""
        exports = self.workdir / ".docs-example-exports"
        prelude = f"{self.exports}\ntrap 'export -p > {shlex.quote(str(exports))}' EXIT\n"
        process = subprocess.Popen(
            ["bash", "-c", prelude + script],
            cwd=self.workdir,
            env=self._environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, so a timeout ends every child
        )
        try:
            output, _ = process.communicate(timeout=BLOCK_TIMEOUT)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise BlockFailed(
                f"{block.where}: still running after {BLOCK_TIMEOUT:.0f} s"
            ) from error
        if exports.exists():
            self.exports = exports.read_text(encoding="utf-8")
        return process.returncode, self.shown(output)

    def run_shell(self, block: Block) -> str:
        """A ``bash``/``sh`` block: one script; it must succeed. Returns its output."""
        status, output = self._bash(self.code(block), block)
        if status != 0:
            raise BlockFailed(f"{block.where}: the script exited with {status}\n{output}")
        return output

    def run_console(self, block: Block) -> Result:
        """A ``console`` block: ``$ command`` lines, each followed by the output it shows."""
        commands = console_commands(self.code(block))
        script = "\n".join(f"printf '%s\\n' {SEPARATOR}\n{command}" for command in commands)
        _, output = self._bash(script, block)
        pieces = output.split(SEPARATOR + "\n")[1:]
        rebuilt = []
        for command, piece in zip(commands, pieces, strict=False):
            rebuilt.append(self.shown(_prompted(command)))
            rebuilt.append(piece.rstrip("\n"))
        return Result(shown=block.text, actual="\n".join(x for x in rebuilt if x) + "\n")

    def run_pytest(self, block: Block) -> str:
        """``pytest``: the block is a test module; pytest must pass it."""
        module = self.workdir / f"test_example_{block.line}.py"
        module.write_text(self.code(block), encoding="utf-8")
        # Only the mock's plugin is loaded: autoloading every installed plugin costs seconds.
        command = (
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 python -m pytest -q -p no:cacheprovider "
            f"-p mock_ortto.pytest_plugin {shlex.quote(module.name)}"
        )
        status, output = self._bash(command, block)
        if status != 0:
            raise BlockFailed(f"{block.where}: pytest failed on the block\n{output}")
        return ""

    def run_http(self, block: Block) -> str:
        """An ``http`` request block; returns the answer shaped like the response shown."""
        method, path, headers, body = parse_request(self.code(block), block)
        expected = block.output.text if block.output else ""
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            answer = client.request(method, path, headers=headers, content=body)
        return render_response(answer, shown_header_names(expected), self.shown)


def console_commands(text: str) -> list[str]:
    """The commands of a console block (``$ `` lines, with ``\\`` continuations)."""
    commands: list[str] = []
    lines = iter(text.splitlines())
    for line in lines:
        if not line.startswith("$ "):
            continue
        command = line[2:]
        while command.endswith("\\"):
            command = command + "\n" + next(lines, "")
        commands.append(command)
    return commands


def _prompted(command: str) -> str:
    return "$ " + command


def parse_request(text: str, block: Block) -> tuple[str, str, dict[str, str], bytes]:
    """``METHOD PATH HTTP/1.1``, header lines, a blank line, then the body."""
    head, _, body = text.partition("\n\n")
    lines = head.splitlines()
    parts = lines[0].split() if lines else []
    if len(parts) < 2:
        raise BlockFailed(f"{block.where}: an http block starts with 'METHOD PATH HTTP/1.1'")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise BlockFailed(f"{block.where}: '{line}' is not a header line")
        if name.strip().lower() != "host":
            headers[name.strip()] = value.strip()
    return parts[0], parts[1], headers, body.rstrip("\n").encode("utf-8")


def shown_header_names(response_text: str) -> list[str]:
    """The header names a shown response lists (only those are compared)."""
    head = response_text.partition("\n\n")[0].splitlines()[1:]
    return [line.partition(":")[0].strip() for line in head if ":" in line]


def render_response(answer: httpx.Response, header_names: list[str], shown: Any) -> str:
    """``HTTP/1.1 STATUS REASON``, the listed headers, a blank line, the body (JSON indented)."""
    lines = [f"HTTP/1.1 {answer.status_code} {answer.reason_phrase}"]
    lines += [f"{name}: {answer.headers.get(name, '')}" for name in header_names]
    body = answer.text
    body = pretty_json(body) or body
    return str(shown("\n".join(lines) + "\n\n" + body))


def normal_response(text: str) -> str:
    """A shown response with its JSON body indented like :func:`render_response` does."""
    head, _, body = text.partition("\n\n")
    return head + "\n\n" + (pretty_json(body) or body)
