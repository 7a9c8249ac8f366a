"""Many threads, and several server processes sharing one SQLite file: exact final counts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from mock_ortto.testing import RunningMock
from tests.mock_ortto.conftest import KEY
from tests.mock_ortto.proc import ServerProcess

AUTH = {"Authorization": f"Bearer {KEY}"}


def _upsert(base_url: str, worker: int, batches: int, size: int) -> int:
    ok = 0
    with httpx.Client(base_url=base_url + "/v1", headers=AUTH, timeout=60) as client:
        for b in range(batches):
            items = [
                {
                    "user_id": f"w{worker}-b{b}-i{i}",
                    "anonymous_id": f"shared-{i % 7}",
                    "traits": {"n": i},
                }
                for i in range(size)
            ]
            items.append({"user_id": "everyone", "traits": {f"w{worker}": b}})
            r = client.post("/identify", json=items)
            assert r.status_code == 200 and r.json() == {"errors": []}
            ok += 1
    return ok


def test_many_threads(live: RunningMock) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        done = sum(pool.map(lambda w: _upsert(live.base_url, w, 5, 20), range(8)))
    assert done == 40
    contacts = live.admin.contacts(KEY)
    assert len(contacts) == 8 * 5 * 20 + 1
    everyone = live.admin.contacts(KEY, user_id="everyone")[0]
    assert everyone["traits"] == {f"w{w}": 4 for w in range(8)}
    anon_owners = [c for c in contacts if c["anonymous_ids"]]
    assert len(anon_owners) <= 7  # each shared anonymous id belongs to exactly one contact
    assert sorted(a for c in anon_owners for a in c["anonymous_ids"]) == sorted(
        f"shared-{i}" for i in range(7)
    )


@pytest.mark.slow
def test_two_processes_one_sqlite_file(tmp_path: Path) -> None:
    store = f"sqlite:{tmp_path / 'shared.sqlite3'}"
    servers = [ServerProcess("--store", store, "--rate-limit", "off") for _ in range(2)]
    try:
        urls = [s.base_url for s in servers]
        with ThreadPoolExecutor(max_workers=8) as pool:
            done = sum(pool.map(lambda w: _upsert(urls[w % 2], w, 4, 25), range(8)))
        assert done == 32
        for url in urls:
            contacts = httpx.get(url + "/_mock/contacts", params={"api_key": KEY}).json()[
                "contacts"
            ]
            assert len(contacts) == 8 * 4 * 25 + 1
            ids = [c["id"] for c in contacts]
            assert len(set(ids)) == len(ids)
        audiences = [
            httpx.post(
                urls[i % 2] + "/v1/audiences/create", json={"name": "Shared"}, headers=AUTH
            ).json()
            for i in range(6)
        ]
        assert {a["id"] for a in audiences} == {"aud_0001"}
    finally:
        for server in servers:
            server.stop()


@pytest.mark.slow
def test_gunicorn_workers_share_state(tmp_path: Path) -> None:
    store = f"sqlite:{tmp_path / 'g.sqlite3'}"
    server = ServerProcess("--store", store, "--workers", "2", "--rate-limit", "off")
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            assert sum(pool.map(lambda w: _upsert(server.base_url, w, 3, 10), range(6))) == 18
        contacts = httpx.get(server.base_url + "/_mock/contacts", params={"api_key": KEY}).json()[
            "contacts"
        ]
        assert len(contacts) == 6 * 3 * 10 + 1
    finally:
        server.stop()
