"""Fixtures: ``live``, a real server per store kind (the plugin's fixtures come from the root
``conftest.py``)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from mock_ortto.config import ServerConfig, Settings
from mock_ortto.store import open_store
from mock_ortto.testing import DEFAULT_KEY, RunningMock, start_mock
from tests.conformance.vectors import VECTORS_DIR, vector_paths

FUZZ_EXAMPLES = int(os.environ.get("MOCK_ORTTO_FUZZ_EXAMPLES", "20000"))
settings.register_profile(
    "fuzz",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
"""``pytest --hypothesis-profile=fuzz`` (``nox -s fuzz``): property tests without their own
``@settings`` run this many examples each (``MOCK_ORTTO_FUZZ_EXAMPLES`` changes it)."""

VECTORS = VECTORS_DIR
KEY = DEFAULT_KEY


def vector_requests() -> list[tuple[str, dict[str, Any]]]:
    """Every request recorded in the vectors, audience-creating scenarios first."""
    first = ["hook_create_audience", "hook_create_audience_same_name_again", "audiences_create"]
    files = sorted(
        vector_paths(),
        key=lambda p: (p.stem not in first, first.index(p.stem) if p.stem in first else 0, p.stem),
    )
    out = []
    for path in files:
        data = json.loads(path.read_text())
        for request in data.get("requests", []):
            out.append((path.stem, request))
    return out


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningMock]:
    """A real server per store kind (module-scoped)."""
    if request.param == "memory":
        store = open_store("memory")
    else:
        path = tmp_path_factory.mktemp("store") / "mock.sqlite3"
        store = open_store(f"sqlite:{path}")
    running = start_mock(
        ServerConfig(store=request.param, settings=Settings(rate_limit=False)), store
    )
    yield running
    running.stop()


@pytest.fixture
def live(live_server: RunningMock) -> RunningMock:
    """``live_server`` reset before the test, rate limit off, clock frozen at a fixed instant."""
    live_server.admin.reset()
    live_server.admin.freeze("2024-05-01T10:00:00Z")
    return live_server
