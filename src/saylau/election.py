"""The election definition: territory, contests and options, checked once and hashed.

A definition is parsed from JSON or YAML into frozen records and validated before anything
else reads it: every later step (protocol checks, roll-up, outcome) trusts it. Its
``definition_hash()`` is printed on every report so a reader can tell which definition a
result was computed from. Errors are :class:`saylau.model.BadInput` naming the exact field
(``units[17].parent``) so the author of the file can fix it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeAlias, TypeGuard, get_args

import yaml

from saylau import strictjson
from saylau.law.reading import RepeatedYamlKey, read_yaml
from saylau.law.rules import (
    AkimRules,
    InstitutionRules,
    KurultaiRules,
    MaslikhatRules,
    MazhilisRules,
    NotInForce,
    PresidencyRules,
    ReferendumRules,
    Rules,
    SenateRules,
    rules_at,
)
from saylau.model import CODE_LENGTH, BadInput, Kind, iso_date, plain_name, refuse_same_names
from saylau.outcome.plurality import akim_refusal, maslikhat_district_refusal

Names: TypeAlias = dict[str, str]
"""A name in the three languages of the site: ``{"kk": …, "ru": …, "en": …}``."""

Level: TypeAlias = Literal["republic", "region", "district", "precinct"]

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
LEVELS: tuple[Level, ...] = get_args(Level)
BODIES: tuple[str, ...] = ("mazhilis", "maslikhat")
QUESTION_TYPES: tuple[str, ...] = ("constitution", "ordinary")
KINDS: tuple[str, ...] = tuple(kind.value for kind in Kind)

#: Election ids the site's own paths take (``/{lang}/parties/``, ``/static``): an election
#: of that id would be hidden behind them.
RESERVED_IDS = frozenset(
    {"parties", "static", "api", "health", "petitions", "assemblies", "data", "choose"}
)
#: Contest ids an election's own pages take (``/{lang}/{election}/candidates/``): a contest
#: of that id would be hidden behind them.
RESERVED_CONTEST_IDS = frozenset({"candidates", "deputies", "lists", "parties", "search"})
#: Unit codes a contest's own pages take (``/{lang}/{election}/{contest}/observers/`` and
#: ``…/whatif/``): a unit of that code would be hidden behind them.
RESERVED_UNIT_CODES = frozenset({"observers", "whatif"})

_ELECTION_FIELDS = ("id", "date", "names", "units", "contests", "follows")
_UNIT_FIELDS = ("code", "level", "parent", "names", "registered")
_CONTEST_FIELDS = (
    "id",
    "kind",
    "names",
    "options",
    "seats",
    "area",
    "body",
    "question_type",
    "level",
    "round",
    "registration_order",
    "against_all",
)
#: The levels a contest's ``level`` may name, by what is elected: akims of villages and
#: rural districts, of districts and cities, of regions; maslikhats of regions and
#: republican cities, of districts and cities of regional significance.
AKIM_LEVELS = ("rural", "district", "regional")
MASLIKHAT_LEVELS = ("regional", "district")
_LIST_KINDS = ("mazhilis-list", "kurultai-list", "maslikhat-list")
_OPTION_FIELDS = ("id", "names", "party")


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit of the territory tree; only precincts carry the number of voters on the list."""

    code: str
    level: Level
    parent: str | None
    names: Names
    registered: int | None


@dataclass(frozen=True, slots=True)
class OptionDef:
    """A line on the ballot: a party list, a candidate (with the nominating party) or yes/no."""

    id: str
    names: Names
    party: str | None


@dataclass(frozen=True, slots=True)
class ContestDef:
    """One contest: every precinct under the units of ``area`` votes in it."""

    id: str
    kind: Kind
    names: Names
    options: tuple[OptionDef, ...]
    seats: int | None
    area: tuple[str, ...]
    body: str | None = None
    question_type: str | None = None
    level: str | None = None  # an akim's or a maslikhat's level (see AKIM_LEVELS)
    round: int = 1  # 2: repeat voting between the two a first round named
    registration_order: tuple[str, ...] | None = None  # list option ids, earliest first

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)


