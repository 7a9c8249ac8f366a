"""The built site in headless Chromium: offline, no console errors, diagrams, search, palette.

Runs under ``nox -s docs-browser`` (Debian's ``/usr/bin/chromium`` driven by Playwright; no
browser download). Screenshots and the list of every request go to ``build/docs-browser/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.docs.site import ROOT, serve

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = ROOT / "build" / "docs-browser"
LOCAL_SCHEMES = ("data", "blob", "about")
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, Object.assign({}, init, { mode: "open" }));
};
"""
"""Material draws mermaid diagrams into closed shadow roots; opened here so tests can see them."""
CONTENT_PAGES = ("guides/audiences.md", "guides/churn.md")
"""Pages written by hand elsewhere; checked whenever they exist."""


@dataclass
class Browser:
    """A Chromium context on the served site, recording requests and console errors."""

    base: str
    context: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> Any:
        """A new tab on ``path`` once the network is idle."""
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"{path}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{path}: {e}"))
        page.goto(self.base + path, wait_until="networkidle")
        return page


@pytest.fixture(scope="module")
def browser(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Chromium with a fresh profile on the site served from loopback."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: apt-get install chromium"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with serve(site) as base, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            color_scheme="light",
            viewport={"width": 1400, "height": 1000},
        )
        context.add_init_script(OPEN_SHADOW_ROOTS)
        handle = Browser(base, context)
        context.on("request", lambda r: handle.requests.append(r.url))
        try:
            yield handle
        finally:
            (OUTPUT / "requests.json").write_text(json.dumps(handle.requests, indent=1))
            context.close()


def site_pages(site: Path) -> list[str]:
    """The URL path of every built page (``404.html`` aside)."""
    found = []
    for index in sorted(site.rglob("index.html")):
        relative = index.parent.relative_to(site).as_posix()
        found.append("" if relative == "." else relative + "/")
    return found


def leaving_loopback(urls: list[str]) -> list[str]:
    """Requests that would leave the machine."""
    outside = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            continue
        if parts.scheme not in ("http", "https") or parts.hostname != "127.0.0.1":
            outside.append(url)
    return outside


def page_url(page: str) -> str:
    """``guides/churn.md`` -> ``guides/churn/``."""
    return page.removesuffix(".md") + "/"


def source_counts(markdown: str) -> tuple[int, int]:
    """Tables (header separator rows) and mermaid fences written in a Markdown source."""
    tables = len(re.findall(r"^\|(?: *:?-{3,}:? *\|)+ *$", markdown, flags=re.MULTILINE))
    return tables, markdown.count("```mermaid")


def check_tables_and_diagrams(
    browser: Browser, path: str, shot: str, expected: tuple[int, int] | None = None
) -> None:
    """Every mermaid block became an SVG and the tables are there.

    ``expected`` (tables, diagrams) comes from a hand-written page's source; a generated page
    must show at least one of each.
    """
    tab = browser.open(path)
    try:
        diagrams = tab.locator("article .mermaid").count()
        assert diagrams > 0, f"{path} has no diagram"
        if expected is not None:
            assert diagrams == expected[1], f"{path}: {diagrams} diagrams, source has {expected[1]}"
        tab.wait_for_function(
            "n => document.querySelectorAll('article .mermaid').length === n && "
            "[...document.querySelectorAll('article .mermaid')].every("
            "e => e.shadowRoot && e.shadowRoot.querySelector('svg'))",
            arg=diagrams,
        )
        assert tab.locator("article .mermaid svg").count() >= diagrams
        tables = tab.locator("article table").count()
        if expected is None:
            assert tables > 0, f"{path} has no table"
        else:
            assert tables == expected[0], f"{path}: {tables} tables, source has {expected[0]}"
        tab.screenshot(path=str(OUTPUT / shot), full_page=True)
    finally:
        tab.close()


def test_every_page_loads_offline_without_console_errors(browser: Browser, site: Path) -> None:
    paths = site_pages(site)
    assert len(paths) >= 10
    for path in paths:
        browser.open(path).close()
    assert not browser.errors
    assert not leaving_loopback(browser.requests)
    assert any("mermaid.min.js" in url for url in browser.requests)


def test_action_page_renders_tables_and_diagrams(browser: Browser) -> None:
    check_tables_and_diagrams(browser, "actions/upsert-contact/", "action-upsert-contact.png")
    assert not leaving_loopback(browser.requests)


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_guide_renders_tables_and_diagrams(browser: Browser, page: str) -> None:
    source = (ROOT / "docs" / page).read_text(encoding="utf-8")
    check_tables_and_diagrams(
        browser, page_url(page), page.replace("/", "-") + ".png", source_counts(source)
    )
    assert not browser.errors
    assert not leaving_loopback(browser.requests)


def test_search_finds_the_associate_audience_hook(browser: Browser) -> None:
    tab = browser.open("")
    try:
        tab.locator("label.md-search__icon, .md-search__input").first.click()
        tab.locator("input.md-search__input").press_sequentially("audience_name", delay=20)
        results = tab.locator(".md-search-result__item")
        results.first.wait_for()
        assert "Associate Audience" in " ".join(results.all_inner_texts())
        tab.screenshot(path=str(OUTPUT / "search-audience_name.png"))
    finally:
        tab.close()


def test_dark_palette_toggles(browser: Browser) -> None:
    tab = browser.open("destinations/ortto-actions/")
    try:
        scheme = "document.body.getAttribute('data-md-color-scheme')"
        assert tab.evaluate(scheme) == "default"
        tab.locator("form[data-md-component=palette] label:visible").first.click()
        tab.wait_for_function(f"{scheme} === 'slate'")
        tab.screenshot(path=str(OUTPUT / "dark-destination.png"), full_page=True)
        tab.locator("form[data-md-component=palette] label:visible").first.click()
        tab.wait_for_function(f"{scheme} === 'default'")
    finally:
        tab.close()
    assert not browser.errors
