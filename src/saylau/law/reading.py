"""Text read one way only: YAML with each key once, days written YYYY-MM-DD.

The law's files and election definitions are YAML, and PyYAML keeps the last of two equal
keys, as JSON readers do. It also reads ``2023-3-19`` as a date, and Python 3.11's
``date.fromisoformat`` takes ``20230319`` and ``2023-W11-7``: forms a person checking the file
may read otherwise, or not as a date at all. Here a repeated key is an error with its line,
and a day is a day only in the one form ISO 8601 and every commission's reader share.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

ISO_DAY = "ISO 8601 date YYYY-MM-DD"
"""The rule a date must follow, as error messages name it."""

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(text: str) -> dt.date | None:
    """The day ``text`` names as YYYY-MM-DD, or None for any other form or no such day."""
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # 2023-02-30
        return None


class RepeatedYamlKey(yaml.YAMLError):
    """A key given twice in one mapping; ``line`` counts from 1."""

    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


class StrictYamlLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping; a timestamp not
    written YYYY-MM-DD stays the text it was, for the reader of the field to refuse."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen and key != "<<"
                seen.add(key)
            except TypeError:  # an unhashable key: the safe loader refuses it itself
                continue
            if repeated:
                raise RepeatedYamlKey(str(key), key_node.start_mark.line + 1)
        return super().construct_mapping(node, deep=deep)


def _day_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> dt.date | str:
    assert isinstance(node, yaml.ScalarNode)
    text = loader.construct_scalar(node)
    return iso_day(text) or text


StrictYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _day_or_text)


def read_yaml(text: str) -> Any:
    """Parse YAML with :class:`StrictYamlLoader` (a SafeLoader: no arbitrary objects).

    Raises :class:`RepeatedYamlKey` for a key given twice, else ``yaml.YAMLError``."""
    return yaml.load(text, Loader=StrictYamlLoader)


__all__ = ["ISO_DAY", "RepeatedYamlKey", "StrictYamlLoader", "iso_day", "read_yaml"]