@dataclass(frozen=True)
class Election:
    """A whole election: its date (which selects the law), territory and contests."""

    id: str
    date: dt.date
    names: Names
    units: tuple[Unit, ...]
    contests: tuple[ContestDef, ...]
    follows: str | None = None  # the first round's election id, for repeat voting

    def __hash__(self) -> int:
        """Cheap and consistent with equality, so an election can key a cache."""
        return hash((self.id, self.date, len(self.units), len(self.contests)))

    @cached_property
    def _by_code(self) -> dict[str, Unit]:
        return {unit.code: unit for unit in self.units}

    @cached_property
    def _children(self) -> dict[str, list[Unit]]:
        children: dict[str, list[Unit]] = {}
        for unit in self.units:
            if unit.parent is not None:
                children.setdefault(unit.parent, []).append(unit)
        return children

    @cached_property
    def _contests_by_area(self) -> dict[str, list[int]]:
        by_area: dict[str, list[int]] = {}
        for index, contest in enumerate(self.contests):
            for code in contest.area:
                by_area.setdefault(code, []).append(index)
        return by_area

    @cached_property
    def _contests_by_id(self) -> dict[str, ContestDef]:
        return {contest.id: contest for contest in self.contests}

    @cached_property
    def _hash(self) -> str:
        return hashlib.sha256(canonical_json(election_to_mapping(self))).hexdigest()

    def unit(self, code: str) -> Unit:
        """The unit with ``code``; KeyError if the definition has none."""
        return self._by_code[code]

    def has_unit(self, code: str) -> bool:
        return code in self._by_code

    def children(self, code: str) -> tuple[Unit, ...]:
        """The units one level below ``code``, in definition order."""
        self.unit(code)
        return tuple(self._children.get(code, ()))

    def path(self, code: str) -> tuple[str, ...]:
        """The codes from the republic down to ``code``, inclusive."""
        codes: list[str] = []
        current: str | None = code
        while current is not None:
            codes.append(current)
            current = self.unit(current).parent
        return tuple(reversed(codes))

    def precincts(self) -> tuple[Unit, ...]:
        return tuple(unit for unit in self.units if unit.level == "precinct")

    def contest(self, contest_id: str) -> ContestDef:
        """The contest with ``contest_id``; KeyError if the definition has none."""
        return self._contests_by_id[contest_id]

    def has_contest(self, contest_id: str) -> bool:
        return contest_id in self._contests_by_id

    def contests_for(self, precinct_code: str) -> tuple[ContestDef, ...]:
        """The contests a precinct votes in: those whose area holds the precinct or an ancestor."""
        indices: set[int] = set()
        for code in self.path(precinct_code):
            indices.update(self._contests_by_area.get(code, ()))
        return tuple(self.contests[index] for index in sorted(indices))

    def definition_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of the definition: the same file, the same hash."""
        return self._hash


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes every hash in Saylau is taken over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- reading -----------------------------------------------------------------------------


def _object(raw: Any, where: str, fields: tuple[str, ...], what: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise BadInput(where, f"must be an object describing {what}", type(raw).__name__)
    for key in raw:
        if key not in fields:
            prefix = f"{where}." if where != "(document)" else ""
            raise BadInput(
                f"{prefix}{key}", f"is not a field of {what} (known: {', '.join(fields)})"
            )
    return raw


def _text(raw: Mapping[str, Any], name: str, where: str) -> str:
    field = f"{where}.{name}" if where else name
    if name not in raw:
        raise BadInput(field, "is required")
    value = raw[name]
    if not isinstance(value, str) or not value.strip():
        raise BadInput(field, "must be a non-empty string", value)
    return value


def _code(raw: Mapping[str, Any], name: str, where: str, plain: bool = False) -> str:
    """A code or id a protocol names (:data:`saylau.model.CODE_LENGTH` at most)."""
    value = _text(raw, name, where)
    if plain:
        value = plain_name(value)
    if len(value) > CODE_LENGTH:
        raise BadInput(
            f"{where}.{name}",
            f"must be at most {CODE_LENGTH} characters, the most a protocol may name",
            value,
        )
    return value


def _optional_choice(
    raw: Mapping[str, Any], name: str, where: str, allowed: tuple[str, ...]
) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if value not in allowed:
        raise BadInput(f"{where}.{name}", f"must be null or one of {', '.join(allowed)}", value)
    return str(value)


def _names(raw: Mapping[str, Any], where: str) -> Names:
    field = f"{where}.names" if where else "names"
    value = raw.get("names")
    if not isinstance(value, dict):
        raise BadInput(field, "must be an object with the names in kk, ru and en", value)
    for language in value:
        if language not in LANGUAGES:
            raise BadInput(f"{field}.{language}", "is not a language of the site (kk, ru, en)")
    names: Names = {}
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not plain_name(text):
            raise BadInput(f"{field}.{language}", "must be a non-empty string", text)
        names[language] = plain_name(text)
    return names


def _whole(value: object) -> TypeGuard[int]:
    """A JSON integer: ``true`` and ``1.0`` are not whole numbers of anything."""
    return isinstance(value, int) and not isinstance(value, bool)


def _unit(raw: Any, where: str) -> Unit:
    item = _object(raw, where, _UNIT_FIELDS, "a territorial unit")
    code = _code(item, "code", where)
    if code in RESERVED_UNIT_CODES:
        raise BadInput(
            f"{where}.code",
            f"must not be one of {', '.join(sorted(RESERVED_UNIT_CODES))}: a contest's own "
            "pages live at that path",
            code,
        )
    level = item.get("level")
    if level not in LEVELS:
        raise BadInput(f"{where}.level", f"must be one of {', '.join(LEVELS)}", level)
    parent = item.get("parent")
    if parent is not None and (not isinstance(parent, str) or not parent.strip()):
        raise BadInput(f"{where}.parent", "must be a unit code or null", parent)
    registered = item.get("registered")
    if level == "precinct":
        if not _whole(registered) or registered < 0:
            raise BadInput(
                f"{where}.registered",
                "a precinct must give the voters on its list as a non-negative integer",
                registered,
            )
    elif registered is not None:
        raise BadInput(
            f"{where}.registered",
            "only precincts carry voters on the list (totals are rolled up)",
            registered,
        )
    return Unit(code, level, parent, _names(item, where), registered)


def _check_tree(units: list[Unit]) -> None:
    """Unique codes, exactly one republic, every parent exists and is one level up."""
    first: dict[str, int] = {}
    for index, unit in enumerate(units):
        if unit.code in first:
            raise BadInput(
                f"units[{index}].code",
                f"codes must be unique; units[{first[unit.code]}] has the same code",
                unit.code,
            )
        first[unit.code] = index
    republics = [index for index, unit in enumerate(units) if unit.level == "republic"]
    if not republics:
        raise BadInput("units", "must hold exactly one unit of level republic, found none")
    if len(republics) > 1:
        raise BadInput(
            f"units[{republics[1]}].level",
            f"must hold exactly one republic; units[{republics[0]}] is already one",
            "republic",
        )
    for index, unit in enumerate(units):
        where = f"units[{index}].parent"
        depth = LEVELS.index(unit.level)
        if depth == 0:
            if unit.parent is not None:
                raise BadInput(where, "the republic has no parent", unit.parent)
            continue
        if unit.parent is None:
            raise BadInput(where, f"a {unit.level} needs a parent of level {LEVELS[depth - 1]}")
        if unit.parent not in first:
            raise BadInput(where, "no unit has this code", unit.parent)
        parent = units[first[unit.parent]]
        if parent.level != LEVELS[depth - 1]:
            raise BadInput(
                where,
                f"a {unit.level}'s parent must be a {LEVELS[depth - 1]}, not a {parent.level}",
                unit.parent,
            )


def _option(raw: Any, where: str) -> OptionDef:
    item = _object(raw, where, _OPTION_FIELDS, "a ballot option")
    party = item.get("party")
    if party is not None and (not isinstance(party, str) or not plain_name(party)):
        raise BadInput(f"{where}.party", "must be a party id or null", party)
    option_id = _code(item, "id", where, plain=True)
    return OptionDef(option_id, _names(item, where), plain_name(party) if party else None)


def _contest(raw: Any, where: str, codes: set[str]) -> ContestDef:
    item = _object(raw, where, _CONTEST_FIELDS, "a contest")
    contest_id = _code(item, "id", where)
    if contest_id in RESERVED_CONTEST_IDS:
        raise BadInput(
            f"{where}.id",
            f"must not be one of {', '.join(sorted(RESERVED_CONTEST_IDS))}: the election's "
            "own pages live at that path",
            contest_id,
        )
    kind_raw = item.get("kind")
    if kind_raw not in KINDS:
        raise BadInput(f"{where}.kind", f"must be one of {', '.join(KINDS)}", kind_raw)
    kind = Kind(kind_raw)
    names = _names(item, where)
    options_raw = item.get("options")
    if not isinstance(options_raw, list) or not options_raw:
        raise BadInput(f"{where}.options", "must be a non-empty list of ballot options")
    options = [
        _option(option_raw, f"{where}.options[{index}]")
        for index, option_raw in enumerate(options_raw)
    ]
    _check_distinct_options(options, where)
    seats = item.get("seats")
    if seats is not None and (not _whole(seats) or seats < 1):
        raise BadInput(f"{where}.seats", "must be a positive integer or null", seats)
    area_raw = item.get("area")
    if not isinstance(area_raw, list) or not area_raw:
        raise BadInput(f"{where}.area", "must be a non-empty list of unit codes")
    for index, code in enumerate(area_raw):
        if code not in codes:
            raise BadInput(f"{where}.area[{index}]", "no unit has this code", code)
        if code in area_raw[:index]:
            raise BadInput(f"{where}.area[{index}]", "is listed twice", code)
    body = _optional_choice(item, "body", where, BODIES)
    question_type = _optional_choice(item, "question_type", where, QUESTION_TYPES)
    if kind is Kind.REFERENDUM:
        if question_type is None:
            raise BadInput(
                f"{where}.question_type", "a referendum needs it: constitution or ordinary"
            )
        if "yes" not in {option.id for option in options}:
            raise BadInput(f"{where}.options", "a referendum's options must include 'yes'")
    return ContestDef(
        contest_id,
        kind,
        names,
        tuple(options),
        seats,
        tuple(area_raw),
        body,
        question_type,
        _level(item, where, kind, body),
        _round(item, where),
        _registration_order(item, where, kind, {o.id: i for i, o in enumerate(options)}),
    )


def _level(item: Mapping[str, Any], where: str, kind: Kind, body: str | None) -> str | None:
    """An akim's level (default rural, as the engine reads it) or a maslikhat's (default
    regional); no other contest has one."""
    if kind is Kind.AKIM:
        return _optional_choice(item, "level", where, AKIM_LEVELS) or "rural"
    if kind is Kind.MASLIKHAT_LIST or (kind is Kind.SINGLE_MEMBER and body == "maslikhat"):
        return _optional_choice(item, "level", where, MASLIKHAT_LEVELS) or "regional"
    if item.get("level") is not None:
        raise BadInput(
            f"{where}.level", "only akims and maslikhats are elected at a level", item["level"]
        )
    return None


def _round(item: Mapping[str, Any], where: str) -> int:
    value = item.get("round", 1)
    if value is None:
        value = 1
    if not _whole(value) or value not in (1, 2):
        raise BadInput(f"{where}.round", "must be 1 (first round) or 2 (repeat voting)", value)
    return int(value)


def _registration_order(
    item: Mapping[str, Any], where: str, kind: Kind, options: Mapping[str, int]
) -> tuple[str, ...] | None:
    """The lists' order of registration, which settles equal remainders: option ids of
    this contest, each once."""
    value = item.get("registration_order")
    if value is None:
        return None
    field = f"{where}.registration_order"
    if kind.value not in _LIST_KINDS:
        raise BadInput(field, "only party lists have an order of registration", kind.value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput(field, "must be a list of option ids, earliest registered first", value)
    value = [plain_name(option) for option in value]  # as the options' own ids are read
    for index, option in enumerate(value):
        if option not in options:
            raise BadInput(f"{field}[{index}]", "is not an option of this contest", option)
        if option in value[:index]:
            raise BadInput(f"{field}[{index}]", "is listed twice", option)
    return tuple(value)


def _check_distinct_options(options: list[OptionDef], where: str) -> None:
    """Two lines of one ballot are never one name to a reader, nor one id to a protocol."""
    at = f"{where}.options"
    refuse_same_names(
        ((f"{at}[{index}].id", option.id) for index, option in enumerate(options)),
        "option ids of a contest",
    )
    for language in LANGUAGES:
        refuse_same_names(
            (
                (f"{at}[{index}].names.{language}", option.names[language])
                for index, option in enumerate(options)
            ),
            f"the {language} names of a contest's options",
        )


def _check_law(contest: ContestDef, where: str, rules: Rules) -> None:
    """The contest's kind must exist under the law in force on the election date."""
    institution: type[InstitutionRules] = {
        Kind.PRESIDENTIAL: PresidencyRules,
        Kind.MAZHILIS_LIST: MazhilisRules,
        Kind.KURULTAI_LIST: KurultaiRules,
        Kind.MASLIKHAT_LIST: MaslikhatRules,
        Kind.AKIM: AkimRules,
        Kind.SENATE: SenateRules,
        Kind.REFERENDUM: ReferendumRules,
        Kind.SINGLE_MEMBER: MaslikhatRules if contest.body == "maslikhat" else MazhilisRules,
    }[contest.kind]
    try:
        rules.require(institution)
    except NotInForce as exc:
        raise BadInput(f"{where}.kind", str(exc), contest.kind.value) from None
    if contest.round == 2:
        _check_repeat_voting(contest, where, rules.require(institution))
    if contest.kind is Kind.AKIM:
        _check_akim_level(contest, where, rules)
    if contest.kind is Kind.MASLIKHAT_LIST:
        _check_maslikhat_lists(contest, where, rules)
    if contest.kind is not Kind.SINGLE_MEMBER:
        return
    if contest.body == "maslikhat":
        refused = maslikhat_district_refusal(rules, contest.level)
        if refused is not None:
            raise BadInput(f"{where}.kind", refused, contest.kind.value)
        return
    mazhilis = rules.require(MazhilisRules)
    if mazhilis.single_member_seats == 0:
        raise BadInput(
            f"{where}.kind",
            f"the Mazhilis had no single-member districts on {rules.date.isoformat()} "
            f"({mazhilis.cite('single_member_seats')})",
            contest.kind.value,
        )


