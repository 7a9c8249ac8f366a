"""Nothing accepted is lost: writers, injected faults and hostile clients at once.

``python -m tests.mock_ortto.soak [--mode single|workers] [--writers N] [--batches N]`` starts
a real server, lets writers send batches of new contacts while faults are injected (per-item
errors, 500s, dropped connections) and hostile clients trickle headers, send oversized,
chunked, malformed and non-UTF-8 requests. Then it compares what was acknowledged with what
is stored and prints the figures; the exit status is non-zero if any acknowledged item is
missing or any refused item was stored.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.mock_ortto.proc import ServerProcess

KEY = "pau-50a4c0ffee"
HOSTILE_KEY = b"pzz-hostile"  # faults are queued for KEY only: hostile requests leave them
ITEMS_PER_BATCH = 50


@dataclass
class Tally:
    """What the writers saw."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    batches: int = 0
    acknowledged: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    unanswered: set[str] = field(default_factory=set)
    fault_answers: int = 0
    hostile: int = 0


def _writer(base: str, name: str, batches: int, tally: Tally) -> None:
    client = httpx.Client(
        base_url=base + "/v1", headers={"Authorization": f"Bearer {KEY}"}, timeout=30
    )
    for number in range(batches):
        ids = [f"{name}-{number}-{i}" for i in range(ITEMS_PER_BATCH)]
        try:
            answer = client.post("/identify", json=[{"user_id": uid} for uid in ids])
        except httpx.TransportError:  # a dropped connection: nothing was acknowledged
            with tally.lock:
                tally.batches += 1
                tally.unanswered.update(ids)
            continue
        with tally.lock:
            tally.batches += 1
            if answer.headers.get("X-Mock-Rule") == "fault.injected":
                tally.fault_answers += 1
            if answer.status_code != 200:  # refused whole: nothing of it may be stored
                tally.failed.update(ids)
                continue
            bad = {ids[e["index"]] for e in answer.json()["errors"]}
            tally.refused.update(bad)
            tally.acknowledged.update(set(ids) - bad)
    client.close()


def _hostile(port: int, stop: threading.Event, tally: Tally) -> None:
    """Cycle through hostile requests until told to stop."""
    attacks = [
        b"POST /v1/identify HTTP/1.1\r\nHost: m\r\nContent-Length: 52428800\r\n\r\n[",
        b"POST /v1/identify HTTP/1.1\r\nHost: m\r\nTransfer-Encoding: chunked\r\n\r\n"
        + (b"10000\r\n" + b"x" * 65536 + b"\r\n") * 40,
        b"GET / HTTP/1.1\r\nHost: m\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n",
        b"POST /v1/identify HTTP/1.1\r\nHost: m\r\nContent-Length: nope\r\n\r\n",
        b"POST /v1/identify HTTP/1.1\r\nHost: m\r\nAuthorization: Bearer "
        + HOSTILE_KEY
        + b"\r\nContent-Length: 12\r\n\r\n"
        + '["\u00e9"]'.encode("utf-16"),
        b"PUT /_mock/state HTTP/1.1\r\nHost: m\r\nContent-Length: 999999999\r\n\r\n{",
    ]
    for attack in itertools.cycle(attacks):
        if stop.is_set():
            return
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.settimeout(10)
                sock.sendall(attack)
                sock.recv(4096)
        except OSError:
            pass
        with tally.lock:
            tally.hostile += 1


def _trickler(port: int, stop: threading.Event, tally: Tally) -> None:
    """A slow client: a byte of headers now and then, on several connections."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
    with tally.lock:
        tally.hostile += len(socks)
    try:
        while not stop.wait(0.2):
            for sock in socks:
                with contextlib.suppress(OSError):
                    sock.send(b"X")
    finally:
        for sock in socks:
            sock.close()


def run(mode: str, writers: int, batches: int) -> tuple[Tally, set[str], int]:
    """Run the soak; return the tally, the stored user ids and the faults queued."""
    with tempfile.TemporaryDirectory() as tmp:
        args = ["--quiet", "--rate-limit", "off", "--read-timeout", "2"]
        if mode == "workers":
            args += ["--workers", "2", "--store", f"sqlite:{Path(tmp) / 'soak.db'}"]
        server = ServerProcess(*args)
        port = int(server.base_url.rsplit(":", 1)[1])
        admin = httpx.Client(base_url=server.base_url, timeout=30)
        faults = [
            {"api_key": KEY, "path": "/v1/identify", "count": 5, "item_errors": [{"index": 0}]},
            {"api_key": KEY, "path": "/v1/identify", "count": 3, "status": 500},
            {"api_key": KEY, "path": "/v1/identify", "count": 2, "drop_connection": True},
        ]
        for fault in faults:
            admin.post("/_mock/faults", json=fault).raise_for_status()
        tally = Tally()
        stop = threading.Event()
        noise = [
            threading.Thread(target=_hostile, args=(port, stop, tally)),
            threading.Thread(target=_trickler, args=(port, stop, tally)),
        ]
        for thread in noise:
            thread.start()
        work = [
            threading.Thread(target=_writer, args=(server.base_url, f"w{n}", batches, tally))
            for n in range(writers)
        ]
        for thread in work:
            thread.start()
        for thread in work:
            thread.join(timeout=600)
        stop.set()
        for thread in noise:
            thread.join(timeout=30)
        time.sleep(0.1)
        contacts: list[dict[str, str]] = []
        offset: int | None = 0
        while offset is not None:  # the list comes a page at a time
            page = admin.get("/_mock/contacts", params={"api_key": KEY, "offset": offset}).json()
            contacts.extend(page["contacts"])
            offset = page["next_offset"]
        admin.close()
        server.stop()
    queued = sum(int(f["count"]) for f in faults)
    return tally, {c["user_id"] for c in contacts}, queued


def main(argv: list[str] | None = None) -> int:
    """Run and print the figures; 0 only if nothing accepted was lost."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("single", "workers"), default="workers")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--batches", type=int, default=50)
    args = parser.parse_args(argv)
    tally, stored, queued = run(args.mode, args.writers, args.batches)
    lost = tally.acknowledged - stored
    # a dropped connection may come after the batch was applied: only refusals must be absent
    phantoms = (tally.refused | tally.failed) & stored
    print(f"mode: {args.mode}")
    print(f"batches sent: {tally.batches} ({tally.batches * ITEMS_PER_BATCH} items)")
    print(f"items acknowledged: {len(tally.acknowledged)}; stored: {len(stored)}")
    print(f"faults queued: {queued}; answers decided by a fault: {tally.fault_answers}")
    print(
        f"items refused per item: {len(tally.refused)}; in refused batches:"
        f" {len(tally.failed)}; in dropped answers: {len(tally.unanswered)}"
    )
    print(f"hostile connections: {tally.hostile}")
    print(f"items lost: {len(lost)}; refused items stored: {len(phantoms)}")
    return 0 if not lost and not phantoms else 1


if __name__ == "__main__":
    sys.exit(main())
