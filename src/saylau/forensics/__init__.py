"""Election forensics: statistical checks over precinct arrays, each method as published."""

from saylau.forensics.precincts import (
    ColumnMapping,
    Flagged,
    Precincts,
    PrecinctTableError,
    precincts_from_columns,
)

__all__ = ["ColumnMapping", "Flagged", "PrecinctTableError", "Precincts", "precincts_from_columns"]