def _check_against_all(item: Any, contest: ContestDef, where: str, rules: Rules) -> None:
    """A definition that says whether its ballot carries "against all" must say what the law
    of the date says: on every election ballot where ``elections.against_all_on_ballot``
    holds (from 2021), on none before, and never on a referendum's yes-or-no ballot."""
    given = item.get("against_all") if isinstance(item, dict) else None
    if given is None:
        return
    field = f"{where}.against_all"
    if not isinstance(given, bool):
        raise BadInput(field, "must be true, false or null (as the law of the date has it)", given)
    if contest.kind is Kind.REFERENDUM:
        if given:
            raise BadInput(field, "a referendum ballot asks yes or no: it has no 'against all'")
        return
    elections = rules.elections
    citation = elections.cite("against_all_on_ballot")
    if given and not elections.against_all_on_ballot:
        later = (
            f"; it is on the ballot from {(citation.until + dt.timedelta(days=1)).isoformat()}"
            if citation.until
            else ""
        )
        raise BadInput(
            field,
            f"'against all' was not on a {contest.kind.value} ballot on "
            f"{rules.date.isoformat()}{later} ({citation})",
            given,
        )
    if not given and elections.against_all_on_ballot:
        raise BadInput(
            field,
            f"the law of {rules.date.isoformat()} puts 'against all' on every election ballot, "
            f"a {contest.kind.value} ballot too ({citation})",
            given,
        )


