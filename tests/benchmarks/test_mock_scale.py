"""The store-size benchmark fills one server per size and times them in turn
(``benchmarks/mock_scale.py``), on a run small enough for the test suite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import mock_scale

ROW = re.compile(r"^\| ([A-Z]+ /\S+(?: \([^)]*\))?)\s+\|(.*)\|$", re.M)


def _rows(printed: str) -> dict[str, list[float]]:
    return {
        name: [float(cell) for cell in cells.split("|")] for name, cells in ROW.findall(printed)
    }


def test_every_size_and_the_control_are_measured_in_one_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert mock_scale.main(["--sizes", "1500,300", "--repeat", "2"]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"\|\s+300 \|\s+300 \(control\) \|\s+1,500 \| last/first \|", printed)
    rows = _rows(printed)
    assert len(rows) == 10, printed
    for name, (first, control, last, ratio, spread) in rows.items():
        assert first > 0 and control > 0 and last > 0, name
        # the ratios come from the unrounded times; the cells are rounded to 0.01 ms
        assert abs(ratio - last / first) <= 0.005 + 0.005 * (1 + last / first) / first, name
        assert abs(spread - control / first) <= 0.005 + 0.005 * (1 + control / first) / first
    worst = max(row[3] for row in rows.values())
    assert f"worst last/first ratio {worst:.2f}" in printed
    assert re.search(r"resident memory: [\d,]+ bytes per contact between 300 and 1,500", printed)


def test_the_control_can_be_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    assert mock_scale.main(["--sizes", "200,400", "--repeat", "1", "--no-control"]) == 0
    printed = capsys.readouterr().out
    assert "control" not in printed
    assert all(len(cells) == 3 for cells in _rows(printed).values())


def test_each_sqlite_server_gets_a_file_of_its_own(tmp_path: Path) -> None:
    store = f"sqlite:{tmp_path / 'scale.db'}"
    assert mock_scale.store_option(store, "1000") == f"sqlite:{tmp_path / 'scale-1000.db'}"
    assert mock_scale.store_option(store, "1000c") == f"sqlite:{tmp_path / 'scale-1000c.db'}"
    assert mock_scale.store_option(f"sqlite:{tmp_path / 'db'}", "5") == (
        f"sqlite:{tmp_path / 'db-5.db'}"
    )
    assert mock_scale.store_option("memory", "5") == "memory"


def test_servers_take_turns_with_a_different_one_first_each_time() -> None:
    calls: list[tuple[str, int]] = []

    def server(label: str) -> mock_scale.Server:
        def call(n: int) -> object:
            calls.append((label, n))
            return None

        return mock_scale.Server(label, 1, 0, {"op": call})

    table = mock_scale.measure_in_turn([server("a"), server("b"), server("c")], repeat=3)
    assert list(table) == ["op"] and len(table["op"]) == 3
    assert calls[:3] == [("a", 3), ("b", 3), ("c", 3)]  # the warm-up
    assert calls[3:] == [
        ("a", 0), ("b", 0), ("c", 0), ("b", 1), ("c", 1), ("a", 1), ("c", 2), ("a", 2), ("b", 2),
    ]  # fmt: skip
