"""The ``ORTTO_LOCAL_ENDPOINT=`` line the server prints is always a usable URL."""

from __future__ import annotations

import pytest

from mock_ortto.server import endpoint_line


@pytest.mark.parametrize(
    ("host", "line"),
    [
        ("127.0.0.1", "ORTTO_LOCAL_ENDPOINT=http://127.0.0.1:8089"),
        ("0.0.0.0", "ORTTO_LOCAL_ENDPOINT=http://127.0.0.1:8089"),
        ("::", "ORTTO_LOCAL_ENDPOINT=http://[::1]:8089"),
        ("::1", "ORTTO_LOCAL_ENDPOINT=http://[::1]:8089"),
        ("localhost", "ORTTO_LOCAL_ENDPOINT=http://localhost:8089"),
    ],
)
def test_endpoint_line(host: str, line: str) -> None:
    assert endpoint_line(host, 8089) == line