def _check_repeat_voting(contest: ContestDef, where: str, law: InstitutionRules) -> None:
    """Repeat voting only where the law of the date holds one (its runoff_candidates), and
    between exactly as many candidates as it names."""
    candidates = getattr(law, "runoff_candidates", None)
    if candidates is None:
        raise BadInput(
            f"{where}.round",
            f"the law of the date holds no repeat voting for a {contest.kind.value} contest",
            contest.round,
        )
    if len(contest.options) != candidates:
        raise BadInput(
            f"{where}.options",
            f"repeat voting is between {candidates} candidates "
            f"({law.cite('runoff_candidates')}), not {len(contest.options)}",
            len(contest.options),
        )


def _check_akim_level(contest: ContestDef, where: str, rules: Rules) -> None:
    """Only akims of a level the law of the date has elected directly."""
    refused = akim_refusal(rules, contest.level or "rural")
    if refused is not None:
        raise BadInput(f"{where}.level", refused, contest.level)


def _check_maslikhat_lists(contest: ContestDef, where: str, rules: Rules) -> None:
    """Party lists only for maslikhats of a level that elected seats by lists on the date
    (in 2023 the district and city maslikhats were wholly single-member)."""
    maslikhat = rules.maslikhat
    share = f"{contest.level}_list_share"
    if getattr(maslikhat, share) == 0:
        raise BadInput(
            f"{where}.kind",
            f"{contest.level} maslikhats elected no seats by party lists on "
            f"{rules.date.isoformat()} ({maslikhat.cite(share)})",
            contest.kind.value,
        )


