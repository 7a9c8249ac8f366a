"""The worked examples: deterministic, and showing what each scenario promises."""

from __future__ import annotations

from tools.docsgen.examples import run_scenarios
from tools.docsgen.scenarios import BY_ACTION, SYNC_AUDIENCE, TRACK_ACTIVITY, UPSERT_CONTACT


def test_two_runs_render_identical_examples() -> None:
    for scenarios in BY_ACTION.values():
        assert run_scenarios(scenarios) == run_scenarios(scenarios)


def test_examples_show_masked_key_and_the_mock_address_only() -> None:
    text = run_scenarios(UPSERT_CONTACT)
    assert "authorization: Bearer pau-****************" in text
    assert "0a1b2c3d" not in text
    assert "POST http://127.0.0.1:8089/v1/identify" in text


def test_failing_batch_has_one_refused_event_among_successes() -> None:
    text = run_scenarios([s for s in UPSERT_CONTACT if s.anchor == "example-batch-one-failing"])
    assert text.count('"status": 200,') == 2
    assert text.count('"status": 400,') == 2  # the answer's error entry and the event result
    assert '"message": "email is not valid"' in text


def test_hook_example_creates_the_audience_and_payload_carries_it() -> None:
    text = run_scenarios([s for s in UPSERT_CONTACT if s.shows_hook])
    assert "POST http://127.0.0.1:8089/v1/audiences/create" in text
    assert '"mode": "add",\n' in text and '"id": "aud_0001"' in text


def test_track_without_name_and_ortto_namespace_send_nothing() -> None:
    text = run_scenarios(TRACK_ACTIVITY)
    assert "Missing event name" in text
    assert "originated from ortto.com (Ignored)" in text
    assert text.count("POST http://127.0.0.1:8089/v1/track") == 1


def test_audience_example_adds_and_removes() -> None:
    text = run_scenarios(SYNC_AUDIENCE)
    assert "PUT http://127.0.0.1:8089/v1/audiences/members" in text
    assert '"mode": "add"' in text and '"mode": "remove"' in text
