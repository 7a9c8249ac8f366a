"""Batches that prepare side by side but reach the wire one at a time, in order.

``ortto-reference send`` maps, cleans and validates batch N+1 while batch N waits for its
answer (the wait releases the interpreter lock), and turns batch N's answer into results
while batch N+1 is on the wire. Every request of batch N is sent and answered before any
request of batch N+1 leaves, so the service sees exactly the sequence a one-batch-at-a-time
loop sends.

The threads share one interpreter lock. Python hands it over every 5 ms by default, so a
thread whose answer has arrived (or whose turn has come) would wait up to 5 ms behind one that
is preparing, several times per batch: about a quarter of ``send``'s time went there. While
batches run, the interval is :data:`HANDOVER_INTERVAL` instead, and restored after.
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from reference_client.runtime.errors import FetchError
from reference_client.transport.transports import OutgoingRequest, RawResponse, Transport

T = TypeVar("T")

HANDOVER_INTERVAL = 0.0001
"""Seconds a thread may hold the interpreter lock while another waits for it, as batches run
(:func:`sys.setswitchinterval`; Python's default is 0.005). Chosen from ``send`` runs of
100,000 events: 5 ms gave 13,600 to 13,800 events/s, 1 ms 15,900 to 18,500, 0.1 ms 17,300
to 20,500."""


@contextmanager
def prompt_handovers(interval: float = HANDOVER_INTERVAL) -> Iterator[None]:
    """A block in which the interpreter lock changes hands every ``interval`` seconds."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class InTurnTransport:
    """Wraps a transport: a batch's requests wait until every earlier batch has sent its last
    request and had it answered."""

    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self._turn = 0
        self._stopped = False
        self._changed = threading.Condition()
        self._local = threading.local()

    def send(self, request: OutgoingRequest, timeout: float) -> RawResponse:
        """Wait for this batch's turn, then send through the wrapped transport."""
        local = self._local
        ticket: int = local.ticket
        if local.left == 0:
            raise RuntimeError(f"batch {ticket} sends more requests than it said it would")
        with self._changed:
            self._changed.wait_for(lambda: self._turn == ticket or self._stopped)
            if self._stopped:
                raise FetchError("not sent: an earlier batch ended the run")
        try:
            return self._inner.send(request, timeout)
        finally:
            if local.left is not None:
                local.left -= 1
                if local.left == 0:  # its last request is answered: the next batch may send
                    self._pass_turn(ticket)

    def _pass_turn(self, ticket: int) -> None:
        with self._changed:
            self._turn = max(self._turn, ticket + 1)
            self._changed.notify_all()

    def _run(self, ticket: int, work: Callable[[], T], most: int | None) -> T:
        self._local.ticket = ticket
        self._local.left = most
        try:
            return work()
        except BaseException:
            with self._changed:
                self._stopped = True
            raise
        finally:
            self._pass_turn(ticket)

    def run_all(
        self,
        works: Iterable[Callable[[], T]],
        ahead: int = 1,
        most_requests: Iterable[int] | None = None,
    ) -> Iterator[T]:
        """Run ``works`` (each sending through this transport) with ``ahead`` of them
        preparing while one sends; yield their results in order.

        ``most_requests``, one per work, says how many requests each sends at most: once that
        many are answered, the next work may send while this one still turns its answers into
        results (a work that sends more raises :class:`RuntimeError`). Without it, the turn
        passes when a work returns. The first exception stops every later work that has not
        sent yet, and is raised here.
        """
        todo = list(works)
        limits: list[int | None] = [None] * len(todo)
        if most_requests is not None:
            limits = list(most_requests)
            if len(limits) != len(todo):
                raise ValueError(f"{len(todo)} works but {len(limits)} request limits")
        with prompt_handovers(), ThreadPoolExecutor(max_workers=1 + ahead) as pool:
            # consumed futures are let go: their results are freed once the caller is done
            pending = deque(
                pool.submit(self._run, n, work, most)
                for n, (work, most) in enumerate(zip(todo, limits, strict=True))
            )
            try:
                while pending:
                    result = pending[0].result()
                    pending.popleft()
                    yield result
                    del result
            finally:
                with self._changed:
                    self._stopped = any(not f.done() for f in pending) or self._stopped
                    self._changed.notify_all()
                for future in pending:
                    future.cancel()
