"""The built docs site, shared by the tests of this folder (needs the ``docs`` extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("mkdocs", reason="the docs tests need the 'docs' extra (nox -s docs)")

from tests.docs.site import built_site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site (the nox session's build when it made one)."""
    return built_site(tmp_path_factory.mktemp("docs"))


BROWSER_VAR = "DOCS_BROWSER"
"""``1`` runs the tests marked ``browser`` (``nox -s docs-browser`` sets it)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the browser tests to ``nox -s docs-browser`` unless asked for."""
    import os

    if os.environ.get(BROWSER_VAR) == "1":
        return
    deselected = [item for item in items if item.get_closest_marker("browser")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("browser")]