def _check_single_member_cover(election: Election) -> None:
    """A voter votes in one single-member district of a body at a level: areas of a body's
    districts never overlap (a precinct votes in one district of its region's maslikhat and
    one of its district's, but never in two of the same maslikhat's level)."""
    by_body: dict[tuple[str | None, str | None], dict[str, int]] = {}
    for index, contest in enumerate(election.contests):
        if contest.kind is not Kind.SINGLE_MEMBER:
            continue
        owners = by_body.setdefault((contest.body, contest.level), {})
        for position, code in enumerate(contest.area):
            if code in owners:
                raise BadInput(
                    f"contests[{index}].area[{position}]",
                    f"is already in the area of contests[{owners[code]}], a single-member "
                    f"district of the same body ({_body_words(contest.body, contest.level)}): "
                    "a voter votes in only one",
                    code,
                )
            owners[code] = index
    for (body, level), owners in by_body.items():
        for precinct in election.precincts():
            found = [owners[code] for code in election.path(precinct.code) if code in owners]
            if len(found) > 1:
                raise BadInput(
                    f"contests[{found[-1]}].area",
                    f"covers precinct {precinct.code}, which contests[{found[0]}] covers too; "
                    f"single-member districts of the same body ({_body_words(body, level)}) "
                    "must not overlap",
                    precinct.code,
                )


