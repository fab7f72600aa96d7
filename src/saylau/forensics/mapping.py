"""The column mapping of an imported precinct table: which column is voters, ballots, each option.

Tables come from commissions, scrapers and researchers, each with its own headers (the Russian
protocols call the lines by number, a CSV from a journalist by name). A mapping is a small
document, YAML or JSON, or the same pairs given on the command line::

    precinct: [region, tik, uik]      # one column, or several joined with " / "
    region: region
    district: tik                     # optional: groups for the identical-protocol check
    voters: [voters_on_list, voters_added]   # several columns are summed
    issued: ballots_issued
    valid: valid
    invalid: invalid
    options:                          # each option's name and its column, in ballot order
      tokayev: votes_tokayev
      against_all: against_all

A mapping that breaks a rule is refused here with the field and the rule, before any table is
read; a column that is not in the table is refused when the table is read
(:func:`saylau.forensics.precincts.precincts_from_columns`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from saylau.forensics.precincts import ColumnMapping
from saylau.model import BadInput

LINES = ("voters", "issued", "valid", "invalid")
"""The protocol lines every table maps (several columns each, summed)."""
REQUIRED = ("precinct", "region", *LINES, "options")
OPTIONAL = ("district",)


@dataclass(frozen=True, slots=True)
class TableMapping:
    """The columns of the protocol lines, and the optional ``district`` column."""

    columns: ColumnMapping
    district: str | None = None

    def names(self) -> tuple[str, ...]:
        """Every column the mapping reads (the ones a reader must load)."""
        found = [
            *self.columns.precinct,
            self.columns.region,
            *(name for line in LINES for name in getattr(self.columns, line)),
            *(column for _option, column in self.columns.options),
        ]
        if self.district is not None:
            found.append(self.district)
        return tuple(dict.fromkeys(found))


def _column_name(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(field, "must name a column (a non-empty text)", value)
    return value


def _columns(value: object, field: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (_column_name(value, field),)
    if isinstance(value, Sequence) and value:
        return tuple(_column_name(item, f"{field}[{k}]") for k, item in enumerate(value))
    raise BadInput(field, "must name a column or a non-empty list of columns", value)


def _options(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping) or not value:
        raise BadInput("options", "must map each option's name to its column (at least one)", value)
    pairs = []
    for name, column in value.items():
        if not isinstance(name, str) or not name.strip():
            raise BadInput("options", "each option's name must be a non-empty text", name)
        pairs.append((name, _column_name(column, f"options.{name}")))
    return tuple(pairs)


def read_mapping(raw: object) -> TableMapping:
    """``raw`` (a parsed YAML or JSON document) as a :class:`TableMapping`, or BadInput naming
    the first field at fault and its rule."""
    if not isinstance(raw, Mapping):
        raise BadInput("(mapping)", "must be an object of field: column", type(raw).__name__)
    unknown = sorted(str(key) for key in raw if key not in (*REQUIRED, *OPTIONAL))
    if unknown:
        raise BadInput(
            unknown[0], f"is not a field of the mapping ({', '.join((*REQUIRED, *OPTIONAL))})"
        )
    for name in REQUIRED:
        if name not in raw:
            raise BadInput(name, "is required: name the column that holds it")
    district = raw.get("district")
    mapping = TableMapping(
        columns=ColumnMapping(
            precinct=_columns(raw["precinct"], "precinct"),
            region=_column_name(raw["region"], "region"),
            voters=_columns(raw["voters"], "voters"),
            issued=_columns(raw["issued"], "issued"),
            valid=_columns(raw["valid"], "valid"),
            invalid=_columns(raw["invalid"], "invalid"),
            options=_options(raw["options"]),
        ),
        district=None if district is None else _column_name(district, "district"),
    )
    counted = [name for line in LINES for name in getattr(mapping.columns, line)]
    options = [column for _name, column in mapping.columns.options]
    for column in options:
        if column in counted:
            raise BadInput(
                f"options.{_option_of(mapping, column)}",
                "an option's column cannot also be a protocol line's",
                column,
            )
    if len(set(options)) != len(options):
        twice = next(c for c in options if options.count(c) > 1)
        raise BadInput(
            f"options.{_option_of(mapping, twice)}", "two options cannot read one column", twice
        )
    return mapping


def _option_of(mapping: TableMapping, column: str) -> str:
    return next(name for name, found in mapping.columns.options if found == column)


def mapping_from_pairs(pairs: Sequence[str]) -> TableMapping:
    """A mapping given as ``FIELD=COLUMN`` pairs (``voters=a+b`` sums columns,
    ``option:NAME=COLUMN`` adds an option in the order given)."""
    raw: dict[str, object] = {}
    options: dict[str, str] = {}
    for pair in pairs:
        field, separator, column = pair.partition("=")
        field = field.strip()
        if not separator or not field:
            raise BadInput(
                "column", "must be FIELD=COLUMN (option:NAME=COLUMN for an option)", pair
            )
        if field.startswith("option:"):
            options[field.removeprefix("option:")] = column
        elif field in ("region", "district"):
            raw[field] = column
        else:
            raw[field] = [part for part in column.split("+")]
    if options:
        raw["options"] = options
    return read_mapping(raw)
