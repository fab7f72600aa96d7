"""How the law decides, as steps: every sentence the engine can say is reached by a real
contest, carries exactly its values and the parameters it applied, rebuilds the English
explanation of the JSON output, and is told on the site in Kazakh and Russian with the
options' names, with no English word and no option id left in it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from fractions import Fraction
from typing import Any

import pytest

from saylau.election import ContestDef, OptionDef
from saylau.law.rules import Rules, rules_at
from saylau.model import parse_contest
from saylau.outcome import AnyOutcome, decide, to_json
from saylau.outcome.records import ListOutcome, Outcome
from saylau.outcome.sentences import SENTENCES, Value, english
from saylau.web.explanation import METHODS, steps
from saylau.web.i18n import translations

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
LATIN = re.compile(r"[A-Za-z]")

# Options are called by ids no language uses, so an id left in a sentence is visible.
IDS = ("p-alpha", "p-beta", "p-gamma", "p-delta", "p-epsilon", "p-zeta")
NAMES = {
    "p-alpha": ("Бірінші партия", "Первая партия", "First party"),
    "p-beta": ("Екінші партия", "Вторая партия", "Second party"),
    "p-gamma": ("Үшінші партия", "Третья партия", "Third party"),
    "p-delta": ("Төртінші партия", "Четвёртая партия", "Fourth party"),
    "p-epsilon": ("Бесінші партия", "Пятая партия", "Fifth party"),
    "p-zeta": ("Алтыншы партия", "Шестая партия", "Sixth party"),
}
A, B, C, D = IDS[:4]


def mutated(date: str, institution: str, **changes: Any) -> Rules:
    """The rules of ``date`` with values of one institution changed (citations kept), to
    reach the sentences the law as recorded never needs."""
    rules = rules_at(dt.date.fromisoformat(date))
    record = dataclasses.replace(getattr(rules, institution), **changes)
    return dataclasses.replace(rules, **{institution: record})


def region(participated: int, yes: int) -> dict[str, Any]:
    return {
        "registered": participated * 2 - 1,
        "participated": participated,
        "invalid": 0,
        "against_all": 0,
        "options": {"yes": yes, "no": participated - yes},
    }


BASE = {"registered": 1000, "participated": 800, "invalid": 0, "against_all": 0}
LIST_2023 = {"kind": "mazhilis-list", "date": "2023-03-19"}
LIST_2012 = {"kind": "mazhilis-list", "date": "2012-01-15"}
PRESIDENT = {"kind": "presidential", "date": "2019-06-09"}
DISTRICT = {"kind": "single-member", "date": "2023-03-19"}
SENATE = {"kind": "senate", "date": "2023-01-14", "registered": 200}
ORDINARY = {"kind": "referendum", "date": "2024-10-06", "question_type": "ordinary"}
CONSTITUTION = {"kind": "referendum", "date": "2026-03-15", "question_type": "constitution"}
TIED_LISTS = {"kind": "maslikhat-list", "date": "2021-01-10", "seats": 2, "participated": 400}

#: (what the case shows, the contest, rules other than those of its date or None)
CASES: list[tuple[str, dict[str, Any], Rules | None]] = [
    ("lists pass", LIST_2023 | {"options": {A: 600, B: 150, C: 50}}, None),
    ("no list passes", LIST_2023 | {"against_all": 780, "options": {A: 10, B: 10}}, None),
    (
        "threshold on those who took part",
        LIST_2023 | {"options": {A: 600, B: 150, C: 50}},
        mutated("2023-03-19", "mazhilis", threshold_base="participated"),
    ),
    (
        "none passes on those who took part",
        LIST_2023 | {"against_all": 780, "options": {A: 10, B: 10}},
        mutated("2023-03-19", "mazhilis", threshold_base="participated"),
    ),
    ("remainders tied", TIED_LISTS | {"options": {A: 200, B: 100, C: 100}}, None),
    (
        "remainders settled by registration",
        TIED_LISTS | {"options": {A: 200, B: 100, C: 100}, "registration_order": [C, A, B]},
        None,
    ),
    ("second party admitted", LIST_2012 | {"options": {A: 760, B: 40, C: 0}}, None),
    ("one list alone", LIST_2012 | {"options": {A: 800, B: 0}}, None),
    (
        "second places tied, settled",
        LIST_2012 | {"options": {A: 760, B: 20, C: 20}, "registration_order": [A, C, B]},
        None,
    ),
    ("president elected", PRESIDENT | {"options": {A: 401, B: 299, C: 100}}, None),
    ("runoff", PRESIDENT | {"options": {A: 400, B: 300, C: 100}}, None),
    ("runoff places tied", PRESIDENT | {"options": {A: 300, B: 250, C: 250}}, None),
    ("no runoff possible", PRESIDENT | {"against_all": 0, "options": {A: 400, B: 0}}, None),
    ("nobody voted", PRESIDENT | {"invalid": 800, "options": {A: 0, B: 0}}, None),
    ("second round", PRESIDENT | {"round": 2, "options": {A: 390, B: 410}}, None),
    ("second round tied", PRESIDENT | {"round": 2, "options": {A: 400, B: 400}}, None),
    (
        "turnout too low",
        PRESIDENT | {"participated": 400, "options": {A: 300, B: 100}},
        mutated("2019-06-09", "presidency", turnout_threshold=Fraction(1, 2)),
    ),
    (
        "district elected, against all ahead",
        DISTRICT | {"against_all": 400, "options": {A: 200, B: 150}},
        None,
    ),
    ("district tied", DISTRICT | {"options": {A: 200, B: 200}}, None),
    (
        "district tied, by lot",
        DISTRICT | {"options": {A: 200, B: 200}},
        mutated("2023-03-19", "elections", single_member_tie="lot"),
    ),
    ("district without votes", DISTRICT | {"options": {A: 0, B: 0}}, None),
    (
        "maslikhat district",
        {"kind": "single-member", "date": "2023-03-19", "body": "maslikhat"}
        | {"options": {A: 300, B: 200}},
        None,
    ),
    (
        "district maslikhat district",
        {"kind": "single-member", "date": "2023-03-19", "body": "maslikhat", "level": "district"}
        | {"options": {A: 300, B: 200}},
        None,
    ),
    ("rural akim", {"kind": "akim", "date": "2021-07-25", "options": {A: 300, B: 200}}, None),
    (
        "district akim",
        {"kind": "akim", "date": "2023-11-05", "level": "district", "options": {A: 1, B: 2}},
        None,
    ),
    (
        "regional akim",
        {"kind": "akim", "date": "2023-11-05", "level": "regional", "options": {A: 1, B: 2}},
        mutated("2023-11-05", "akim", regional_elected=True),
    ),
    ("senate without quorum", SENATE | {"participated": 100, "options": {A: 90, B: 10}}, None),
    ("senate elects", SENATE | {"participated": 180, "options": {A: 91, B: 80, C: 9}}, None),
    ("senate runoff", SENATE | {"participated": 180, "options": {A: 70, B: 60, C: 50}}, None),
    (
        "against all first, where it would force a new election",
        {"kind": "single-member", "date": "2023-03-19", "body": "mazhilis"}
        | {"options": {A: 100, B: 80}, "against_all": 200, "participated": 380},
        mutated("2023-03-19", "elections", against_all_can_win=True),
    ),
    (
        "against all over half, where it would void the election",
        {"kind": "presidential", "date": "2022-11-20"}
        | {"options": {A: 100, B: 50}, "against_all": 500, "participated": 650},
        mutated("2022-11-20", "presidency", against_all_majority_voids=True),
    ),
    ("adopted", ORDINARY | {"options": {"yes": 401, "no": 399}}, None),
    ("not adopted", ORDINARY | {"options": {"yes": 400, "no": 400}}, None),
    ("not valid", ORDINARY | {"participated": 500, "options": {"yes": 450, "no": 50}}, None),
    (
        "validity unknown",
        ORDINARY | {"registered": None, "participated": None, "options": {"yes": 4, "no": 1}},
        None,
    ),
    ("constitution without regions", CONSTITUTION | {"options": {"yes": 600, "no": 190}}, None),
    (
        "constitution adopted",
        CONSTITUTION
        | {
            # the twenty units' own counts add up to the national ones
            "options": {"yes": 14 * 60 + 6 * 40, "no": 14 * 40 + 6 * 60},
            "participated": 2000,
            "registered": 20 * 199,
            "regions": {f"R{i}": region(100, 60 if i < 14 else 40) for i in range(20)},
        },
        None,
    ),
    (
        "constitution not adopted",
        CONSTITUTION
        | {
            "options": {"yes": 13 * 60 + 7 * 40, "no": 13 * 40 + 7 * 60},
            "participated": 2000,
            "registered": 20 * 199,
            "regions": {f"R{i}": region(100, 60 if i < 13 else 40) for i in range(20)},
        },
        None,
    ),
    (
        "constitution undecided",
        CONSTITUTION
        | {
            # ten units in, within the national counts; the other ten unknown
            "options": {"yes": 1200, "no": 800},
            "participated": 2000,
            "registered": 3000,
            "regions": {f"R{i}": region(100, 60) for i in range(10)},
        },
        None,
    ),
]


def outcome(fields: dict[str, Any], rules: Rules | None) -> AnyOutcome:
    return decide(parse_contest(BASE | fields), rules)


def contest_for(result: Outcome) -> ContestDef:
    """A definition naming the options of the outcome in three languages (yes/no too)."""
    parties = [
        OptionDef(option, {"kk": kk, "ru": ru, "en": en}, None)
        for option, (kk, ru, en) in NAMES.items()
    ]
    options = (
        *parties,
        OptionDef("yes", {"kk": "Иә", "ru": "Да", "en": "Yes"}, None),
        OptionDef("no", {"kk": "Жоқ", "ru": "Нет", "en": "No"}, None),
    )
    return ContestDef("c", result.kind, {"kk": "С", "ru": "В", "en": "C"}, options, 1, ())


@pytest.fixture(scope="module")
def outcomes() -> dict[str, AnyOutcome]:
    return {label: outcome(fields, rules) for label, fields, rules in CASES}


# --- the engine ---------------------------------------------------------------------------


def test_every_sentence_names_exactly_its_values() -> None:
    for key, sentence in SENTENCES.items():
        assert set(PLACEHOLDER.findall(sentence.text)) == set(sentence.values), key
        assert "%" not in PLACEHOLDER.sub("", sentence.text), key


def test_every_sentence_is_reached(outcomes: dict[str, AnyOutcome]) -> None:
    said = {step.message for result in outcomes.values() for step in result.reasons.steps}
    assert said == set(SENTENCES)


def test_steps_carry_their_values_and_the_parameters_applied(
    outcomes: dict[str, AnyOutcome],
) -> None:
    for label, result in outcomes.items():
        applied = [rule.parameter for rule in result.reasons.cited]
        cited = [rule for step in result.reasons.steps for rule in step.rules]
        assert set(cited) == set(applied), label  # each citation belongs to a step
        for step in result.reasons.steps:
            sentence = SENTENCES[step.message]
            assert set(step.values) == set(sentence.values), label
            for name, kind in sentence.values.items():
                value = step.values[name]
                if kind in (Value.OPTIONS, Value.BOTH):
                    assert isinstance(value, list) and all(v in IDS for v in value), label
                elif kind is Value.OPTION:
                    assert value in IDS, label
                elif kind is Value.NUMBER:
                    assert isinstance(value, int), label
                elif kind in (Value.SHARE, Value.FRACTION):
                    assert re.fullmatch(r"\d+(/\d+)?", value), label


def test_steps_rebuild_the_english_explanation(outcomes: dict[str, AnyOutcome]) -> None:
    for label, result in outcomes.items():
        text = result.reasons.text
        at = 0
        for step in result.reasons.steps:
            sentence = english(step.message, step.values)
            found = text.find(sentence, at)
            assert found == at, (label, sentence, text[at:])
            at = found + len(sentence)
            if step.rules:
                assert text[at:].startswith(" [" + step.rules[0]), label
                at = text.index("]", text.index(step.rules[-1], at)) + 1
            at += 1  # the space between sentences
        assert at >= len(text), label


def test_the_law_applied_moves_the_numbers_it_cites() -> None:
    """A cited share is the law's: 7 % in 2016, 5 % in 2023, in words and as a value."""
    for date, share in (("2016-03-20", "7/100"), ("2023-03-19", "1/20")):
        result = outcome({"kind": "mazhilis-list", "date": date, "options": {A: 700, B: 100}}, None)
        (threshold,) = [s for s in result.reasons.steps if s.message == "threshold_valid_votes"]
        assert isinstance(result, ListOutcome)
        assert threshold.values["share"] == share == to_json(result)["threshold_share"]
        assert result.threshold == Fraction(share)


