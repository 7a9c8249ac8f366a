"""``ortto-reference`` in a newcomer's hands: input mistakes, action names, skipped events,
connection failures and key problems each get one clear line and the right exit status."""

from __future__ import annotations

import importlib.metadata
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mock_ortto.testing import RunningMock
from reference_client import __version__
from reference_client.cli import build_parser, main

KEY = "pau-0a1b2c3d4e5f6a7b"
IDENTIFY = {"type": "identify", "userId": "u1", "traits": {"email": "u1@example.com"}}
PAGE = {"type": "page", "userId": "u1", "name": "Home"}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def jsonl(tmp_path: Path, *events: dict[str, Any]) -> str:
    return write(tmp_path, "events.jsonl", "".join(json.dumps(e) + "\n" for e in events))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def common(mock: RunningMock) -> list[str]:
    return ["--api-key", KEY, "--endpoint", mock.base_url]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(autouse=True)
def no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORTTO_API_KEY", raising=False)
    monkeypatch.delenv("ORTTO_LOCAL_ENDPOINT", raising=False)


def test_a_bad_jsonl_line_is_named_by_its_line_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "events.jsonl", json.dumps(IDENTIFY) + '\n{"type": "track",}\n')
    code, out, err = run(capsys, "preview", path, "--api-key", KEY)
    assert (code, out) == (2, "")
    assert err == (
        f"ortto-reference: error: {path}:2:18: not valid JSON: "
        "Expecting property name enclosed in double quotes\n"
    )


def test_a_bad_json_document_is_named_by_its_line_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "events.json", '[\n  {"type": "identify"},\n  {"type" "track"}\n]\n')
    code, _, err = run(capsys, "preview", path, "--api-key", KEY)
    assert code == 2
    assert err == (
        f"ortto-reference: error: {path}:3:11: not valid JSON: Expecting ':' delimiter\n"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no events (the file is empty)"),
        ("[]", "no events (the list is empty)"),
        ('[{"type": "identify"}, 3]', "event 2 is not a JSON object"),
    ],
)
def test_files_without_events_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    path = write(tmp_path, "events.json", text)
    assert run(capsys, "send", path, "--api-key", KEY) == (
        2,
        "",
        f"ortto-reference: error: {path}: {problem}\n",
    )


def test_jsonl_keeps_line_separators_inside_strings_and_ignores_a_bom(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = {"type": "identify", "userId": "u1", "traits": {"bio": "one\u2028two"}}
    text = "\ufeff" + json.dumps(first, ensure_ascii=False) + "\n" + json.dumps(IDENTIFY) + "\n"
    path = write(tmp_path, "events.jsonl", text)
    code, out, err = run(capsys, "preview", path, "--api-key", KEY)
    assert (code, err) == (0, "")
    assert json.loads(out)["requests"][0]["body"][0]["traits"]["bio"] == "one\u2028two"


def test_missing_files_are_one_line_and_nothing_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mock_ortto: RunningMock
) -> None:
    common = ["--api-key", KEY, "--endpoint", mock_ortto.base_url, "--quiet"]
    missing = str(tmp_path / "nope.jsonl")
    assert run(capsys, "send", missing, *common) == (
        2,
        "",
        f"ortto-reference: error: {missing}: no such events file\n",
    )
    events = jsonl(tmp_path, IDENTIFY)
    mapping = str(tmp_path / "mapping.json")
    assert run(capsys, "send", events, "--mapping", mapping, *common) == (
        2,
        "",
        f"ortto-reference: error: {mapping}: no such mapping file\n",
    )
    assert mock_ortto.admin.journal() == []  # nothing reached the mock


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{\n  "user_id": {"@path": "$.userId"},,\n}', "2:36: not valid JSON: Expecting property"),
        ("[]", " a mapping must be a JSON object"),
    ],
)
def test_a_bad_mapping_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, problem: str
) -> None:
    mapping = write(tmp_path, "mapping.json", text)
    events = jsonl(tmp_path, IDENTIFY)
    code, out, err = run(capsys, "preview", events, "--mapping", mapping, "--api-key", KEY)
    assert (code, out) == (2, "")
    assert err.startswith(f"ortto-reference: error: {mapping}:{problem}"), err


