"""HTTP: the request client Segment gives a destination, and the transports under it."""

from reference_client.transport.client import RequestClient, Response
from reference_client.transport.transports import (
    HttpxTransport,
    OutgoingRequest,
    PreviewTransport,
    RawResponse,
    Transport,
)

__all__ = [
    "HttpxTransport",
    "OutgoingRequest",
    "PreviewTransport",
    "RawResponse",
    "RequestClient",
    "Response",
    "Transport",
]
