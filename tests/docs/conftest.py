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
