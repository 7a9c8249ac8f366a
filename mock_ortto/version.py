"""The mock's version: the kit's one version function (:mod:`reference_client.version`)."""

from __future__ import annotations

from reference_client.version import DISTRIBUTION, package_version

__all__ = ["DISTRIBUTION", "package_version"]
