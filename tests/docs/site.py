"""Building, reading and serving the docs site for the tests."""

from __future__ import annotations

import functools
import html
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tools.docsgen.paths import html_path as html_path  # re-exported for the tests

ROOT = Path(__file__).resolve().parents[2]
SITE_DIR_VAR = "DOCS_SITE_DIR"
"""Set by the nox sessions to the directory of the build they just made."""


class BuildFailed(AssertionError):
    """``mkdocs build --strict`` refused the site; the message ends with its log."""


def build(destination: Path, config: Path = ROOT / "mkdocs.yml", **env: str) -> Path:
    """``mkdocs build --strict`` of ``config`` into ``destination``.

    Not ``-q``: MkDocs 1.6 counts the warnings ``--strict`` fails on only when it logs them.
    """
    command = ["mkdocs", "build", "--strict", "-f", str(config), "-d", str(destination)]
    done = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
    )
    if done.returncode != 0:
        raise BuildFailed(f"mkdocs build --strict failed:\n{done.stderr[-6000:]}")
    return destination


def built_site(tmp: Path) -> Path:
    """The build the nox session made, or a fresh one in ``tmp``."""
    given = os.environ.get(SITE_DIR_VAR)
    if given and (Path(given) / "index.html").is_file():
        return Path(given)
    return build(tmp / "site")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _article(site: Path, page: str) -> str:
    document = html_path(site, page).read_text(encoding="utf-8")
    start = document.index("<article")
    return document[start : document.index("</article>", start)]


def visible_text(markup: str) -> str:
    """The text a reader sees in ``markup`` (scripts and styles left out)."""
    parser = _Text()
    parser.feed(markup)
    return html.unescape(" ".join(parser.parts))


def article_text(site: Path, page: str) -> str:
    """The visible text of a page's article (navigation excluded)."""
    return visible_text(_article(site, page))


def table_row(site: Path, page: str, marker: str) -> str:
    """The HTML of the one table row of a page's article that contains ``marker``."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", _article(site, page), re.S) if marker in row]
    assert len(rows) == 1, f"{len(rows)} rows of {page} contain {marker}"
    return rows[0]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
