"""pytest plugin (entry point ``mock_ortto``): fixtures that run the mock for a test.

* ``mock_ortto_server`` (session): one mock on a free loopback port, waitress in a thread.
* ``mock_ortto`` (function): the same server, reset before the test. Has ``base_url``,
  ``endpoint``, ``env``, ``api_key``, ``client(key)`` and ``admin`` (an ``AdminClient``).
* ``mock_ortto_in_process`` (function): a mock with no port, reset before the test and
  reached through its ``transport`` (an httpx ``WSGITransport``); same attributes. One per
  session (``mock_ortto_in_process_session``).
* ``mock_ortto_factory`` (function): ``factory(config=None, store=None)`` starts extra
  servers (e.g. another churn policy or a SQLite store); they stop after the test.

Install it with the package (``pip install ".[test]"`` brings pytest too). A plain checkout
needs no install: the repository's root ``conftest.py`` registers this module.
Imports are deferred into the fixtures so loading the plugin costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mock_ortto.testing import InProcessMock, RunningMock


@pytest.fixture(scope="session")
def mock_ortto_server() -> Iterator[RunningMock]:
    """One mock server for the whole session (in-memory store)."""
    from mock_ortto.testing import start_mock

    with start_mock() as running:
        yield running


@pytest.fixture
def mock_ortto(mock_ortto_server: RunningMock) -> RunningMock:
    """The session's mock server, with all state reset before the test."""
    mock_ortto_server.admin.reset()
    return mock_ortto_server


@pytest.fixture(scope="session")
def mock_ortto_in_process_session() -> Iterator[InProcessMock]:
    """One in-process mock (no port) for the whole session."""
    from mock_ortto.testing import start_in_process

    with start_in_process() as mock:
        yield mock


@pytest.fixture
def mock_ortto_in_process(mock_ortto_in_process_session: InProcessMock) -> InProcessMock:
    """The session's in-process mock, reset before the test: pass its ``transport``."""
    mock_ortto_in_process_session.admin.reset()
    return mock_ortto_in_process_session


@pytest.fixture
def mock_ortto_factory() -> Iterator[Callable[..., RunningMock]]:
    """Start extra mock servers with their own configuration; stopped after the test."""
    from mock_ortto.testing import start_mock

    started: list[RunningMock] = []

    def factory(*args: Any, **kwargs: Any) -> RunningMock:
        running = start_mock(*args, **kwargs)
        started.append(running)
        return running

    try:
        yield factory
    finally:
        for running in started:
            running.stop()
