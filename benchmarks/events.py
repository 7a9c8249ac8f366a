"""Seeded generator of varied Segment events for benchmarks."""

from __future__ import annotations

import random
from typing import Any

CITIES = [
    ("Sydney", "NSW", "2000"),
    ("Perth", "WA", "6000"),
    ("Hobart", "TAS", "7000"),
    ("Melbourne", "VIC", "3000"),
    ("Brisbane", "QLD", "4000"),
]


def identify_event(rng: random.Random, index: int) -> dict[str, Any]:
    """One identify event; ids, traits, address source and IP vary with the seed."""
    city, state, post = rng.choice(CITIES)
    traits: dict[str, Any] = {
        "email": f"user{index}@example.com",
        "first_name": rng.choice(["Ann", "Bob", "Cy", "Di"]),
        "plan": rng.choice(["free", "pro", "business"]),
        "seats": rng.randint(1, 500),
        "score": rng.random() * 100,
        "tags": rng.sample(["beta", "vip", "newsletter", "churn-risk"], k=2),
    }
    event: dict[str, Any] = {
        "type": "identify",
        "messageId": f"msg-{index}",
        "timestamp": f"2024-05-{1 + index % 28:02d}T10:{index % 60:02d}:00.000Z",
        "context": {"ip": f"203.0.{index % 256}.{(index * 7) % 256}"},
    }
    if rng.random() < 0.8:
        event["userId"] = f"user-{index}"
    if rng.random() < 0.6 or "userId" not in event:
        event["anonymousId"] = f"anon-{index}"
    address = {"city": city, "state": state, "postal_code": post, "country": "Australia"}
    if rng.random() < 0.7:
        traits["address"] = address
        event["traits"] = traits
    else:
        event["context"]["traits"] = {**traits, "address": address}
    return event


def identify_events(count: int, seed: int = 175) -> list[dict[str, Any]]:
    """``count`` varied identify events."""
    rng = random.Random(seed)
    return [identify_event(rng, i) for i in range(count)]


def track_event(rng: random.Random, index: int) -> dict[str, Any]:
    """One track event for the same population of users."""
    event = identify_event(rng, index)
    event["type"] = "track"
    event["event"] = rng.choice(["Order Completed", "Signed Up", "Page Viewed"])
    event["properties"] = {"revenue": rng.randint(1, 900), "currency": "AUD", "items": 2}
    return event


def audience_event(rng: random.Random, index: int, audience_id: str) -> dict[str, Any]:
    """One Engage audience identify event (member of ``audience_id`` or leaving it)."""
    event = identify_event(rng, index)
    key = "bench_audience"
    event.setdefault("traits", {})[key] = rng.random() < 0.8
    event["context"]["personas"] = {
        "computation_class": "audience",
        "computation_key": key,
        "external_audience_id": audience_id,
    }
    return event


def track_events(count: int, seed: int = 175) -> list[dict[str, Any]]:
    """``count`` varied track events."""
    rng = random.Random(seed)
    return [track_event(rng, i) for i in range(count)]


def audience_events(count: int, audience_id: str, seed: int = 175) -> list[dict[str, Any]]:
    """``count`` varied Engage audience events for ``audience_id``."""
    rng = random.Random(seed)
    return [audience_event(rng, i, audience_id) for i in range(count)]
