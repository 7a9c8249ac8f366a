"""Where each generated page lives in the site (``docs/``-relative paths)."""

from __future__ import annotations

import re
from pathlib import Path

from tools.docsgen.sources import Action, Destination


def slug(title: str) -> str:
    """``Ortto (Actions)`` -> ``ortto-actions``; ``Upsert Contact`` -> ``upsert-contact``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def destination_page(destination: Destination) -> str:
    """The page of a destination."""
    return f"destinations/{slug(destination.name)}.md"


def action_page(action: Action) -> str:
    """The page of an action."""
    return f"actions/{slug(action.title)}.md"


def link(from_page: str, to_page: str, anchor: str = "") -> str:
    """A relative link between two generated pages (both one folder deep)."""
    target = to_page if from_page.count("/") == 0 else f"../{to_page}"
    return target + (f"#{anchor}" if anchor else "")


def html_path(site: Path, page: str) -> Path:
    """Where a page lands in a built site: ``actions/upsert-contact.md`` ->
    ``SITE/actions/upsert-contact/index.html`` (directory URLs)."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site / stem.removesuffix("index") / "index.html"
    return site / stem / "index.html"
