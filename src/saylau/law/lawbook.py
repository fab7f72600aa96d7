"""The law book for readers (docs/law.md), generated from the law data and checked in CI."""

from __future__ import annotations

from saylau.law.book import LawBook
from saylau.law.rules import existence
from saylau.law.views import show_value


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_law_book(book: LawBook) -> str:
    """One table per institution: every legal number with its dates, source and open mark."""
    lines = [
        "# The law book",
        "",
        "Generated from `src/saylau/law/data/*.yaml` by `saylau law book`; do not edit by hand.",
        f"Saylau holds the law from {book.coverage_start.isoformat()} to today. Each value applies "
        "from its date to the day before the next one (or to the end of its institution). "
        "**open** marks a point whose exact wording was not confirmed: the reading applied is "
        "stated beside it.",
        "",
        "## Institutions",
        "",
        "| institution | existed | source |",
        "|---|---|---|",
    ]
    for inst in book.institutions.values():
        lines.append(
            f"| [{inst.title}](#{inst.name}) | {existence(inst, book)} | "
            f"{_cell(inst.existence_source)} |"
        )
    for inst in book.institutions.values():
        lines += [
            "",
            f'<a id="{inst.name}"></a>',
            f"## {inst.title} (`{inst.name}`)",
            "",
            f"Existed {existence(inst, book)}. {_cell(inst.existence_source)}",
            "",
            "| parameter | value | from | until | source | open |",
            "|---|---|---|---|---|---|",
        ]
        for param in inst.parameters.values():
            for index, period in enumerate(param.periods):
                name = f"`{param.name}` — {_cell(param.label)}" if index == 0 else "″"
                value = show_value(period.value, param.unit)
                if period.note:
                    value += f" ({_cell(period.note)})"
                until = period.until.isoformat() if period.until else "today"
                open_mark = f"**open**: {_cell(period.open)}" if period.open else ""
                lines.append(
                    f"| {name} | {_cell(value)} | {period.start.isoformat()} | {until} | "
                    f"{_cell(period.source)} | {open_mark} |"
                )
        if inst.relations:
            lines += [
                "",
                "Control relations every precinct protocol must keep "
                "(checked by `saylau.tabulation.relations`):",
                "",
                "| relation | check | rule | applies | from | until | source | open |",
                "|---|---|---|---|---|---|---|---|",
            ]
        for relation in inst.relations:
            until = relation.until.isoformat() if relation.until else "today"
            when = "always"
            if relation.when is not None:
                when = f"where `{relation.when}` is {'no' if relation.when_not else 'yes'}"
            open_mark = f"**open**: {_cell(relation.open)}" if relation.open else ""
            lines.append(
                f"| `{relation.id}` | `{_cell(relation.text)}` | {_cell(relation.rule)} | "
                f"{when} | {relation.start.isoformat()} | {until} | {_cell(relation.source)} | "
                f"{open_mark} |"
            )
    return "\n".join(lines) + "\n"
