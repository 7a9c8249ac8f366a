"""The kit's version, for both packages: the installed distribution's, else the source tree's.

``reference_client.__version__`` and ``mock-ortto --version`` both come from
:func:`package_version` (``mock_ortto`` already imports ``reference_client``, so it lives here).
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "ortto-reference-kit"


def package_version() -> str:
    """``importlib.metadata``'s version, else ``pyproject.toml``'s, else ``"unknown"``."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        return str(project["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
