"""The command line and the Python API against the live mock (real WSGI server, real HTTP)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mock_ortto.testing import RunningMock
from reference_client.api import OrttoActions, OrttoAudiences
from reference_client.cli import COMPACT_VAR, main
from reference_client.js import json as js_json
from reference_client.runtime.errors import CredentialsInvalidError

KEY = "pau-0a1b2c3d4e5f6a7b"
EVENTS = [
    {
        "type": "identify",
        "userId": "u1",
        "messageId": "m1",
        "timestamp": "2025-06-01T10:00:00.000Z",
        "traits": {"email": "u1@example.com", "address": {"city": "Perth"}},
    },
    {
        "type": "track",
        "userId": "u1",
        "event": "Order Completed",
        "messageId": "m2",
        "timestamp": "2025-06-01T10:01:00.000Z",
        "properties": {"total": 42.5},
    },
    {"type": "page", "userId": "u1", "name": "Home"},
    {"type": "identify", "messageId": "m3", "traits": {"email": "nobody@example.com"}},
]


def write_jsonl(tmp_path: Path, events: list[dict[str, Any]]) -> str:
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    return str(path)


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith(("{", "[")) else out


def test_preview_sends_nothing_and_routes_by_subscription(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mock_ortto: RunningMock
) -> None:
    code, document = run_main(
        capsys,
        "preview",
        write_jsonl(tmp_path, EVENTS),
        "--api-key",
        KEY,
        "--endpoint",
        mock_ortto.base_url,
    )
    assert code == 0
    assert [r["url"] for r in document["requests"]] == [
        f"{mock_ortto.base_url}/v1/identify",
        f"{mock_ortto.base_url}/v1/track",
    ]
    assert document["requests"][0]["body"][0]["location"] == {"city": "Perth"}
    statuses = [r["status"] for r in document["results"]]
    assert statuses == [200, 200, None, 400]
    assert document["results"][3]["errortype"] == "PAYLOAD_VALIDATION_FAILED"
    assert mock_ortto.admin.journal() == []  # nothing reached the mock


def test_send_reaches_the_mock_and_summarises(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mock_ortto: RunningMock
) -> None:
    code, document = run_main(
        capsys,
        "send",
        write_jsonl(tmp_path, EVENTS),
        "--quiet",
        "--api-key",
        KEY,
        "--endpoint",
        mock_ortto.base_url,
    )
    assert code == 1  # the identify without a user id failed; the skipped page is no failure
    assert document["summary"] == {
        "ok": 2,
        "skipped: not subscribed": 1,
        "400 PAYLOAD_VALIDATION_FAILED": 1,
    }
    assert document["results"][2]["message"] == "not subscribed"
    contacts = mock_ortto.admin.contacts(KEY, user_id="u1")
    assert len(contacts) == 1
    assert contacts[0]["traits"]["email"] == "u1@example.com"
    assert [a["event"] for a in mock_ortto.admin.activities(KEY)] == ["Order Completed"]


def test_send_prints_each_layout_whole_and_leaves_the_collector_as_it_was(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mock_ortto: RunningMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # two actions interleave, a skipped event sits between them: results come out of order
    argv = ["send", write_jsonl(tmp_path, EVENTS), "--quiet", "--api-key", KEY]
    argv += ["--endpoint", mock_ortto.base_url]
    before = (gc.isenabled(), gc.get_freeze_count())
    assert main(argv) == 1
    indented = capsys.readouterr().out
    document = json.loads(indented)
    assert indented == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert [r["status"] for r in document["results"]] == [200, 200, None, 400]
    monkeypatch.setenv(COMPACT_VAR, "1")
    assert main(argv) == 1
    assert capsys.readouterr().out == js_json.dumps(document) + "\n"
    assert main([*argv[:1], str(tmp_path / "missing.jsonl"), *argv[2:]]) == 2
    assert (gc.isenabled(), gc.get_freeze_count()) == before


def test_auth_and_audience_commands(
    capsys: pytest.CaptureFixture[str], mock_ortto: RunningMock
) -> None:
    common = ["--api-key", KEY, "--endpoint", mock_ortto.base_url]
    assert run_main(capsys, "auth", *common)[0] == 0
    code, hook = run_main(capsys, "audience", "associate", "VIP Customers", *common)
    assert code == 0
    assert hook["savedData"] == {"audience_id": "aud_0001", "audience_name": "VIP Customers"}
    assert run_main(capsys, "audience", "create", "VIP Customers", *common)[1] == {
        "externalId": "aud_0001"
    }
    code, missing = run_main(capsys, "audience", "get", "aud_9999", *common)
    assert code == 1
    assert missing["error"]["name"] == "HTTPError"
    assert missing["error"]["response"]["status"] == 404


def test_auth_rejects_a_malformed_key(
    capsys: pytest.CaptureFixture[str], mock_ortto: RunningMock
) -> None:
    code = main(["auth", "--api-key", "bad", "--endpoint", mock_ortto.base_url])
    assert code == 1
    assert capsys.readouterr().err == (
        f"ortto-reference: Credentials are invalid: {mock_ortto.base_url}/v1/me refused the key "
        "(401 Unauthorized)\n"
    )


def test_describe_lists_both_destinations(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_main(capsys, "describe")
    assert code == 0
    assert [d["name"] for d in document] == ["Ortto (Actions)", "Ortto (Audiences)"]
    upsert = document[0]["actions"][0]
    assert upsert["defaultMapping"]["batch_size"] == 500
    assert upsert["hooks"][0]["label"] == "Associate Audience"


def test_module_entry_point_runs_a_vector_file(tmp_path: Path, mock_ortto: RunningMock) -> None:
    vector = {
        "input": {
            "destination": "ortto",
            "method": "testAuthentication",
            "settings": {"api_key": KEY},
        }
    }
    path = tmp_path / "vector.json"
    path.write_text(json.dumps(vector), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "reference_client", "run", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"ORTTO_LOCAL_ENDPOINT": mock_ortto.base_url, "PATH": ""},
    )
    assert json.loads(done.stdout) == {"ok": True}


def test_a_lone_surrogate_is_printed_escaped_as_json_stringify_does(
    tmp_path: Path, mock_ortto: RunningMock
) -> None:
    """Standard JSON printing leaves a lone surrogate raw, which UTF-8 cannot encode: the
    command used to end in a traceback after the work was done."""
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"type": "identify", "userId": "u1", "traits": {"first_name": "x\\ud800"}}\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "reference_client", "preview", str(path), "--api-key", KEY],
        capture_output=True,
        timeout=60,
        env={"ORTTO_LOCAL_ENDPOINT": mock_ortto.base_url, "PATH": "", "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 0, done.stderr.decode()
    printed = done.stdout.decode("utf-8")  # strict: no raw surrogate in the output
    assert '"first_name": "x\\ud800"' in printed
    body = json.loads(printed)["requests"][0]["body"]
    assert body[0]["traits"]["first_name"] == "x\ud800"


def test_python_api_round_trip(mock_ortto: RunningMock) -> None:
    actions = OrttoActions(KEY, endpoint=mock_ortto.base_url)
    actions.test_authentication()
    audience_id = actions.associate_audience("Newsletter")["savedData"]["audience_id"]
    outcomes = actions.upsert_contacts(EVENTS[:1], audience_id=audience_id)
    assert [o.ok for o in outcomes] == [True]
    assert outcomes[0].sent["audience"] == {"mode": "add", "id": audience_id}
    members = mock_ortto.admin.memberships(KEY, audience_id=audience_id)
    assert len(members) == 1
    track = actions.track_activities([EVENTS[1], {**EVENTS[1], "event": " "}])
    assert [o.status for o in track] == [200, 400]
    assert track[1].message == "Missing event name" and not track[1].retryable

    audiences = OrttoAudiences(KEY, endpoint=mock_ortto.base_url)
    assert audiences.create_audience("Newsletter") == audience_id
    assert audiences.get_audience(audience_id) == audience_id
    engage = {
        "type": "identify",
        "userId": "u9",
        "messageId": "e1",
        "context": {
            "personas": {
                "computation_class": "audience",
                "computation_key": "newsletter",
                "external_audience_id": audience_id,
            }
        },
        "traits": {"newsletter": True, "email": "u9@example.com"},
    }
    preview = audiences.preview_sync([engage])
    assert json.loads(preview.requests[0].body or b"")[0]["audience"]["mode"] == "add"
    assert [o.ok for o in audiences.sync_audience([engage])] == [True]

    with pytest.raises(CredentialsInvalidError):
        OrttoActions("nope", endpoint=mock_ortto.base_url).test_authentication()


def test_send_reports_a_failed_batch_per_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mock_ortto: RunningMock
) -> None:
    mock_ortto.admin.fault(status=503, path="/v1/identify")
    code, document = run_main(
        capsys,
        "send",
        write_jsonl(tmp_path, EVENTS[:2]),
        "--quiet",
        "--api-key",
        KEY,
        "--endpoint",
        mock_ortto.base_url,
    )
    assert code == 1
    assert document["summary"] == {"503 SERVICE_UNAVAILABLE": 1, "ok": 1}
    assert document["results"][0]["message"] == "Service Unavailable"


def test_python_api_outcomes_say_whether_segment_retries(mock_ortto: RunningMock) -> None:
    actions = OrttoActions(KEY, endpoint=mock_ortto.base_url)
    mock_ortto.admin.fault(item_errors=[{"index": 0, "status": 429, "message": "slow down"}])
    outcomes = actions.upsert_contacts(EVENTS[:1])
    assert (outcomes[0].status, outcomes[0].errortype) == (429, "TOO_MANY_REQUESTS")
    assert outcomes[0].retryable and not outcomes[0].ok
