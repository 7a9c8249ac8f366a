"""``getEndpoint``: the regional Ortto base URL derived from the API key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference_client.js.values import trim, truthy
from reference_client.runtime.errors import InvalidAuthenticationError, JSTypeError

API_VERSION = "v1"
LOCAL_ENDPOINT_VAR = "ORTTO_LOCAL_ENDPOINT"
API_KEY_VAR = "ORTTO_API_KEY"


def get_endpoint(api_key: Any, env: Mapping[str, str]) -> str:
    """Base URL for ``api_key``, honouring ``ORTTO_LOCAL_ENDPOINT`` first.

    >>> get_endpoint("pau-key", {})
    'https://segment-action-api-au.ortto.app/v1'
    >>> get_endpoint("seu-abc", {})
    'https://segment-action-api-eu.ortto-stg.app/v1'

    Raises :class:`InvalidAuthenticationError` ("Invalid API key") when the key is empty, its
    first dash is not at index 3, or its two-character region is blank after trimming.
    """
    local = env.get(LOCAL_ENDPOINT_VAR)
    if local is not None:
        return f"{local}/{API_VERSION}"
    if not truthy(api_key):
        raise InvalidAuthenticationError("Invalid API key")
    if not isinstance(api_key, str):
        raise JSTypeError("apiKey.indexOf is not a function")
    if api_key.find("-") != 3:
        raise InvalidAuthenticationError("Invalid API key")
    environment = "-stg" if api_key[0] == "s" else ""
    region = trim(api_key[1:3])
    if len(region) != 2:
        raise InvalidAuthenticationError("Invalid API key")
    return f"https://segment-action-api-{region}.ortto{environment}.app/{API_VERSION}"
