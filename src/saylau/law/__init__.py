"""The law as dated data: ``rules_at(date)`` answers with the rules in force that day."""

from saylau.law.book import LawBook, LawDataError, Parameter, Period, law_book
from saylau.law.rules import Citation, NotInForce, Rules, rules_at

__all__ = [
    "Citation",
    "LawBook",
    "LawDataError",
    "NotInForce",
    "Parameter",
    "Period",
    "Rules",
    "law_book",
    "rules_at",
]
