"""Election forensics: statistical checks over precinct arrays, each method as published."""

from saylau.forensics.precincts import (
    ColumnMapping,
    Precincts,
    PrecinctTableError,
    precincts_from_columns,
)

__all__ = ["ColumnMapping", "PrecinctTableError", "Precincts", "precincts_from_columns"]
