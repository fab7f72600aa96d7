"""Pure writers of the open formats: a contest's results, read at one moment, as CSV, JSON,
Parquet and the NIST SP 1500-100 v2 Election Results Common Data Format, and the lines of
the folder ``saylau publish`` writes for ``saylau verify``.

Nothing here reads a database or a clock: each writer is a function of a typed record
(:class:`Results`, or the rows of the published folder), so the same record gives the same
bytes, and the service only decides what to read and where the bytes go.
"""

from saylau.publication.formats import FORMATS, MEDIA_TYPES, SUFFIXES, file_name, write
from saylau.publication.results import LEVELS, Line, Results, Stamp

__all__ = [
    "FORMATS",
    "LEVELS",
    "MEDIA_TYPES",
    "SUFFIXES",
    "Line",
    "Results",
    "Stamp",
    "file_name",
    "write",
]
