"""Site-level behaviour of the build: edit links and hand-written files at generated paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from tests.docs.site import ROOT, BuildFailed, build, html_path
from tools.docsgen import hook
from tools.docsgen.site import pages

REPO = "https://git.example.com/ortto-kit/"


def _edit_link(site: Path, page: str) -> str:
    document = html_path(site, page).read_text(encoding="utf-8")
    found = re.search(r'<a href="([^"]+)" title="Edit this page"', document)
    assert found, page
    return found.group(1)


def test_edit_links_follow_the_configured_repository(tmp_path: Path) -> None:
    site = build(tmp_path / "site", DOCS_REPO_URL=REPO)
    assert _edit_link(site, "index.md") == REPO + "edit/main/docs/index.md"
    assert _edit_link(site, "actions/upsert-contact.md") == (
        REPO + "edit/main/tools/docsgen/action_pages.py"
    )


def test_without_a_repository_there_are_no_edit_links(site: Path) -> None:
    document = html_path(site, "index.md").read_text(encoding="utf-8")
    assert 'title="Edit this page"' not in document


def test_a_hand_written_file_at_a_generated_path_is_refused() -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    taken = pages()[0].path
    by_hand = File(
        taken, src_dir=config.docs_dir, dest_dir=config.site_dir, use_directory_urls=True
    )
    files = Files([by_hand])
    with pytest.raises(PluginError, match="is generated"):
        hook.on_files(files, config)


def test_the_test_build_fails_on_a_warning(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\n[gone](missing.md)\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: probe\n")
    with pytest.raises(BuildFailed, match=r"missing\.md"):
        build(tmp_path / "site", config)
