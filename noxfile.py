"""Everything CI runs: ``nox`` with no arguments runs the default sessions.

The docs sessions build the site into ``build/docs-site`` (``docs``: strict build and the tests
that hold it to the code; ``docs-browser``: the same build opened in Debian's headless Chromium,
screenshots in ``build/docs-browser``).

Not part of the default run: ``nox -s bench`` (benchmarks that print figures),
``nox -s differential`` (the real destination code, fetched from the npm registry, against the
reference client; needs Node.js and npm), ``nox -s docs-zensical`` (the same ``mkdocs.yml``
built by Zensical, the successor of Material for MkDocs: an exit route kept tested) and
``nox -s fuzz`` (long contract fuzzing of the mock).
"""

from __future__ import annotations

import nox

nox.options.sessions = [
    "lint",
    "typing",
    "tests",
    "contract",
    "docs",
    "docs-browser",
    "docs-examples",
]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

PACKAGES = ["reference_client", "mock_ortto"]
DOCS_SITE = "build/docs-site"
DOCS_ENV = {"NO_MKDOCS_2_WARNING": "1", "DOCS_SITE_DIR": DOCS_SITE}


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole tree."""
    session.install("ruff==0.17.6")  # exact: formatter output must not drift under CI
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    """mypy --strict on both packages and the docs generators."""
    session.install("-e", ".[dev,test,docs]", "mypy==2.4.1")  # exact, like ruff in lint
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """The pytest suite: unit, property-based, conformance vectors and live-server tests."""
    session.install("-e", ".[test]")
    session.run("pytest", "-n", "2", "--ignore=tests/docs", *session.posargs)


@nox.session
def contract(session: nox.Session) -> None:
    """schemathesis ``st run`` (stateless and stateful phases) against a live mock server."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "tests.contract.run_schemathesis", *session.posargs)


def _build_docs(session: nox.Session) -> None:
    session.run("mkdocs", "build", "--strict", "-d", DOCS_SITE, env=DOCS_ENV)


@nox.session
def docs(session: nox.Session) -> None:
    """The docs site: ``mkdocs build --strict``, then the tests that hold it to the code."""
    session.install("-e", ".[docs,test]")
    _build_docs(session)
    session.run("pytest", "tests/docs", *session.posargs, env=DOCS_ENV)


@nox.session(name="docs-browser")
def docs_browser(session: nox.Session) -> None:
    """The built site served on loopback and opened in headless Chromium (/usr/bin/chromium)."""
    session.install("-e", ".[docs,test,browser]")
    _build_docs(session)
    session.run(
        "pytest",
        "tests/docs/test_browser.py",
        *session.posargs,
        env={**DOCS_ENV, "DOCS_BROWSER": "1"},
    )


@nox.session(name="docs-examples")
def docs_examples(session: nox.Session) -> None:
    """Every code block in docs/ and README.md, run against a live mock; shown output checked.

    ``nox -s docs-examples -- --update-examples`` rewrites shown output that changed.
    """
    session.install("-e", ".[test]")
    session.run(
        "python",
        "-m",
        "pytest",
        "-p",
        "tests.docs_examples.plugin",
        "-p",
        "no:cacheprovider",
        "docs",
        "README.md",
        *session.posargs,
    )


@nox.session(name="docs-zensical")
def docs_zensical(session: nox.Session) -> None:
    """Exit route from Material: the same mkdocs.yml built by Zensical into ``site/``.

    Fails, saying so, while Zensical does not run the ``hooks:`` that generate the reference
    pages (``tools/docsgen/zensical_build.py``).
    """
    session.install("-e", ".[docs]", "zensical")
    session.run("python", "-m", "tools.docsgen.zensical_build")


FUZZ_CASES = 100_000


@nox.session
def fuzz(session: nox.Session) -> None:
    """At least 100,000 schemathesis cases against a live mock, plus body-parsing properties.

    Posargs go to the schemathesis run (e.g. ``--min-cases 5000`` for a shorter try).
    """
    session.install("-e", ".[test]")
    session.run(
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-profile=fuzz",
        "--hypothesis-show-statistics",
        "tests/mock_ortto/test_parsing_properties.py",
    )
    session.run(
        "python",
        "-m",
        "tests.contract.run_schemathesis",
        "--max-examples",
        "3000",
        "--max-time",
        "3600",
        "--min-cases",
        str(FUZZ_CASES),
        *session.posargs,
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks that print figures (docs/benchmarks.md): the reference client against
    Segment's Node runtime, the mock against its ceiling and Prism, store size, a soak.

    Installs what it uses when missing: wrk with apt-get (only as root), the Node runtime and
    Prism with npm into ignored folders. ``nox -s bench -- --quick`` for short runs.
    """
    session.install("-e", ".[test]")
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def differential(session: nox.Session) -> None:
    """Random calls through the real destination (Node) and the reference client; 0 diffs."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "tools.differential", *(session.posargs or ["--calls", "1000"]))
    session.run("python", "-m", "tools.differential.liquid")
