"""The client benchmark sets the best ``send`` against the best preview
(``benchmarks/preview_pipeline.py``), on a run small enough for the test suite."""

from __future__ import annotations

import re

import pytest

from benchmarks import preview_pipeline


def test_send_is_run_as_often_as_the_preview_and_its_best_is_compared(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--events", "600", "--send-events", "600", "--repeat", "2", "--no-node"]
    assert preview_pipeline.main(argv) == 0
    printed = capsys.readouterr().out
    preview = re.search(r"preview pipeline \(Python\) :\s+([\d,]+) events/s \(best of 2\)", printed)
    sent = re.search(r"send into local mock\s+:\s+([\d,]+) events/s \(best of 2, 600", printed)
    runs = re.search(r"  per run: (\d+\.\d\d)x, (\d+\.\d\d)x\n", printed)
    ratio = re.search(r"send / preview\s+:\s+(\d+\.\d\d)x", printed)
    assert preview and sent and runs and ratio, printed
    best = float(sent.group(1).replace(",", "")) / float(preview.group(1).replace(",", ""))
    assert float(ratio.group(1)) == pytest.approx(best, abs=0.01)
    assert float(ratio.group(1)) == max(float(runs.group(1)), float(runs.group(2)))