def _body_words(body: str | None, level: str | None) -> str:
    return f"{body}, {level} level" if level else str(body)


def election_from_mapping(raw: Any) -> Election:
    """Check a parsed definition and return it as an :class:`Election`, or raise BadInput."""
    item = _object(raw, "(document)", _ELECTION_FIELDS, "an election")
    election_id = _text(item, "id", "")
    if election_id in RESERVED_IDS:
        raise BadInput(
            "id",
            f"must not be one of {', '.join(sorted(RESERVED_IDS))}: the site's own pages "
            "live at that path",
            election_id,
        )
    date = iso_date(item.get("date"), "date")
    names = _names(item, "")
    units_raw = item.get("units")
    if not isinstance(units_raw, list) or not units_raw:
        raise BadInput("units", "must be a non-empty list of territorial units")
    units = [_unit(unit_raw, f"units[{index}]") for index, unit_raw in enumerate(units_raw)]
    _check_tree(units)
    contests_raw = item.get("contests")
    if not isinstance(contests_raw, list) or not contests_raw:
        raise BadInput("contests", "must be a non-empty list of contests")
    codes = {unit.code for unit in units}
    try:
        rules = rules_at(date)
    except NotInForce as exc:
        raise BadInput("date", str(exc), date.isoformat()) from None
    contests: list[ContestDef] = []
    seen: dict[str, int] = {}
    for index, contest_raw in enumerate(contests_raw):
        where = f"contests[{index}]"
        contest = _contest(contest_raw, where, codes)
        if contest.id in seen:
            raise BadInput(
                f"{where}.id",
                f"contest ids must be unique; contests[{seen[contest.id]}] has the same id",
                contest.id,
            )
        seen[contest.id] = index
        _check_law(contest, where, rules)
        _check_against_all(contest_raw, contest, where, rules)
        contests.append(contest)
    follows = _follows(item, election_id, contests)
    election = Election(election_id, date, names, tuple(units), tuple(contests), follows)
    _check_single_member_cover(election)
    return election


