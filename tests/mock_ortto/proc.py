"""Start ``python -m mock_ortto serve`` in a subprocess and wait until it answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


class ServerProcess:
    """A mock server in its own process (stderr goes to ``stderr_path`` when given)."""

    def __init__(
        self, *args: str, stderr_path: Path | None = None, env: dict[str, str] | None = None
    ) -> None:
        environ = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
        self._stderr = open(stderr_path, "w") if stderr_path else None  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mock_ortto", "serve", "--port", "0", *args],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=self._stderr or subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        assert line.startswith("ORTTO_LOCAL_ENDPOINT=http://127.0.0.1:"), line
        self.line = line
        self.base_url = line.split("=", 1)[1]
        # The line is printed only once the port accepts connections: no retry needed.
        try:
            httpx.get(self.base_url + "/_mock/health", timeout=30)
        except httpx.HTTPError:
            self.stop()
            raise

    def stop(self) -> None:
        """Terminate the process and wait for it."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
