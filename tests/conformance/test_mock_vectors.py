"""The reference client against the live mock: every ``record + drive`` vector gets the same
per-event results from ``mock_ortto`` (real WSGI server, real HTTP) as from the recorder.

The recorder's scenarios share state in recording order (audience ids ``aud_0001``,
``aud_0002`` feed later scenarios), so the vectors run in that order against one fresh mock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_ortto.testing import RunningMock
from reference_client.runner import run_input
from reference_client.transport.transports import HttpxTransport
from tests.conformance.test_reference_client_vectors import normalise
from tests.conformance.vectors import load, vector_paths

FIRST = ["hook_create_audience", "audiences_create"]
DRIVEN = sorted(
    (p for p in vector_paths() if load(p)["mode"] == "record + drive"),
    key=lambda p: (p.stem not in FIRST, FIRST.index(p.stem) if p.stem in FIRST else 0, p.stem),
)


def without_bodies(value: Any) -> Any:
    """Error answers' raw text may be worded differently; everything else must match."""
    if isinstance(value, dict):
        return {k: without_bodies(v) for k, v in value.items() if k != "content"}
    if isinstance(value, list):
        return [without_bodies(v) for v in value]
    return value


@pytest.fixture(scope="module")
def driven(mock_ortto_server: RunningMock) -> dict[str, Any]:
    """Run every driven vector in order against one freshly reset mock."""
    mock_ortto_server.admin.reset()
    transport = HttpxTransport(offline=True)
    outcomes: dict[str, Any] = {}
    for path in DRIVEN:
        vector = load(path)
        env = {} if vector["env"].get("ORTTO_LOCAL_ENDPOINT") is None else mock_ortto_server.env
        outcomes[path.stem] = run_input(vector["input"], env, transport, raw=True)
    return outcomes


@pytest.mark.parametrize("path", DRIVEN, ids=[p.stem for p in DRIVEN])
def test_mock_answers_like_the_recorder(path: Path, driven: dict[str, Any]) -> None:
    vector = load(path)
    got = driven[path.stem]
    result = vector["destination_result"]
    if isinstance(vector["input"], list):
        expected = [normalise(item["outcome"]) for item in result]
        runtime = [normalise(d["runtime"]) for d in got]
    else:
        expected = normalise(result)
        runtime = normalise(got["runtime"])
    assert without_bodies(runtime) == without_bodies(expected)
    calls = vector["input"] if isinstance(vector["input"], list) else [vector["input"]]
    documents = got if isinstance(got, list) else [got]
    for call, document in zip(calls, documents, strict=True):
        assert set(document) <= {"results", "error", "hook", "externalId", "ok", "runtime"}
        if "results" in document and call["method"] == "onBatch":
            assert len(document["results"]) == len(call["events"])
