"""JSON documents read strictly: a key given twice in one object is refused.

The JSON standard leaves a repeated key's meaning open and Python keeps the last value, so
``{"precinct": "A", "precinct": "B"}`` would be read as precinct B while another reader (or
the person who signed the paper) sees A. Every JSON document Saylau accepts from outside is
read here. The common path costs one ``dict`` per object; the path of the repeated key is
only worked out when one is found.
"""

from __future__ import annotations

import json
from typing import Any


class DuplicateKey(ValueError):
    """A key given twice in one object; ``field`` is its path, e.g. ``protocol.votes.A``."""

    def __init__(self, field: str) -> None:
        self.field = field
        super().__init__(f"field '{field}': the key appears twice in one object")


class _Repeated(Exception):
    """Raised from inside the parser; turned into :class:`DuplicateKey` with its path."""


_MARK = object()  # a key no JSON document can hold: marks the object with a repeated key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Repeated
    return obj


def _marking(pairs: list[tuple[str, Any]]) -> dict[Any, Any]:
    obj: dict[Any, Any] = {}
    for key, value in pairs:
        if key in obj and _MARK not in obj:
            obj[_MARK] = key
        obj[key] = value
    return obj


def _path_of_mark(value: Any, path: str) -> str | None:
    if isinstance(value, dict):
        if _MARK in value:
            return f"{path}.{value[_MARK]}" if path else str(value[_MARK])
        for key, item in value.items():
            found = _path_of_mark(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _path_of_mark(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def loads(text: str | bytes) -> Any:
    """Parse ``text`` as :func:`json.loads` does, refusing any key given twice in an object.

    Raises :class:`json.JSONDecodeError` for text that is not JSON, and
    :class:`DuplicateKey` naming the first repeated key's path."""
    try:
        return json.loads(text, object_pairs_hook=_unique)
    except _Repeated:
        field = _path_of_mark(json.loads(text, object_pairs_hook=_marking), "")
        raise DuplicateKey(field or "(document)") from None
