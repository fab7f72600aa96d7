"""Languages of the site: Kazakh (default), Russian and English, with Babel catalogues.

Messages live in ``locale/<lang>/LC_MESSAGES/messages.po``, compiled in memory at start;
numbers, shares and dates are formatted by Babel with each language's own conventions (the
percent sign, separators, the order of day, month and year), on pages and charts alike.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format, get_timezone_name
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from saylau import moments

LANGUAGES = ("kk", "ru", "en")
DEFAULT = "kk"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
LOCALE_DIR = Path(__file__).with_name("locale")
TIMEZONE = moments.ZONE


@cache
def translations(language: str) -> Translations:
    """The compiled catalogue of ``language`` (English is the source language)."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return Translations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def N_(message: str) -> str:
    """Mark a message for extraction where it is only translated later, through a variable."""
    return message


def number(value: int | float, language: str) -> str:
    return format_decimal(value, locale=language)


def _percent_pattern(language: str, fraction: str) -> str:
    """The language's own percent pattern ('#,##0%', '#,##0\u00a0%') with ``fraction``
    digits after the decimal sign."""
    pattern: str = Locale.parse(language).percent_formats[None].pattern
    return pattern.replace("#,##0", "#,##0" + fraction, 1)


def percent(value: float | None, language: str) -> str:
    """A share given in percent, to two places as the commission prints it (52.3 → '52,30%'
    in Kazakh, '52,30 %' in Russian, '52.30%' in English)."""
    if value is None:
        return "—"
    amount = Decimal(str(value)) / 100
    return format_percent(amount, format=_percent_pattern(language, ".00"), locale=language)


def points(value: float | None, language: str) -> str:
    """A change in percentage points, always signed, to two places ('+1,23', '-11.09');
    '—' where there is nothing to compare."""
    if value is None:
        return "—"
    return format_decimal(Decimal(str(value)), format="+#,##0.00;-#,##0.00", locale=language)


def whole_percent(value: float, language: str) -> str:
    """An axis mark in percent, to whole percents ('10%', '10 %')."""
    return format_percent(round(value) / 100, locale=language)


def share(value: str | Fraction, language: str) -> str:
    """A share the law sets, exact: 1/20 → '5%' (Kazakh, English) or '5 %' (Russian); one
    that is no whole hundredth stays a fraction ('2/3')."""
    exact = Fraction(value)
    if (exact * 10_000).denominator != 1:
        return f"{exact.numerator}/{exact.denominator}"
    amount = Decimal(exact.numerator) / Decimal(exact.denominator)
    return format_percent(amount, format=_percent_pattern(language, ".##"), locale=language)


def exact(value: str | Fraction | int, language: str) -> str:
    """An exact number: whole or short decimals in the language's digits ('0,7'), else a
    fraction of two grouped numbers ('1 990 573/23')."""
    fraction = Fraction(value)
    if fraction.denominator == 1:
        return number(fraction.numerator, language)
    if (fraction * 10_000).denominator == 1:
        decimal = Decimal(fraction.numerator) / Decimal(fraction.denominator)
        return format_decimal(decimal, locale=language)
    return f"{number(fraction.numerator, language)}/{number(fraction.denominator, language)}"


def listing(items: Sequence[str], language: str) -> str:
    """Items joined as the language lists them ('A және B', 'A, B и C', 'A, B, and C')."""
    return format_list(list(items), locale=language) if items else "—"


def day(value: dt.date | str, language: str) -> str:
    """A date as the language writes it in full ('2022 ж. 17 қыркүйек', '17 сентября 2022 г.',
    'September 17, 2022')."""
    when = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(when, "long", locale=language)


def moment(value: dt.datetime | str | None, language: str) -> str:
    """A moment on the commission's clock, the date written in full, the time as the
    language does and the zone named ('2024 ж. 19 наурыз, 21:04 (Қазақстан уақыты, UTC+5)')."""
    if value is None:
        return "—"
    when = moments.parse(value) if isinstance(value, str) else value
    local = moments.local(when)
    time = format_time(local, "short", locale=language)
    pattern = str(get_datetime_format("long", locale=language))
    written = (
        pattern.replace("'", "").replace("{0}", time).replace("{1}", day(local.date(), language))
    )
    return f"{written} ({zone(local, language)})"


def zone(when: dt.datetime, language: str) -> str:
    """The zone of a local moment named in the language, with its offset from UTC
    ('Казахстан, UTC+5')."""
    offset = when.utcoffset() or dt.timedelta()
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    minutes = f":{rest // 60:02d}" if rest else ""
    named = get_timezone_name(when, "long", locale=language)
    return f"{named}, UTC{hours:+d}{minutes}"


def name(names: dict[str, str], language: str) -> str:
    return names.get(language) or names.get("en") or next(iter(names.values()), "")