def _follows(item: Mapping[str, Any], election_id: str, contests: list[ContestDef]) -> str | None:
    """The election whose first round this repeat voting follows: another election's id,
    named only by a definition that holds repeat voting (a contest of round 2)."""
    value = item.get("follows")
    if value is None:
        return None
    if not isinstance(value, str) or not plain_name(value):
        raise BadInput("follows", "must be the id of the first round's election", value)
    value = plain_name(value)
    if value == plain_name(election_id):
        raise BadInput("follows", "an election cannot follow itself", value)
    if not any(contest.round == 2 for contest in contests):
        raise BadInput(
            "follows",
            "only an election with repeat voting (a contest of round 2) follows one",
            value,
        )
    return value


def load_election(path: str | Path) -> Election:
    """Read a definition from a ``.json``, ``.yaml`` or ``.yml`` file and check it."""
    file = Path(path)
    suffix = file.suffix.lower()
    text = file.read_text(encoding="utf-8")
    if suffix == ".json":
        try:
            raw = strictjson.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput("(document)", f"is not valid JSON: {exc}") from None
        except strictjson.DuplicateKey as exc:
            raise BadInput(exc.field, "appears twice in one object") from None
    elif suffix in (".yaml", ".yml"):
        try:
            raw = read_yaml(text)  # keys once, dates only as YYYY-MM-DD
        except RepeatedYamlKey as exc:
            raise BadInput(exc.key, f"appears twice in one mapping (line {exc.line})") from None
        except yaml.YAMLError as exc:
            raise BadInput("(document)", f"is not valid YAML: {exc}") from None
    else:
        raise BadInput("(file)", "must end in .json, .yaml or .yml", file.name)
    return election_from_mapping(raw)


# --- writing -----------------------------------------------------------------------------


def election_to_mapping(election: Election) -> dict[str, Any]:
    """The definition as plain JSON values, in the shape ``election_from_mapping`` reads."""
    return {
        "id": election.id,
        "date": election.date.isoformat(),
        "names": dict(election.names),
        "units": [
            {
                "code": unit.code,
                "level": unit.level,
                "parent": unit.parent,
                "names": dict(unit.names),
                "registered": unit.registered,
            }
            for unit in election.units
        ],
        "contests": [
            {
                "id": contest.id,
                "kind": contest.kind.value,
                "names": dict(contest.names),
                "options": [
                    {"id": option.id, "names": dict(option.names), "party": option.party}
                    for option in contest.options
                ],
                "seats": contest.seats,
                "area": list(contest.area),
                "body": contest.body,
                "question_type": contest.question_type,
                **_contest_extras(contest),
            }
            for contest in election.contests
        ],
        # written only when given, so a definition without it keeps its hash
        **({"follows": election.follows} if election.follows is not None else {}),
    }


def _contest_extras(contest: ContestDef) -> dict[str, Any]:
    """The fields a definition may leave out, written only where they say something, so a
    definition written without them keeps its hash."""
    extras: dict[str, Any] = {}
    if contest.level is not None and contest.level != _level({}, "", contest.kind, contest.body):
        extras["level"] = contest.level
    if contest.round != 1:
        extras["round"] = contest.round
    if contest.registration_order is not None:
        extras["registration_order"] = list(contest.registration_order)
    return extras


def dump_election(election: Election, path: str | Path) -> None:
    """Write the definition as JSON or YAML, chosen by the file's suffix."""
    file = Path(path)
    mapping = election_to_mapping(election)
    suffix = file.suffix.lower()
    if suffix == ".json":
        file.write_text(json.dumps(mapping, ensure_ascii=False, indent=1) + "\n", "utf-8")
    elif suffix in (".yaml", ".yml"):
        file.write_text(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False), "utf-8")
    else:
        raise BadInput("(file)", "must end in .json, .yaml or .yml", file.name)


__all__ = [
    "LANGUAGES",
    "LEVELS",
    "ContestDef",
    "Election",
    "Level",
    "Names",
    "OptionDef",
    "Unit",
    "canonical_json",
    "dump_election",
    "election_from_mapping",
    "election_to_mapping",
    "load_election",
]
