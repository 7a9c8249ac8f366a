"""The ``send`` document written batch by batch is the document printed whole, byte for byte."""

from __future__ import annotations

import io
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from reference_client.js import json as js_json
from reference_client.outcomes import EventOutcome, not_subscribed
from reference_client.send_report import COMPACT, INDENTED, Layout, SendReport

LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.sampled_from([1e-05, 9.9e-05, 1.5e-07, 1e-10, 1e16, 1e22, -0.0, 10.00001, math.nan])
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=8)
    | st.sampled_from(["é", "日本", "🎉", "\u2028", "\x00\x1f\x7f", '"\\', "1e-5", "0.0000"])
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)
OUTCOMES = st.builds(
    EventOutcome,
    status=st.none() | st.sampled_from([200, 400, 429, 503]),
    errortype=st.none() | st.sampled_from(["PAYLOAD_VALIDATION_FAILED", "FetchError"]),
    message=st.none() | st.text(max_size=10),
    body=VALUES,
    sent=VALUES,
    errorreporter=st.none() | st.sampled_from(["INTEGRATIONS", "DESTINATION"]),
    output=st.none() | st.just("not subscribed"),
)


@st.composite
def runs(draw: st.DrawFn) -> tuple[list[EventOutcome], list[list[int]]]:
    """Outcomes for some events and the batches (ascending positions, possibly with gaps) they
    came in; events in no batch were not subscribed."""
    count = draw(st.integers(min_value=0, max_value=12))
    routed = sorted(draw(st.sets(st.integers(0, count - 1), max_size=count)) if count else [])
    actions = [draw(st.integers(0, 1)) for _ in routed]  # two actions interleave positions
    batches: list[list[int]] = []
    for action in (0, 1):
        positions = [p for p, a in zip(routed, actions, strict=True) if a == action]
        size = draw(st.integers(1, 4))
        batches += [positions[i : i + size] for i in range(0, len(positions), size)]
    outcomes = [not_subscribed()] * count
    for position in routed:
        outcomes[position] = draw(OUTCOMES)
    return outcomes, batches


def whole(outcomes: list[EventOutcome], layout: Layout) -> str:
    """What ``send`` printed before, by the encoders themselves: the whole document at once
    (``json.dumps`` for the indented layout, ``JSON.stringify``'s bytes for the compact one),
    then a newline."""
    summary: dict[str, int] = {}
    for outcome in outcomes:
        summary[outcome.label] = summary.get(outcome.label, 0) + 1
    document = {"summary": summary, "results": [o.to_dict() for o in outcomes]}
    if layout is COMPACT:
        return js_json.dumps(document) + "\n"
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    return js_json.escape_lone_surrogates(text) + "\n"


def streamed(outcomes: list[EventOutcome], batches: list[list[int]], layout: Layout) -> SendReport:
    report = SendReport(len(outcomes), layout)
    for batch in batches:
        report.record(batch, [outcomes[p] for p in batch])
    return report


def printed(report: SendReport) -> str:
    """Through a UTF-8 text stream over bytes (the path that writes orjson's bytes)."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogatepass")
    report.write(stream)
    return raw.getvalue().decode("utf-8", "surrogatepass")


@settings(max_examples=300, deadline=None)
@given(runs(), st.sampled_from([INDENTED, COMPACT]))
def test_the_report_prints_what_the_whole_document_prints(
    case: tuple[list[EventOutcome], list[list[int]]], layout: Layout
) -> None:
    outcomes, batches = case
    expected = whole(outcomes, layout)
    assert printed(streamed(outcomes, batches, layout)) == expected
    text = io.StringIO()  # a stream without bytes underneath: written as text
    streamed(outcomes, batches, layout).write(text)
    assert text.getvalue() == expected


def test_varied_results_in_one_batch_and_skipped_events_between() -> None:
    error = EventOutcome(400, "PAYLOAD_VALIDATION_FAILED", "The root value is missing", None, {})
    odd = {"tiny": 1e-05, "huge": 1e22, "nan": math.nan, "big": 2**70, "text": "日本 🎉 \u2028"}
    outcomes = [
        EventOutcome(200, body="Processed successfully", sent=odd),
        not_subscribed(),
        error,
        EventOutcome(None, "FetchError", "request failed", error_retryable=True),
        EventOutcome(200, body="Processed successfully", sent={"score": 12.5, "tags": ["a"]}),
    ]
    report = streamed(outcomes, [[0, 2, 3], [4]], INDENTED)
    assert printed(report) == whole(outcomes, INDENTED)
    assert report.summary() == {
        "ok": 2,
        "skipped: not subscribed": 1,
        "400 PAYLOAD_VALIDATION_FAILED": 1,
        "FetchError": 1,
    }
    assert report.failed


def test_skipped_events_are_no_failure_and_no_events_make_an_empty_document() -> None:
    delivered = EventOutcome(200, body="Processed successfully", sent={})
    report = streamed([not_subscribed(), delivered], [[1]], INDENTED)
    assert not report.failed
    assert printed(report) == whole([not_subscribed(), delivered], INDENTED)
    assert printed(SendReport(0)) == '{\n  "summary": {},\n  "results": []\n}\n'


def test_a_lone_surrogate_is_written_escaped_in_both_layouts() -> None:
    outcomes = [EventOutcome(200, body="\ud800", sent={"name": "x\udfff"})]
    for layout in (INDENTED, COMPACT):
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="utf-8")
        streamed(outcomes, [[0]], layout).write(stream)
        text = raw.getvalue().decode("utf-8")  # strict: nothing raw
        assert text == whole(outcomes, layout)
        assert '"x\\udfff"' in text
        assert json.loads(text)["results"][0]["sent"] == {"name": "x\udfff"}
