"""One version for the kit: both packages and both command lines report the distribution's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mock_ortto.version
import reference_client
import reference_client.version

ROOT = Path(__file__).resolve().parents[1]

# Pretends the installed distribution has another version, then asks both command lines.
PROBE = """
from importlib import metadata
real = metadata.version
metadata.version = lambda name: "7.7.7" if name == "ortto-reference-kit" else real(name)
from mock_ortto.cli import main as mock_main
from reference_client.cli import main as reference_main
for main in (reference_main, mock_main):
    try:
        main(["--version"])
    except SystemExit:
        pass
"""


def test_one_function_serves_both_packages() -> None:
    assert mock_ortto.version.package_version is reference_client.version.package_version
    assert reference_client.__version__ == reference_client.version.package_version()


def test_both_command_lines_follow_the_installed_version() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["ortto-reference 7.7.7", "mock-ortto 7.7.7"]
