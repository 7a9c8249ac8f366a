"""The warmed-mock benchmark measures two apps in turn and reports both
(``benchmarks/mock_warm.py``), on a run small enough for the test suite."""

from __future__ import annotations

import re

import pytest

from benchmarks import mock_warm


def test_both_apps_are_measured_before_and_after_traffic(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--rounds", "1", "--repeat", "1", "--traffic", "0.01"]
    assert mock_warm.main(argv) == 0
    printed = capsys.readouterr().out
    cell = r"\s*(\d+\.\d{3}) /\s*(\d+\.\d{3}) \((\d+\.\d\d)\)"
    rows = re.findall(
        r"^\| (fresh|after 1)\s+\|" + rf"{cell} \|" * 4 + r"\s*([\d,]+) \|$", printed, re.M
    )
    assert [row[0] for row in rows] == ["fresh", "after 1"], printed
    for row in rows:
        for warm, control, ratio in zip(row[1:13:3], row[2:13:3], row[3:13:3], strict=True):
            assert float(warm) > 0 and float(control) > 0
            assert float(ratio) == pytest.approx(float(warm) / float(control), abs=0.01)
        assert int(row[13].replace(",", "")) > 0  # the bodies' contacts are stored


def test_a_failing_app_process_is_reported_not_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(call: mock_warm.Call, work: object, requests: int) -> None:
        raise RuntimeError("refused")

    monkeypatch.setattr(mock_warm, "send", refuse)
    with pytest.raises(RuntimeError, match="ended"):
        mock_warm.main(["--rounds", "1", "--repeat", "1"])
