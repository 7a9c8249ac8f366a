"""Bearer-key parsing with the destination's key-shape rule; each key is one account."""

from __future__ import annotations

import functools
import hashlib

from mock_ortto.errors import MockError


def parse_bearer(header: str | None) -> str | None:
    """Return the key from ``Authorization: Bearer <key>``, or ``None`` if absent/garbled."""
    if not header:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key:
        return None
    return key


def key_is_shaped(key: str) -> bool:
    """Apply the destination's rule: first '-' at index 3 and a 2-char trimmed region."""
    return key.find("-") == 3 and len(key[1:3].strip()) == 2


def require_key(header: str | None) -> str:
    """Return the account key of a request or raise 401 saying what is wrong."""
    if header is None:
        raise MockError(
            401, "missing Authorization header (expected 'Bearer <key>')", rule="auth.key_shape"
        )
    key = parse_bearer(header)
    if key is None:
        raise MockError(401, "Authorization header must be 'Bearer <key>'", rule="auth.key_shape")
    if not key_is_shaped(key):
        raise MockError(
            401,
            "Invalid API key: the first '-' must be at index 3 and key[1:3] must be a"
            " 2-character region",
            rule="auth.key_shape",
        )
    return key


@functools.lru_cache(maxsize=1024)
def redact(key: str | None) -> str | None:
    """Hide a key for the journal: keep the 4-character prefix and a short digest."""
    if key is None:
        return None
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{key[:4]}***{digest}"
