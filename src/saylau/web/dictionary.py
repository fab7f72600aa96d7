"""The data dictionary: what every column of the downloads, every field of the JSON download
and every file of the ``publish`` folder holds, in Kazakh, Russian and English.

This is the one place the meanings are written (as English messages, translated in the
site's catalogues); the site shows it at ``/{lang}/data/`` and ``saylau dictionary`` writes
it into ``docs/`` as Markdown. A test holds it to the writers: every column a table can
have, every key of the JSON document and every file ``saylau publish`` writes has its entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from saylau.election import LANGUAGES
from saylau.web.i18n import N_, translations

#: a votes column: ``votes_`` and the option's id in snake case (see table.option_columns)
OPTION_COLUMN = "votes_<option>"

TEXT = N_("text string")
INTEGER = N_("whole number")
MOMENT = N_("moment, ISO 8601 with offset")
OBJECT = N_("JSON object")
LIST = N_("list of records")


@dataclass(frozen=True, slots=True)
class Entry:
    """A column, a field or a file, its type and what it holds (English messages)."""

    name: str
    kind: str
    meaning: str


TABLE = (
    Entry(
        "status",
        TEXT,
        N_(
            "How final the numbers are: unofficial-partial (counting goes on), "
            "unofficial-complete (every precinct has reported) or certified (by the Central "
            "Election Commission)."
        ),
    ),
    Entry(
        "tree_size",
        INTEGER,
        N_(
            "Entries in the ledger when the file was read: the signed tree head of this size "
            "covers every protocol counted in the file."
        ),
    ),
    Entry("tree_root", TEXT, N_("The ledger's root hash at that size (SHA-256, hexadecimal).")),
    Entry(
        "tree_timestamp",
        INTEGER,
        N_("When the tree head was signed, in milliseconds since 1970-01-01 UTC, as signed."),
    ),
    Entry(
        "tree_time",
        MOMENT,
        N_(
            "The same moment on the commission's clock (Asia/Almaty: UTC+5 since "
            "1 March 2024, UTC+6 before)."
        ),
    ),
    Entry(
        "tree_signature",
        TEXT,
        N_("The Ed25519 signature of the tree head (hexadecimal): check it with a key you trust."),
    ),
    Entry("election", TEXT, N_("The election's id.")),
    Entry("contest", TEXT, N_("The contest's id.")),
    Entry("unit", TEXT, N_("The unit's code: the republic, a region, a district or a precinct.")),
    Entry("level", TEXT, N_("The unit's level: republic, region, district or precinct.")),
    Entry("parent", TEXT, N_("The code of the unit above; empty for the republic.")),
    Entry("name_kk", TEXT, N_("The unit's name in Kazakh.")),
    Entry("name_ru", TEXT, N_("The unit's name in Russian.")),
    Entry("name_en", TEXT, N_("The unit's name in English.")),
    Entry(
        "precincts_reported",
        INTEGER,
        N_("Precincts under the unit whose protocol is counted (for a precinct: 1 or 0)."),
    ),
    Entry("precincts_expected", INTEGER, N_("Precincts under the unit that vote in the contest.")),
    Entry(
        "registered",
        INTEGER,
        N_("Voters on the lists of all those precincts, whether they have reported or not."),
    ),
    Entry(
        "version",
        INTEGER,
        N_(
            "The version of the precinct's protocol that counts (a correction is a new "
            "version); empty above the precincts and for a precinct not reported."
        ),
    ),
    Entry("voters_on_list", INTEGER, N_("Protocol line: voters on the list.")),
    Entry("voters_added", INTEGER, N_("Protocol line: voters added to the list on the day.")),
    Entry("ballots_received", INTEGER, N_("Protocol line: ballots the commission received.")),
    Entry("ballots_issued", INTEGER, N_("Protocol line: ballots issued to voters.")),
    Entry("ballots_cancelled", INTEGER, N_("Protocol line: unused ballots cancelled.")),
    Entry(
        "ballots_found",
        INTEGER,
        N_("Protocol line: ballots found in the boxes, the voters who took part."),
    ),
    Entry("invalid", INTEGER, N_("Protocol line: invalid ballots.")),
    Entry(
        "against_all",
        INTEGER,
        N_("Protocol line: votes against all, where the ballot of the day offered it."),
    ),
    Entry(
        "neither",
        INTEGER,
        N_("Protocol line of a referendum: ballots neither invalid nor a vote (both marked)."),
    ),
    Entry(
        OPTION_COLUMN,
        INTEGER,
        N_(
            "Votes for one option: the option's id in lower snake case ('ak-zhol' is "
            "votes_ak_zhol; an id without Latin letters is votes_option_ and its place on the "
            "ballot). The election's definition gives each option's column."
        ),
    ),
)

DOCUMENT = (
    Entry(
        "stamp",
        OBJECT,
        N_("The signed tree head and status: the table's stamp columns and public_key."),
    ),
    Entry("stamp.public_key", TEXT, N_("The ledger key the head was signed with (hexadecimal).")),
    Entry("generated_at", MOMENT, N_("When the file was written.")),
    Entry("level", TEXT, N_("precinct: a row per precinct; territory: a row per unit above.")),
    Entry("election", OBJECT, N_("The election: id, date (election day) and names.")),
    Entry(
        "contest",
        OBJECT,
        N_("The contest: id, kind, names, seats and options (id, names, party)."),
    ),
    Entry(
        "units",
        LIST,
        N_(
            "A unit each: unit, level, parent, names, the progress columns and counts (the "
            "protocol lines and votes by option id; null if not reported)."
        ),
    ),
)

FOLDER = (
    Entry(
        "election.json",
        OBJECT,
        N_("The election's definition as imported; its hash is the ledger's first entry."),
    ),
    Entry(
        "ledger-head.json",
        OBJECT,
        N_("The signed tree head: origin, size, root, timestamp, signature and key."),
    ),
    Entry(
        "ledger-checkpoint.txt",
        TEXT,
        N_("The same head as a signed note (C2SP tlog-checkpoint), for other tools."),
    ),
    Entry(
        "ledger-entries.jsonl",
        LIST,
        N_("A line per ledger entry: index, kind (definition, protocol, ...) and the leaf."),
    ),
    Entry(
        "precinct-results.jsonl",
        LIST,
        N_("A line per precinct and contest: the protocol version that counts."),
    ),
    Entry(
        "totals.json",
        LIST,
        N_("Every unit's totals of every contest: contest, unit, progress and counts."),
    ),
)

SECTIONS: tuple[tuple[str, str, tuple[Entry, ...]], ...] = (
    (
        N_("CSV and Parquet downloads: the columns"),
        N_(
            "One row per unit. Every name is lower snake case ASCII, so SQL reads it "
            "without quotes. An empty cell is a count not reported yet; a zero is a zero."
        ),
        TABLE,
    ),
    (
        N_("JSON download: the fields"),
        N_("One document: a header, then the units."),
        DOCUMENT,
    ),
    (
        N_("The publish folder: the files"),
        N_("What saylau publish writes and saylau verify reads."),
        FOLDER,
    ),
)


def entry(column: str) -> Entry | None:
    """The entry of a table column (an option's votes column by its pattern)."""
    for found in TABLE:
        if found.name == column:
            return found
    return (
        next((e for e in TABLE if e.name == OPTION_COLUMN), None)
        if column.startswith("votes_")
        else None
    )


def markdown(language: str) -> str:
    """The dictionary as a Markdown document in ``language``."""
    _: Callable[[str], str] = translations(language).gettext
    lines = [
        f"# {_('Data dictionary')}",
        "",
        _("Generated by saylau dictionary from the site's catalogues; do not edit."),
        "",
    ]
    for title, note, entries in SECTIONS:
        lines += [f"## {_(title)}", "", _(note), ""]
        lines += [f"| {_('Name')} | {_('Type')} | {_('Meaning')} |", "|---|---|---|"]
        for item in entries:
            lines.append(f"| `{item.name}` | {_(item.kind)} | {_(item.meaning)} |")
        lines.append("")
    return "\n".join(lines)


def file_name(language: str) -> str:
    return f"data-dictionary.{language}.md"


def documents() -> dict[str, str]:
    """The file name and text of the dictionary in each language."""
    return {file_name(language): markdown(language) for language in LANGUAGES}
