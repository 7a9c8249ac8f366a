"""Segment mapping-kit: validate mappings and resolve their ``@directives`` against events.

>>> transform({"id": {"@path": "$.userId"}, "x": {"@path": "$.nope"}}, {"userId": "u1"})
{'id': 'u1'}
"""

from reference_client.mapping.errors import (
    LiquidError,
    MappingError,
    MappingValidationError,
    UnsupportedDirectiveError,
)
from reference_client.mapping.get import get
from reference_client.mapping.mapping import Mapping, compile_mapping, transform
from reference_client.mapping.validate import validate_mapping

__all__ = [
    "LiquidError",
    "Mapping",
    "MappingError",
    "MappingValidationError",
    "UnsupportedDirectiveError",
    "compile_mapping",
    "get",
    "transform",
    "validate_mapping",
]
