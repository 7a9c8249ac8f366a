"""Throughput of 100-item ``/v1/identify`` batches: mock_ortto vs. a bare Flask app.

Both run on waitress (same threads) in their own process; the load generator uses
keep-alive ``http.client`` connections from several threads. The bare app only parses the
JSON body and answers ``{"errors": []}``; the mock validates every item, applies the merge
rule and keeps state (in-memory store). Prism is compared too when ``npx`` can fetch it.

Run: ``python -m benchmarks.mock_throughput [--seconds 8] [--clients 4]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
KEY = "pau-0a1b2c3d4e5f6a7b"


def bare_app() -> Any:
    """A Flask app that parses the body and answers ``{"errors": []}``."""
    from flask import Flask, Response, request

    app = Flask("bare", root_path=str(ROOT))

    @app.post("/v1/identify")
    def identify() -> Response:
        json.loads(request.get_data())
        return Response('{"errors":[]}', mimetype="application/json")

    return app


def _serve(kind: str, port: int, threads: int) -> None:
    from waitress import serve

    if kind == "bare":
        app = bare_app()
    else:
        from mock_ortto.app import create_app
        from mock_ortto.config import ServerConfig, Settings

        app = create_app(ServerConfig(settings=Settings(rate_limit=False)))
    serve(app, host="127.0.0.1", port=port, threads=threads, ident="bench", _quiet=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _bodies(count: int = 64) -> list[bytes]:
    out = []
    for b in range(count):
        items = [
            {
                "timestamp": "2024-05-01T10:01:00.000Z",
                "message_id": f"msg-{b}-{i}",
                "user_id": f"user-{b}-{i}",
                "anonymous_id": f"anon-{b}-{i}",
                "enable_batching": True,
                "ip": "203.0.113.11",
                "location": {"country": "Australia", "city": "Perth"},
                "traits": {"email": f"u{b}.{i}@example.com", "first_name": "Ann", "score": i},
                "audience_update_mode": "add",
                "batch_size": 500,
            }
            for i in range(100)
        ]
        out.append(json.dumps(items).encode())
    return out


def _wait(port: int, path: str = "/") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def _load(port: int, seconds: float, clients: int, bodies: list[bytes]) -> tuple[float, int]:
    stop = time.monotonic() + seconds
    counts = [0] * clients
    errors = [0] * clients
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n
        while time.monotonic() < stop:
            conn.request("POST", "/v1/identify", body=bodies[i % len(bodies)], headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[n] += 1
            else:
                errors[n] += 1
            i += clients
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return sum(counts) / elapsed, sum(errors)


def _measure_running(
    name: str,
    proc: subprocess.Popen[bytes],
    port: int,
    seconds: float,
    clients: int,
    bodies: list[bytes],
    settle: float = 0.0,
) -> float:
    """Warm up, load for ``seconds`` and stop the server process; requests/s."""
    try:
        _wait(port)
        time.sleep(settle)
        _load(port, 1.0, clients, bodies)  # warm-up
        rate, errors = _load(port, seconds, clients, bodies)
        if errors:
            print(f"  {name}: {errors} non-200 answers")
        return rate
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _measure(kind: str, seconds: float, clients: int, threads: int, bodies: list[bytes]) -> float:
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.mock_throughput",
            "--serve",
            kind,
            "--port",
            str(port),
            "--threads",
            str(threads),
        ],
        cwd=ROOT,
        env=env,
    )
    return _measure_running(kind, proc, port, seconds, clients, bodies)


def _measure_prism(seconds: float, clients: int, bodies: list[bytes]) -> float | None:
    npx = shutil.which("npx")
    if npx is None:
        print("Prism: skipped (npx not found)")
        return None
    check = subprocess.run(
        [npx, "-y", "@stoplight/prism-cli@5", "--version"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check.returncode != 0:
        reason = (check.stderr or check.stdout).strip().splitlines()[-1:] or ["unknown error"]
        print(f"Prism: skipped (npx could not install @stoplight/prism-cli: {reason[0]})")
        return None
    from mock_ortto.config import ServerConfig
    from mock_ortto.openapi import build

    doc_path = Path(tempfile.mkdtemp()) / "openapi.json"
    doc_path.write_text(json.dumps(build(ServerConfig())))
    port = _free_port()
    proc = subprocess.Popen(
        [
            npx,
            "-y",
            "@stoplight/prism-cli@5",
            "mock",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            str(doc_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return _measure_running("prism", proc, port, seconds, clients, bodies, settle=2.0)


def main(argv: list[str] | None = None) -> int:
    """Run both servers, print requests/s and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--serve", choices=("bare", "mock"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-prism", action="store_true")
    args = parser.parse_args(argv)
    if args.serve:
        _serve(args.serve, args.port, args.threads)
        return 0
    bodies = _bodies()
    print(f"100-item /v1/identify batches, {args.clients} clients, waitress {args.threads} threads")
    bare = _measure("bare", args.seconds, args.clients, args.threads, bodies)
    mock = _measure("mock", args.seconds, args.clients, args.threads, bodies)
    print(f"bare Flask : {bare:8.1f} requests/s ({bare * 100:9.0f} items/s)")
    print(f"mock_ortto : {mock:8.1f} requests/s ({mock * 100:9.0f} items/s)")
    print(f"ratio      : {mock / bare:8.2f}x (goal >= 0.5x)")
    if not args.no_prism:
        prism = _measure_prism(args.seconds, args.clients, bodies)
        if prism is not None:
            print(f"Prism mock : {prism:8.1f} requests/s (ratio mock/prism {mock / prism:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
