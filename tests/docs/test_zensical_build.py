"""The docs-zensical verdict: a Zensical build is complete only with every generated page."""

from __future__ import annotations

from pathlib import Path

from tools.docsgen.paths import html_path
from tools.docsgen.site import pages
from tools.docsgen.zensical_build import HOOK, verdict


def _site(tmp_path: Path, pages_built: list[str]) -> Path:
    for page in ["index.md", *pages_built]:
        path = html_path(tmp_path, page)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<html></html>", encoding="utf-8")
    return tmp_path


def test_a_build_without_the_generated_pages_names_the_hook_and_each_page(tmp_path: Path) -> None:
    said = verdict(1, _site(tmp_path, []), pages(), "0.0.0")
    assert HOOK in said
    assert all(page.path in said for page in pages())


def test_a_build_with_every_generated_page_is_complete(tmp_path: Path) -> None:
    assert verdict(0, _site(tmp_path, [p.path for p in pages()]), pages(), "0.0.0") == ""


def test_a_failed_build_with_every_page_still_fails(tmp_path: Path) -> None:
    said = verdict(1, _site(tmp_path, [p.path for p in pages()]), pages(), "0.0.0")
    assert "exit status 1" in said


def test_no_site_at_all_is_said_plainly(tmp_path: Path) -> None:
    assert "built no site" in verdict(2, tmp_path, pages(), "0.0.0")
