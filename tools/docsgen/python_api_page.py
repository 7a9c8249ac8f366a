"""The Python API page: mkdocstrings directives for the public modules."""

from __future__ import annotations

from tools.docsgen.sources import PYTHON_API_MODULES


def render() -> str:
    """A section per module; mkdocstrings fills in the rest."""
    parts = [
        "# Python API",
        "The Python entry points: the reference client's API and its per-event outcomes, and "
        "the helpers that run the mock inside a test. Rendered from the docstrings.",
    ]
    for module in PYTHON_API_MODULES:
        parts += [f"::: {module}\n    options:\n      heading_level: 2"]
    return "\n\n".join(parts) + "\n"