def test_the_real_command_prints_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "events.jsonl", json.dumps(IDENTIFY) + "\nnot json\n")
    done = subprocess.run(
        [sys.executable, "-m", "reference_client", "preview", path, "--api-key", KEY],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (f"ortto-reference: error: {path}:2:1: not valid JSON: Expecting value\n")


@pytest.mark.parametrize("name", ["Upsert Contact", "upsert contact", "upsertContactProfile"])
def test_actions_are_found_by_title_or_slug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    events = jsonl(tmp_path, PAGE)
    code, out, _ = run(capsys, "preview", events, "--action", name, "--api-key", KEY)
    assert code == 0
    assert json.loads(out)["requests"][0]["url"].endswith("/v1/identify")


def test_an_unknown_action_lists_the_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = jsonl(tmp_path, IDENTIFY)
    assert run(capsys, "preview", events, "--action", "Upsert", "--api-key", KEY) == (
        2,
        "",
        'ortto-reference: error: unknown action "Upsert" for Ortto (Actions); choose one of: '
        '"Upsert Contact" (upsertContactProfile), "Track Activity" (trackActivity)\n',
    )


def test_skipped_events_are_counted_and_are_not_failures(
    tmp_path: Path, mock_ortto: RunningMock
) -> None:
    events = jsonl(tmp_path, IDENTIFY, PAGE)
    done = subprocess.run(
        [sys.executable, "-m", "reference_client", "send", events, *common(mock_ortto)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["summary"] == {"ok": 1, "skipped: not subscribed": 1}
    assert document["results"][1]["message"] == "not subscribed"
    assert "2/2" in done.stderr.splitlines()[-1]  # the progress bar counts the skipped page


def test_an_unreachable_endpoint_is_named_in_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    events = jsonl(tmp_path, IDENTIFY, IDENTIFY)
    code, out, _ = run(capsys, "send", events, "--quiet", "--api-key", KEY, "--endpoint", endpoint)
    assert code == 1
    assert json.loads(out)["summary"] == {"FetchError": 2}


def test_auth_says_when_the_mock_is_unreachable(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    endpoint = f"http://127.0.0.1:{port}"
    assert run(capsys, "auth", "--api-key", KEY, "--endpoint", endpoint) == (
        1,
        "",
        f"ortto-reference: could not reach {endpoint}/v1/me: request to {endpoint}/v1/me "
        f"failed, reason: connect ECONNREFUSED 127.0.0.1:{port}\n",
    )


@pytest.mark.parametrize("command", [["auth"], ["send", "EVENTS"], ["audience", "create", "x"]])
def test_a_missing_key_names_the_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    argv = [jsonl(tmp_path, IDENTIFY) if part == "EVENTS" else part for part in command]
    assert run(capsys, *argv, "--endpoint", "http://127.0.0.1:9") == (
        2,
        "",
        "ortto-reference: error: no API key: --api-key was not given and ORTTO_API_KEY is unset\n",
    )


def test_a_key_that_names_no_region_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = jsonl(tmp_path, IDENTIFY)
    assert run(capsys, "send", events, "--quiet", "--offline", "--api-key", "bad") == (
        2,
        "",
        "ortto-reference: error: the API key is not an Ortto API key (Invalid API key)\n",
    )


def test_an_endpoint_ending_in_v1_gets_a_hint(
    capsys: pytest.CaptureFixture[str], mock_ortto: RunningMock
) -> None:
    endpoint = mock_ortto.base_url + "/v1"
    code, _, err = run(capsys, "auth", "--api-key", KEY, "--endpoint", endpoint)
    assert code == 1
    assert err.splitlines() == [
        f"ortto-reference: hint: the endpoint {endpoint} ends in /v1, but the destination "
        f"appends /v1 itself; use {mock_ortto.base_url}",
        f"ortto-reference: {endpoint}/v1/me answered 404 Not Found",
    ]


def test_send_reports_sent_as_an_object_for_both_destinations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mock_ortto: RunningMock
) -> None:
    common = ["--api-key", KEY, "--endpoint", mock_ortto.base_url]
    assert run(capsys, "audience", "create", "VIP", *common)[0] == 0  # aud_0001
    engage = {
        "type": "identify",
        "userId": "u9",
        "context": {
            "personas": {
                "computation_class": "audience",
                "computation_key": "vip",
                "external_audience_id": "aud_0001",
            }
        },
        "traits": {"vip": True},
    }
    events = jsonl(tmp_path, engage)
    code, out, _ = run(
        capsys, "send", events, "--quiet", "--destination", "ortto-audiences", *common
    )
    assert code == 0
    sent = json.loads(out)["results"][0]["sent"]
    assert sent["audience"] == {"mode": "add", "id": "aud_0001"}


def test_version_matches_the_installed_package(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"ortto-reference {__version__}\n"
    assert __version__ == importlib.metadata.version("ortto-reference-kit")


def test_every_command_has_a_help_line_for_the_docs() -> None:
    parser = build_parser()
    subcommands = parser._subparsers._group_actions[0]  # type: ignore[union-attr]
    helps = {choice.dest: choice.help for choice in subcommands._choices_actions}
    assert sorted(helps) == ["audience", "auth", "describe", "preview", "run", "send"]
    assert all(text.endswith(".") for text in helps.values()), helps  # whole sentences
    assert not any("``" in text or "\n" in text for text in helps.values()), helps
