"""The table as CSV, for spreadsheets."""

from __future__ import annotations

import csv
import io

from saylau.publication.results import Results
from saylau.publication.table import columns, rows


def write(results: Results) -> bytes:
    """UTF-8 with a byte order mark, so spreadsheets read Kazakh and Russian names right;
    an empty cell is a count not reported yet (a zero is a zero)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns(results.contest))
    for row in rows(results):
        writer.writerow("" if value is None else value for value in row)
    return text.getvalue().encode("utf-8-sig")
