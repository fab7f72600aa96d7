"""The law book for readers (docs/law.md), generated from the law data and checked in CI."""

from __future__ import annotations

from saylau.law.book import CALENDAR_FILE, LawBook
from saylau.law.calendar import WorkingCalendar, working_calendar
from saylau.law.rules import existence
from saylau.law.views import show_value


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_law_book(book: LawBook, calendar: WorkingCalendar | None = None) -> str:
    """One table per institution: every legal number with its dates, source and open mark;
    then the working-day calendar's transfers of days off (Saylau's own when not given)."""
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
    lines += _calendar_lines(calendar or working_calendar())
    return "\n".join(lines) + "\n"


def _calendar_lines(calendar: WorkingCalendar) -> list[str]:
    """The transfers of days off by year, and which day counts as day 1 of a period."""
    reading = calendar.reading
    lines = [
        "",
        '<a id="working-days"></a>',
        "## Working-day calendar",
        "",
        f"Deadlines in working days run on Kazakhstan's public holidays (the `holidays` package, "
        f"which also moves a holiday on a weekend to the next working day) and the "
        f"Government's transfers of days off below (`src/saylau/law/data/{CALENDAR_FILE}`). "
        f"A date outside {calendar.first.isoformat()} to {calendar.last.isoformat()} is "
        "refused.",
        "",
        f"Day 1 of a period: {_cell(reading.text)} ({_cell(reading.source)})"
        + (f". **open**: {_cell(reading.open)}" if reading.open else ""),
        "",
        "| year | day off | working day | source | open |",
        "|---|---|---|---|---|",
    ]
    for year in calendar.years.values():
        open_mark = f"**open**: {_cell(year.open)}" if year.open else ""
        if not year.transfers:
            lines.append(f"| {year.year} | none | none | {_cell(year.source)} | {open_mark} |")
        for transfer in year.transfers:
            lines.append(
                f"| {year.year} | {transfer.day_off.isoformat()} | "
                f"{transfer.working_day.isoformat()} | {_cell(year.source)} | {open_mark} |"
            )
    return lines
