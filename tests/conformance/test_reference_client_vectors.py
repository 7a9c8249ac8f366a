"""Every recorded vector, replayed through ``python -m reference_client run`` over real HTTP.

The recorder answers with the vector's ``server_responses``; the requests the reference client
makes must equal the recorded ones (method, path, authorization, user agent, parsed JSON body
and exact byte length), and its results must equal ``destination_result``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.recorder import recording_server
from tests.conformance.vectors import REPO, load, vector_paths

VECTORS = vector_paths()


def run_cli(path: Path, env_overrides: dict[str, str | None], offline: bool) -> Any:
    env = {
        k: v for k, v in os.environ.items() if k not in ("ORTTO_LOCAL_ENDPOINT", "ORTTO_API_KEY")
    }
    for key, value in env_overrides.items():
        if value is not None:
            env[key] = value
    command = [sys.executable, "-m", "reference_client", "run", str(path), "--raw"]
    if offline:
        command.append("--offline")
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=REPO, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def normalise(value: Any) -> Any:
    """Drop what only JavaScript can show (constructor names), keep everything else."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k != "constructor"}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        return value.replace("recorder blocked outbound request", "blocked outbound request")
    return value


def runtime_results(documents: Any, labelled: bool) -> Any:
    if labelled:
        return [d["runtime"] for d in documents]
    return documents["runtime"]


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector(path: Path) -> None:
    vector = load(path)
    env_spec = vector["env"]
    local = env_spec.get("ORTTO_LOCAL_ENDPOINT")
    with recording_server(vector["server_responses"]) as recorder:
        overrides: dict[str, str | None] = {
            k: v for k, v in env_spec.items() if k != "ORTTO_LOCAL_ENDPOINT"
        }
        if local is not None:
            overrides["ORTTO_LOCAL_ENDPOINT"] = recorder.base_url
        documents = run_cli(path, overrides, offline=local is None)
        seen = recorder.requests

    expected_requests = vector["requests"]
    assert len(seen) == len(expected_requests)
    for got, want in zip(seen, expected_requests, strict=True):
        assert got.method == want["method"]
        assert got.path == want["path"]
        assert got.headers.get("authorization") == want["authorization"]
        assert got.headers.get("user-agent") == "Segment (Actions)"
        if want.get("body") is not None:
            assert json.loads(got.body) == want["body"]
            assert got.headers.get("content-type") == "application/json"
        else:
            assert got.body == b""
        if "content-length" in want["headers"]:
            assert len(got.body) == int(want["headers"]["content-length"])

    labelled = isinstance(vector["input"], list)
    result = vector["destination_result"]
    expected = [normalise(i["outcome"]) for i in result] if labelled else normalise(result)
    assert normalise(runtime_results(documents, labelled)) == expected

    if local is None:
        derived = [d for d in (documents if labelled else [documents]) if "error" in d]
        for blocked in vector.get("blocked_outbound") or []:
            assert any(blocked in d["error"]["message"] for d in derived)
