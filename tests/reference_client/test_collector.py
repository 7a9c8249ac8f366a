"""The cyclic collector is paused while the runtime maps a batch, and given back as it was."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from reference_client.api import OrttoActions
from reference_client.runtime import collector
from reference_client.runtime.collector import collector_paused
from reference_client.transport.transports import OutgoingRequest, PreviewTransport, RawResponse


@pytest.fixture(autouse=True)
def _collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_enabled_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested blocks
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_exception_still_gives_the_collector_back() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_caller_that_disabled_the_collector_keeps_it_disabled() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_the_last_thread_to_leave_enables_it() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_in.wait(5)
        seen["after first left"] = gc.isenabled()
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_out.wait(5)
            seen["second still inside"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"after first left": False, "second still inside": False}
    assert gc.isenabled()


class _Node:
    partner: Any = None


def _unreachable_cycle() -> weakref.ref[_Node]:
    node = _Node()
    node.partner = node
    return weakref.ref(node)


def test_blocks_that_keep_overlapping_still_collect_once_overdue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with collector_paused():
        cycle = _unreachable_cycle()
        with collector_paused():
            pass
        assert cycle() is not None  # paused for less than LONGEST_PAUSE: left for later
        monkeypatch.setattr(collector, "LONGEST_PAUSE", 0.0)
        with collector_paused():
            pass
        assert cycle() is None  # an inner block ended overdue: one full collection
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_batch_is_mapped_and_sent_with_the_collector_paused() -> None:
    states: list[bool] = []

    def respond(request: OutgoingRequest) -> RawResponse:
        states.append(gc.isenabled())
        return RawResponse(200, "", {"content-type": "application/json"}, b"{}")

    client = OrttoActions("pau-0a1b2c3d", transport=PreviewTransport(responder=respond))
    events = [{"type": "identify", "userId": f"u{i}", "traits": {"n": i}} for i in range(3)]
    outcomes = client.execute("upsertContactProfile", events)
    assert [o.status for o in outcomes] == [200, 200, 200]
    assert states == [False]
    assert gc.isenabled()
