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
