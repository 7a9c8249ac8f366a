"""The document ``ortto-reference send`` prints, written as the batches are answered.

``{"summary": {...}, "results": [...]}``: the summary counts the events by how they ended (in
the order of each kind's first event), the results hold one outcome per event in input order.
Each batch's results become text as soon as the batch is answered (while the next one is on
the wire); only that text waits for the summary, which comes first. The bytes are those of
the whole document printed at once, indented (:func:`~reference_client.indented.indented_json`)
or compact (JavaScript's ``JSON.stringify``).
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from reference_client.indented import Piece, indented_items, indented_json
from reference_client.js import json as js_json
from reference_client.outcomes import EventOutcome, not_subscribed


@dataclass(frozen=True)
class Layout:
    """How a document is spelled: the whole of a value, and members of an array two deep."""

    document: Callable[[Any], str]
    items: Callable[[list[Any]], Piece]
    separator: str


INDENTED = Layout(indented_json, lambda values: indented_items(values, 2), ",\n")
"""``json.dumps(indent=2, ensure_ascii=False)``'s layout."""
COMPACT = Layout(js_json.dumps, lambda values: ",".join(map(js_json.dumps, values)), ",")
"""JavaScript's ``JSON.stringify``."""


def tally(labels: Iterable[str]) -> dict[str, int]:
    """How many events ended each way (``ok``, ``skipped: not subscribed``, ``503
    SERVICE_UNAVAILABLE``, ``FetchError``...), in the order each label first comes."""
    summary: dict[str, int] = {}
    for label in labels:
        summary[label] = summary.get(label, 0) + 1
    return summary


def _runs(positions: Sequence[int]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each run of consecutive positions, as slices of ``positions``."""
    start = 0
    for i in range(1, len(positions) + 1):
        if i == len(positions) or positions[i] != positions[i - 1] + 1:
            yield start, i
            start = i


class SendReport:
    """The outcomes of ``count`` events, every one not subscribed until :meth:`record`."""

    def __init__(self, count: int, layout: Layout = INDENTED) -> None:
        self._layout = layout
        skipped = not_subscribed()
        self._skipped_text = layout.items([skipped.to_dict()])
        self._labels = [skipped.label] * count
        self._texts: dict[int, tuple[int, Piece]] = {}  # first position -> (end, text)
        self.failed = False
        """Whether an event failed (a skipped event is no failure)."""

    def record(self, positions: Sequence[int], outcomes: Sequence[EventOutcome]) -> None:
        """The outcomes of the events at ``positions`` (ascending): tallied and written."""
        labels = self._labels
        for position, outcome in zip(positions, outcomes, strict=True):
            labels[position] = outcome.label
            self.failed = self.failed or outcome.failed
        for start, end in _runs(positions):
            text = self._layout.items([o.to_dict() for o in outcomes[start:end]])
            self._texts[positions[start]] = (positions[end - 1] + 1, text)

    def summary(self) -> dict[str, int]:
        """The summary as the document shows it."""
        return tally(self._labels)

    def _pieces(self) -> Iterator[Piece]:
        """The document, piece by piece."""
        layout = self._layout
        if not self._labels:
            yield layout.document({"summary": {}, "results": []})
            return
        marker = layout.items([0])
        frame = layout.document({"summary": self.summary(), "results": [0]})
        head, _, tail = frame.rpartition(marker if isinstance(marker, str) else marker.decode())
        yield head
        position = 0
        while position < len(self._labels):
            if position:
                yield layout.separator
            end, text = self._texts.get(position, (position + 1, self._skipped_text))
            yield text
            position = end
        yield tail

    def write(self, out: TextIO) -> None:
        """Print the document and a newline on ``out``, as ``print`` would."""
        pieces = [*self._pieces(), "\n"]
        buffer = getattr(out, "buffer", None)
        if not (
            isinstance(out, io.TextIOWrapper)
            and buffer is not None
            and codecs.lookup(out.encoding).name == "utf-8"
            and os.linesep == "\n"
        ):
            out.write("".join(p if isinstance(p, str) else p.decode() for p in pieces))
            return
        errors = out.errors or "strict"  # encoded before anything is written, as print does
        chunks = [p.encode("utf-8", errors) if isinstance(p, str) else p for p in pieces]
        out.flush()
        buffer.writelines(chunks)
        buffer.flush()
