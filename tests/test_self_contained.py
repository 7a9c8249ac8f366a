"""A fresh clone of the committed tree, alone in an empty folder, runs its vector tests.

Nothing is read from outside the checkout (the recorded vectors live in ``tests/data``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conformance.vectors import REPO


@pytest.mark.slow
def test_fresh_clone_runs_conformance_alone(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.fail("this test needs a git checkout and the git command")
    clone = tmp_path / "lonely" / "clone"  # alone in its folder: no fixtures beside it
    subprocess.run(
        ["git", "clone", "--quiet", "--no-local", str(REPO), str(clone)],
        check=True,
        timeout=120,
    )
    assert list(clone.parent.iterdir()) == [clone]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/conformance/test_snapshot_vectors.py",
            "tests/mock_ortto/test_vectors.py",
        ],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = re.search(r"(\d+) passed", done.stdout)
    assert summary is not None and int(summary.group(1)) >= 12, done.stdout[-3000:]
