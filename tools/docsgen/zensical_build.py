"""The exit route from Material for MkDocs: build the same ``mkdocs.yml`` with Zensical.

``nox -s docs-zensical`` runs ``python -m tools.docsgen.zensical_build``. It runs
``zensical build`` on the unchanged configuration, then checks that the pages our MkDocs hook
generates (:func:`tools.docsgen.site.pages`) are in the output. Zensical does not run MkDocs
``hooks:`` (it ignores what it does not implement), so today the build lacks them and this
command fails saying so; it passes on the day a Zensical release runs the hook. The Material
build (``nox -s docs``) stays the reference and is never bent to fit.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from tools.docsgen.paths import html_path
from tools.docsgen.site import GeneratedPage, pages

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
"""Where Zensical writes: ``mkdocs.yml`` names no ``site_dir``, so the default ``site/``."""
HOOK = "tools/docsgen/hook.py"


def missing_pages(site: Path, generated: Sequence[GeneratedPage]) -> list[str]:
    """The generated pages that are not in ``site``."""
    return [page.path for page in generated if not html_path(site, page.path).is_file()]


def verdict(returncode: int, site: Path, generated: Sequence[GeneratedPage], version: str) -> str:
    """What the build came to: an empty string when it is complete, else why it is not."""
    if not (site / "index.html").is_file():
        return f"zensical {version} built no site (exit status {returncode}); see its output above"
    missing = missing_pages(site, generated)
    if missing:
        return (
            f"zensical {version} does not run the MkDocs hook in mkdocs.yml ({HOOK}), so the"
            f" {len(missing)} generated pages are missing: {', '.join(missing)}. Its"
            " warnings above are the links to them. The hand-written pages, the theme and the"
            " Markdown extensions did build. The site is built with Material: nox -s docs."
        )
    if returncode != 0:
        return f"zensical {version} built every page but failed (exit status {returncode})"
    return ""


def main() -> int:
    """Build with Zensical and say whether the site is complete (exit status 0) or not (1)."""
    zensical = shutil.which("zensical")
    if zensical is None:
        print("zensical is not installed (pip install zensical)", file=sys.stderr)
        return 1
    version = metadata.version("zensical")
    shutil.rmtree(SITE, ignore_errors=True)
    done = subprocess.run([zensical, "build", "--clean"], cwd=ROOT, check=False)
    problem = verdict(done.returncode, SITE, pages(), version)
    if problem:
        print(f"docs-zensical: {problem}", file=sys.stderr)
        return 1
    print(f"docs-zensical: zensical {version} built every page into {SITE.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
