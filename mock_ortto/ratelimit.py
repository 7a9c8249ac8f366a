"""Per-key rate limiting over fixed windows aligned to the mock clock."""

from __future__ import annotations

import math

from mock_ortto.config import Settings
from mock_ortto.errors import rate_limited
from mock_ortto.store.base import Txn


def check(txn: Txn, key: str, settings: Settings, now: float) -> None:
    """Count one request for ``key``; raise a 429 ``MockError`` if a window is full.

    Every request counts, including rejected ones, as Ortto counts attempts.
    """
    if not settings.rate_limit:
        return
    for window, limit in settings.windows():
        start = int(now // window) * window
        count = txn.rate_hit(key, window, start)
        if count > limit:
            wait = max(1, math.ceil(start + window - now))
            raise rate_limited(wait, f"rate.{settings.rate_plan}.{window}s")
