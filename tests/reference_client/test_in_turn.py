"""Batches prepared side by side still reach the transport one batch at a time, in order."""

from __future__ import annotations

import gc
import sys
import threading
import time
import weakref
from collections.abc import Callable

import pytest

from reference_client.in_turn import HANDOVER_INTERVAL, InTurnTransport
from reference_client.transport.transports import OutgoingRequest, RawResponse


class Recorder:
    """A transport that records what it was asked to send, and when the answer returned."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.lock = threading.Lock()

    def send(self, request: OutgoingRequest, timeout: float) -> RawResponse:
        with self.lock:
            self.log.append(f"send {request.url}")
        time.sleep(0.01)
        with self.lock:
            self.log.append(f"done {request.url}")
        return RawResponse(200, "OK", {}, b"{}")


def _work(transport: InTurnTransport, name: str, prepare: float) -> Callable[[], str]:
    def work() -> str:
        time.sleep(prepare)  # later batches prepare faster: they would overtake if allowed
        for part in ("a", "b"):
            transport.send(OutgoingRequest("POST", f"{name}{part}", {}), 1.0)
        return name

    return work


@pytest.mark.parametrize("most_requests", [None, [2, 2, 2]], ids=["undeclared", "declared"])
def test_every_request_of_a_batch_is_answered_before_the_next_batch_sends(
    most_requests: list[int] | None,
) -> None:
    """With the request counts declared, a batch's turn passes at its last answer rather than
    when it returns: the wire order is the same."""
    inner = Recorder()
    transport = InTurnTransport(inner)
    works = [_work(transport, f"batch{n}/", 0.03 - 0.01 * n) for n in range(3)]
    results = transport.run_all(works, most_requests=most_requests)
    assert list(results) == ["batch0/", "batch1/", "batch2/"]
    expected = [
        f"{step} batch{n}/{part}" for n in range(3) for part in "ab" for step in ("send", "done")
    ]
    assert inner.log == expected


def test_a_failed_batch_stops_every_later_batch_before_it_sends() -> None:
    inner = Recorder()
    transport = InTurnTransport(inner)

    def fails() -> str:
        transport.send(OutgoingRequest("POST", "first", {}), 1.0)
        raise RuntimeError("the whole run fails")

    works = [fails, _work(transport, "second/", 0.0), _work(transport, "third/", 0.0)]
    with pytest.raises(RuntimeError, match="the whole run fails"):
        list(transport.run_all(works))
    assert inner.log == ["send first", "done first"]


def test_the_interpreter_lock_changes_hands_promptly_while_batches_run() -> None:
    transport = InTurnTransport(Recorder())
    before = sys.getswitchinterval()
    seen: list[float] = []

    def work() -> str:
        seen.append(sys.getswitchinterval())
        return "done"

    assert list(transport.run_all([work, work])) == ["done", "done"]
    assert seen == [pytest.approx(HANDOVER_INTERVAL)] * 2  # kept in whole microseconds
    assert before > HANDOVER_INTERVAL
    assert sys.getswitchinterval() == before


def test_the_switch_interval_is_restored_when_a_batch_fails() -> None:
    transport = InTurnTransport(Recorder())
    before = sys.getswitchinterval()

    def fails() -> str:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        list(transport.run_all([fails]))
    assert sys.getswitchinterval() == before


def test_a_batch_that_said_how_many_requests_it_sends_lets_the_next_send_once_answered() -> None:
    inner = Recorder()
    transport = InTurnTransport(inner)
    next_batch_sent = threading.Event()

    def first() -> bool:
        transport.send(OutgoingRequest("POST", "first", {}), 1.0)
        # still turning its answer into results: the next batch is already on the wire
        return next_batch_sent.wait(timeout=10)

    def second() -> bool:
        transport.send(OutgoingRequest("POST", "second", {}), 1.0)
        next_batch_sent.set()
        return True

    assert list(transport.run_all([first, second], most_requests=[1, 1])) == [True, True]
    assert inner.log == ["send first", "done first", "send second", "done second"]


def test_a_batch_that_sends_more_than_it_said_is_stopped_before_the_extra_request() -> None:
    inner = Recorder()
    transport = InTurnTransport(inner)
    works = [_work(transport, "twice/", 0.0), _work(transport, "later/", 0.0)]
    with pytest.raises(RuntimeError, match="batch 0 sends more requests than it said"):
        list(transport.run_all(works, most_requests=[1, 2]))
    assert inner.log == ["send twice/a", "done twice/a"]


def test_a_batch_that_sends_fewer_than_it_said_passes_the_turn_when_it_returns() -> None:
    inner = Recorder()
    transport = InTurnTransport(inner)

    def sends_none() -> str:
        return "none"

    works = [sends_none, _work(transport, "next/", 0.0)]
    assert list(transport.run_all(works, most_requests=[3, 2])) == ["none", "next/"]
    assert inner.log == ["send next/a", "done next/a", "send next/b", "done next/b"]


def test_one_limit_per_batch_is_checked_before_anything_runs() -> None:
    inner = Recorder()
    transport = InTurnTransport(inner)
    works = [_work(transport, "a/", 0.0), _work(transport, "b/", 0.0)]
    with pytest.raises(ValueError, match="2 works but 1 request limits"):
        list(transport.run_all(works, most_requests=[1]))
    assert inner.log == []


def test_a_result_is_let_go_once_the_caller_moves_on() -> None:
    transport = InTurnTransport(Recorder())

    class Outcomes(list[int]):
        """A result that can be watched with a weak reference."""

    works = [lambda: Outcomes([1]), lambda: Outcomes([2])]
    results = transport.run_all(works)
    first = weakref.ref(next(results))
    assert next(results) == [2]
    gc.collect()
    assert first() is None
    assert list(results) == []
