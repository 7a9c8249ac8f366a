"""Python reference implementation of Segment's Ortto (Actions) and Ortto (Audiences) destinations.

The declarative definitions in :mod:`reference_client.definitions` are the single source of
truth; :mod:`reference_client.runtime` reproduces the Segment Actions runtime around them and
:mod:`reference_client.destinations` the destination code itself.
"""

from reference_client.version import package_version

__version__ = package_version()
"""The installed ``ortto-reference-kit`` version (``pyproject.toml``'s when not installed)."""