# --- as the site tells it -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_kazakh_and_russian_steps_have_no_english_and_no_ids(
    outcomes: dict[str, AnyOutcome], language: str
) -> None:
    english_texts = {sentence.text for sentence in SENTENCES.values()}
    for label, result in outcomes.items():
        told = steps(result, contest_for(result), language)
        assert len(told) == len(result.reasons.steps), label
        for step, shown in zip(result.reasons.steps, told, strict=True):
            assert not LATIN.search(shown.text), (label, shown.text)
            assert shown.text not in english_texts
            names = [v for v in step.values.values() if isinstance(v, str) and v in IDS]
            names += [i for v in step.values.values() if isinstance(v, list) for i in v]
            index = ("kk", "ru").index(language)
            for option in names:
                assert NAMES[option][index] in shown.text, (label, shown.text)


def test_numbers_shares_and_dates_follow_the_language() -> None:
    result = outcome(
        {
            "kind": "mazhilis-list",
            "date": "2023-03-19",
            "registered": 12_035_578,
            "participated": 6_521_860,
            "invalid": 155_419,
            "against_all": 248_291,
            "options": {A: 3_431_510, B: 673_874, C: 2_012_766},
        },
        None,
    )
    contest = contest_for(result)
    kk, ru, en = (steps(result, contest, language) for language in ("kk", "ru", "en"))
    assert kk[0].text == "Партиялық тізімдер бойынша бөлінетін депутаттық мандаттар саны: 69."
    assert "5%" in kk[1].text and "6\xa0366\xa0441" in kk[1].text
    assert "5\xa0%" in ru[1].text and "6\xa0366\xa0441" in ru[1].text
    assert "5%" in en[1].text and "6,366,441" in en[1].text
    assert "First party, Second party, and Third party passed" in en[1].text
    assert "Первая партия, Вторая партия и Третья партия" in ru[1].text
    assert kk[0].citations[0].since == "2022\u202fж. 17 қыркүйек"
    assert ru[0].citations[0].since == "17 сентября 2022\u202fг."
    assert en[0].citations[0].since == "September 17, 2022"
    assert kk[2].text.endswith("Хэйр квотасымен ең үлкен қалдықтар әдісі.")


def test_every_method_of_the_law_is_named_in_each_language() -> None:
    from saylau.apportion import Method

    assert set(METHODS) == {method.value for method in Method}
    for language in ("kk", "ru"):
        gettext = translations(language).gettext
        assert all(gettext(text) != text for text in METHODS.values()), language
