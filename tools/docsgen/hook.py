"""MkDocs hook (``hooks:`` in ``mkdocs.yml``): adds the generated pages to the build.

A plain MkDocs hook, so the configuration stays readable by MkDocs' successors.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the generators are a package
    sys.path.insert(0, str(ROOT))

from tools.docsgen.site import pages  # noqa: E402

log = logging.getLogger("mkdocs.hooks.docsgen")


def edit_path(source: str, docs_dir: str) -> str:
    """The generator's path relative to ``docs/``, so edit links open the generator."""
    return Path(os.path.relpath(ROOT / source, docs_dir)).as_posix()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Edit links need a repository address: without ``repo_url`` there are none."""
    if not config.repo_url:
        log.info("docsgen: DOCS_REPO_URL is not set, so pages have no edit links")
        config.edit_uri = None
        config.edit_uri_template = None
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Render every generated page; a hand-written file at the same path is an error."""
    for page in pages():
        if files.get_file_from_path(page.path) is not None:
            raise PluginError(f"docs/{page.path} is generated: delete the hand-written file")
        generated = File.generated(config, page.path, content=page.render())
        generated.edit_uri = edit_path(page.source, config.docs_dir)
        files.append(generated)
    log.info("docsgen: %d generated pages", len(pages()))
    return files
