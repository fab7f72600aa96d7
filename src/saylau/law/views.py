"""Readings of the law book for people: the rules on a date, a diff, one parameter's history."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from saylau.law.book import LawBook, LegalValue, Parameter, Period
from saylau.law.rules import NotInForce, existence


def show_value(value: LegalValue, unit: str) -> str:
    """A legal value as a reader writes it: 5 %, 2/3, 0.7, 3,000,000 tenge, yes/no."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Fraction):
        if unit == "percent":
            pct = value * 100
            return f"{pct.numerator} %" if pct.denominator == 1 else f"{float(pct):g} %"
        if unit == "ratio":
            return f"{float(value):g}"
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, int):
        suffix = {
            "tenge": " tenge",
            "years": " years",
            "months": " months",
            "days": " days",
            "working_days": " working days",
            "age": " years of age",
        }.get(unit, "")
        return f"{value:,}{suffix}"
    return str(value)


def json_value(value: LegalValue) -> Any:
    """A legal value in JSON: fractions as exact strings ("1/20"), dates as ISO."""
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _period_json(param: Parameter, period: Period) -> dict[str, Any]:
    return {
        "value": json_value(period.value),
        "shown": show_value(period.value, param.unit),
        "from": period.start.isoformat(),
        "until": period.until.isoformat() if period.until else None,
        "source": period.source,
        "note": period.note,
        "open": period.open,
    }


def show(book: LawBook, day: dt.date) -> dict[str, Any]:
    """Every institution in force on ``day`` with every value, its dates and source."""
    if day < book.coverage_start:
        raise NotInForce(
            f"date {day.isoformat()} is before the law Saylau holds "
            f"(coverage starts {book.coverage_start.isoformat()})",
            field="date",
        )
    result: dict[str, Any] = {"date": day.isoformat(), "institutions": {}, "not_in_force": {}}
    for name, inst in book.institutions.items():
        if not inst.exists_on(day):
            result["not_in_force"][name] = f"{inst.title}: existed {existence(inst, book)}"
            continue
        values = {}
        for pname, param in inst.parameters.items():
            period = param.period_at(day)
            assert period is not None, f"{param.key} has no value on {day}"
            values[pname] = {"label": param.label, "unit": param.unit} | _period_json(param, period)
        result["institutions"][name] = {"title": inst.title, "parameters": values}
    return result


def _change(param: Parameter, old: Period | None, new: Period | None) -> dict[str, Any]:
    """One row of a diff; ``None`` on a side means the institution did not exist there."""
    current = new or old
    assert current is not None
    if new is not None:
        when = new.start
    else:
        assert old is not None
        when = old.until or old.start
    return {
        "parameter": param.key,
        "label": param.label,
        "before": json_value(old.value) if old else None,
        "after": json_value(new.value) if new else None,
        "before_shown": show_value(old.value, param.unit) if old else "(did not exist)",
        "after_shown": show_value(new.value, param.unit) if new else "(ended)",
        "since": when.isoformat(),
        "source": current.source,
        "open": current.open,
    }


def diff(book: LawBook, before: dt.date, after: dt.date) -> dict[str, Any]:
    """Every change between two dates: values, and institutions that ended or began.

    An institution that began lists its values on the later date; one that ended lists
    its last values; within an institution every change of value in between is listed.
    """
    ended: list[dict[str, Any]] = []
    began: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for name, inst in book.institutions.items():
        was, now = inst.exists_on(before), inst.exists_on(after)
        summary = {
            "institution": name,
            "title": inst.title,
            "existed": existence(inst, book),
            "source": inst.existence_source,
        }
        if was and not now:
            ended.append(summary)
            changes += [_change(p, p.period_at(before), None) for p in inst.parameters.values()]
        elif now and not was:
            began.append(summary)
            changes += [_change(p, None, p.period_at(after)) for p in inst.parameters.values()]
        if not (was and now):
            continue
        for param in inst.parameters.values():
            for previous, period in zip(param.periods, param.periods[1:], strict=False):
                if before < period.start <= after and previous.value != period.value:
                    changes.append(_change(param, previous, period))
    return {
        "from": before.isoformat(),
        "to": after.isoformat(),
        "ended": ended,
        "began": began,
        "changed": changes,
    }


def history(book: LawBook, key: str) -> dict[str, Any]:
    """One parameter over time, each value with its dates and source."""
    param = book.parameter(key)
    return {
        "parameter": param.key,
        "label": param.label,
        "unit": param.unit,
        "values": [_period_json(param, period) for period in param.periods],
    }
