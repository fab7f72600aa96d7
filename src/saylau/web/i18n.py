"""Languages of the site: Kazakh (default), Russian and English, with Babel catalogues.

Messages live in ``locale/<lang>/LC_MESSAGES/messages.po``, compiled in memory at start;
numbers and dates are formatted by Babel with each language's conventions.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

LANGUAGES = ("kk", "ru", "en")
DEFAULT = "kk"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
LOCALE_DIR = Path(__file__).with_name("locale")
TIMEZONE = ZoneInfo("Asia/Almaty")


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


def percent(value: float | None, language: str) -> str:
    """A share given in percent (52.3 → '52,3 %' in Kazakh and Russian)."""
    if value is None:
        return "—"
    return format_percent(value / 100, format="#,##0.00 %", locale=language)


def moment(value: dt.datetime | str | None, language: str) -> str:
    if value is None:
        return "—"
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(when, "d MMMM y, HH:mm", tzinfo=TIMEZONE, locale=language)


def name(names: dict[str, str], language: str) -> str:
    return names.get(language) or names.get("en") or next(iter(names.values()), "")
