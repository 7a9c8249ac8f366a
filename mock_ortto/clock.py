"""The mock's single clock: real time by default; frozen, set or advanced by the admin API."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class ClockState:
    """Persisted clock state: an offset from real time, or a frozen instant."""

    offset: float = 0.0
    frozen_at: float | None = None

    def now(self) -> float:
        """Return the mock's current time as Unix seconds."""
        if self.frozen_at is not None:
            return self.frozen_at
        return time.time() + self.offset

    def frozen(self, at: float | None = None) -> ClockState:
        """Return a state frozen at ``at`` (default: the current mock time)."""
        return ClockState(self.offset, self.now() if at is None else at)

    def resumed(self) -> ClockState:
        """Return a state that runs in real time from the current mock time on."""
        current = self.now()
        return ClockState(current - time.time(), None)

    def set_to(self, at: float) -> ClockState:
        """Return a state whose current time is ``at``, keeping frozen/running mode."""
        if self.frozen_at is not None:
            return ClockState(self.offset, at)
        return ClockState(at - time.time(), None)

    def advanced(self, seconds: float) -> ClockState:
        """Return a state moved forward by ``seconds``."""
        return self.set_to(self.now() + seconds)


MIN_TS = datetime(1, 1, 2, tzinfo=UTC).timestamp()
MAX_TS = datetime(9999, 12, 30, tzinfo=UTC).timestamp()


def in_range(ts: float) -> bool:
    """Whether ``ts`` can be shown as a date-time (years 1..9999)."""
    return MIN_TS <= ts <= MAX_TS


def iso(ts: float) -> str:
    """Format Unix seconds as an RFC 3339 UTC string with milliseconds (clamped to 1..9999)."""
    clamped = min(max(ts, MIN_TS), MAX_TS) if ts == ts else 0.0
    text = datetime.fromtimestamp(clamped, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def parse_iso(value: str) -> float:
    """Parse an RFC 3339 date-time into Unix seconds (raises ``ValueError``)."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
