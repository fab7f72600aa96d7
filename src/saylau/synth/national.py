"""A seeded synthetic Mazhilis election of 2023 on Kazakhstan's real territory.

The generator exists so that every later room (storage, roll-up, publication, forensics) can
be exercised at national scale without real precinct data, which was never published. It
is built so that what is known is kept exactly and what is not is plausible:

* the territory is the real one (20 regions, their districts and cities, from
  ``saylau/data/territory``); precincts are spread over districts in proportion to voters;
* with 10,000 precincts the national totals of the party-list contest equal the official
  2023 result exactly (other precinct counts scale them proportionally);
* regional turnout follows the last regional figure published on election night;
  party shares vary by region and precinct (Dirichlet and multinomial noise) and are then
  adjusted in whole votes until the national totals hit the target;
* every protocol satisfies every control relation.

Generation is vectorised with NumPy so a million precincts (an India-scale stress run) take
seconds; protocols are held in columns and turned into :class:`Protocol` objects lazily.

Derived rules (the data did not give these): a district without a population gets an
equal share of what its region's population leaves after the districts that have one; the
party-list votes of a region are drawn around the national shares; single-member
candidates and their votes are invented, aiming at the official 22 Amanat and 7
self-nominated winners (those the source names win, the rest are drawn by lot). Where the
source gives a single-member district's 2023 electorate, the district's share of its
region's voters follows it. Every name comes from the data in all three languages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from saylau.election import ContestDef, Election, Names, OptionDef, Unit, dump_election
from saylau.law.rules import MazhilisRules, rules_at
from saylau.model import BadInput, Counts, Kind
from saylau.protocol import COUNT_FIELDS, Protocol, protocol_to_mapping
from saylau.territory import name_problems, rows

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

ELECTION_DATE = dt.date(2023, 3, 19)
BASE_PRECINCTS = 10_000
"""At this many precincts the list contest's national totals equal the official result."""

LIST_CONTEST = "mazhilis-list"
REPUBLIC = "KZ"

_CITY_TYPES = ("city_of_regional_significance", "city_district_of_republican_city")
_TYPICAL_VOTERS = {"city": 1_500.0, "rural": 800.0}
"""Typical voters per precinct: town precincts are larger than village ones."""

_ITERATION_CHUNK = 65_536


_CONSTRUCTED = {
    "night": {
        "kk": " (құрастырылған түн: ресми нәтиже емес)",
        "ru": " (сконструированный вечер: не официальные итоги)",
        "en": " (constructed night: not an official result)",
    },
    "contest": {
        "kk": " (құрастырылған: ресми нәтиже емес)",
        "ru": " (сконструировано: не официальные итоги)",
        "en": " (constructed: not an official result)",
    },
}


def constructed(names: Names, what: Literal["night", "contest"] = "night") -> Names:
    """Names that say, in each language, that the night (or one contest of an official
    night) is constructed, not official."""
    words = _CONSTRUCTED[what]
    return {language: text + words[language] for language, text in names.items()}


# --- the source data ---------------------------------------------------------------------


def _first_number(text: str) -> int | None:
    """The first number in a cell such as '>416,000' or '~500,000 (source: …)'."""
    match = re.search(r"\d[\d,]*", text)
    return int(match.group().replace(",", "")) if match else None


def _without_note(name: str) -> str:
    """A party's name without a trailing parenthetical note ('(formerly Otan …)', '(ОО)')."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()


def _tokens(text: str) -> str:
    """Words of a place name, spelled alike across romanisations (Qarqaraly ~ Karkaraly)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    plain = plain.replace("q", "k").replace("j", "zh").replace("y", "i")
    return " " + " ".join(re.findall(r"[a-z]+", plain)) + " "


@dataclass(frozen=True, slots=True)
class _Region:
    code: str
    names: Names
    population: int
    voters: int | None
    turnout: float
    counted_on_the_day: bool  # the voter figure is the list of 19 March 2023 itself


@dataclass(frozen=True, slots=True)
class _District:
    region: str
    city: bool
    names: Names
    keys: tuple[str, ...]
    population: int | None
    own_maslikhat: bool  # a city district of a republican city has none


@dataclass(frozen=True, slots=True)
class _Smd:
    number: int
    region: str
    territory: str  # as words (see _tokens), the region's own name left out
    electorate: int | None
    winner: str | None  # "amanat", "self-nominated" or None when not known


@dataclass(frozen=True, slots=True)
class _Party:
    id: str
    result_name: str
    names: Names


@dataclass(frozen=True, slots=True)
class _Sources:
    regions: tuple[_Region, ...]
    districts: tuple[_District, ...]
    smds: tuple[_Smd, ...]
    parties: tuple[_Party, ...]
    official: dict[str, int]


def _latest_turnout(row: dict[str, str]) -> float:
    """The last figure of the night for a region (columns run 18:10, 20:10, 22:10, final)."""
    columns = ("turnout_1810", "turnout_2010", "turnout_2210", "turnout_preliminary_tdi")
    figures = [float(row[column]) for column in columns if row[column].strip()]
    return figures[-1] / 100


@cache
def _sources() -> _Sources:
    missing = name_problems()
    if missing:  # a page would show a blank where the name belongs
        raise ValueError(missing[0] + (f" (and {len(missing) - 1} more)" if missing[1:] else ""))
    turnout = {row["iso_3166_2"]: _latest_turnout(row) for row in rows("turnout-mazhilis-2023.csv")}
    regions = tuple(
        _Region(
            code=row["iso_3166_2"],
            names={
                "kk": row["name_kk"],
                "ru": row["name_ru_official"],
                "en": row["name_en_wikipedia"],
            },
            population=int(row["population_2024_07_01"]),
            voters=_first_number(row["registered_voters"]),
            turnout=turnout[row["iso_3166_2"]],
            counted_on_the_day=row["voters_event"].startswith(ELECTION_DATE.isoformat()),
        )
        for row in rows("regions.csv")
    )
    districts = []
    for row in rows("districts.csv"):
        english = row["name_en"]
        bare = re.sub(r"\s+District$", "", english)
        keys = tuple(_tokens(part) for part in re.split(r"[()]", bare) if part.strip())
        districts.append(
            _District(
                region=row["region_iso"],
                city=row["unit_type"] in _CITY_TYPES,
                names={"kk": row["name_kk"], "ru": row["name_ru"], "en": english},
                keys=keys,
                population=_first_number(row["population"]) if row["population"] else None,
                own_maslikhat=row["unit_type"] != "city_district_of_republican_city",
            )
        )
    smds = []
    for row in rows("smd-2023.csv"):
        label = row["winner_party_or_self_nominated"]
        winner = "amanat" if label == "Amanat" else "self-nominated" if "self" in label else None
        territory = _tokens(row["territory"].replace(row["region"], " "))
        electorate = _first_number(row["electorate_2023"]) if row["electorate_2023"] else None
        smds.append(_Smd(int(row["smd_no"]), row["region_iso"], territory, electorate, winner))
    parties = tuple(
        _Party(
            row["id"],
            row["name_in_2023_result"],
            {language: _without_note(row[f"name_{language}"]) for language in ("kk", "ru", "en")},
        )
        for row in rows("parties.csv")
    )
    official = {row["line"]: int(row["value"]) for row in rows("results-mazhilis-2023.csv")}
    return _Sources(regions, tuple(districts), tuple(smds), parties, official)


# --- whole-number splitting --------------------------------------------------------------


def _split(total: int, weights: F64, caps: I64 | None = None) -> I64:
    """``total`` split into whole numbers in proportion to ``weights`` (largest remainder),
    never above ``caps`` where given."""
    share = np.zeros(len(weights))
    free = weights > 0
    remaining = float(total)
    for _ in range(100):
        share[free] = weights[free] / weights[free].sum() * remaining
        if caps is None:
            break
        over = free & (share > caps)
        if not over.any():
            break
        share[over] = caps[over]
        free &= ~over
        remaining = total - share[~free].sum()
    whole = np.floor(share).astype(np.int64)
    if caps is not None:
        whole = np.minimum(whole, caps)
    short = total - int(whole.sum())
    room = share - whole
    if caps is not None:
        room[whole >= caps] = -1.0
    chosen = np.argsort(-room, kind="stable")[:short]
    whole[chosen] += 1
    return whole


def _split_within(totals: I64, group: I64, weights: F64) -> I64:
    """Each group's total split over its members in proportion to ``weights``."""
    weight_sums = np.bincount(group, weights=weights, minlength=len(totals))
    share = totals[group] * weights / weight_sums[group]
    whole = np.floor(share).astype(np.int64)
    short = totals - np.bincount(group, weights=whole, minlength=len(totals)).astype(np.int64)
    order = np.lexsort((-(share - whole), group))
    starts = np.searchsorted(group[order], np.arange(len(totals)))
    rank = np.arange(len(group)) - starts[group[order]]
    whole[order[rank < short[group[order]]]] += 1
    return whole


def _fit_margins(counts: I64, row_totals: I64, column_totals: I64) -> I64:
    """Whole-number table close to ``counts`` with exactly the given row and column totals.

    Proportional fitting makes a real-valued table with both margins, then whole numbers are
    handed out by largest fractional part, column by column, without breaking a row total.
    """
    table = counts.astype(np.float64)
    rows = row_totals.astype(np.float64)
    columns = column_totals.astype(np.float64)
    sums = table.sum(axis=0)
    for _ in range(200):
        table *= np.divide(columns, sums, out=np.zeros_like(columns), where=sums > 0)
        row_sums = table.sum(axis=1)
        table *= np.divide(rows, row_sums, out=np.zeros_like(rows), where=row_sums > 0)[:, None]
        sums = table.sum(axis=0)
        if np.abs(sums - columns).max() < 0.25:  # the rounding below absorbs the rest
            break
    whole = np.floor(table).astype(np.int64)
    room = table - whole
    row_short = row_totals - whole.sum(axis=1)
    column_short = column_totals - whole.sum(axis=0)
    for column in range(table.shape[1]):
        while column_short[column] < 0:  # only from rounding noise: give back the thinnest
            holders = np.nonzero(whole[:, column] > 0)[0]
            take = holders[np.argsort(room[holders, column], kind="stable")]
            take = take[: -column_short[column]]
            whole[take, column] -= 1
            row_short[take] += 1
            column_short[column] += len(take)
    for column in range(table.shape[1]):
        while column_short[column] > 0:
            open_rows = np.nonzero(row_short > 0)[0]
            if len(open_rows) == 0:
                raise AssertionError("margins disagree: no row can take another vote")
            need = int(column_short[column])
            if need < len(open_rows):
                take = open_rows[np.argpartition(-room[open_rows, column], need - 1)[:need]]
            else:
                take = open_rows
            whole[take, column] += 1
            room[take, column] -= 1.0
            row_short[take] -= 1
            column_short[column] -= len(take)
    return whole


def _draw_shares(rng: np.random.Generator, means: F64, concentration: float) -> F64:
    """One Dirichlet draw per row around that row's mean shares."""
    gamma = rng.standard_gamma(np.maximum(means * concentration, 1e-3))
    shares: F64 = gamma / gamma.sum(axis=1, keepdims=True)
    return shares


# --- the protocols in columns ------------------------------------------------------------


def _protocol(precinct: str, contest: str, counts: list[int], votes: dict[str, int]) -> Protocol:
    """A protocol from its count lines in the order of COUNT_FIELDS."""
    (
        voters_on_list,
        voters_added,
        ballots_received,
        ballots_issued,
        ballots_cancelled,
        ballots_found,
        invalid,
        against_all,
        neither,
    ) = counts
    return Protocol(
        precinct,
        contest,
        voters_on_list,
        voters_added,
        ballots_received,
        ballots_issued,
        ballots_cancelled,
        ballots_found,
        invalid,
        against_all,
        neither,
        votes,
    )


@dataclass(frozen=True, eq=False)
class ProtocolColumns:
    """Protocols held column by column: one row per protocol, in precinct order.

    ``precinct`` and ``contest`` index into ``precinct_codes`` and ``contest_ids``; the votes
    of protocol ``i`` are row ``row[i]`` of ``votes[contest[i]]``, whose columns are the
    options ``option_ids[contest[i]]``.
    """

    precinct_codes: tuple[str, ...]
    contest_ids: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    precinct: I64
    contest: I64
    row: I64
    voters_on_list: I64
    voters_added: I64
    ballots_received: I64
    ballots_issued: I64
    ballots_cancelled: I64
    ballots_found: I64
    invalid: I64
    against_all: I64
    neither: I64
    votes: tuple[I64, ...]
    region_codes: tuple[str, ...]
    precinct_region: I64

    def __len__(self) -> int:
        return len(self.precinct)

    def __getitem__(self, index: int) -> Protocol:
        contest = int(self.contest[index])
        values = self.votes[contest][self.row[index]].tolist()
        return _protocol(
            self.precinct_codes[int(self.precinct[index])],
            self.contest_ids[contest],
            [int(getattr(self, name)[index]) for name in COUNT_FIELDS],
            dict(zip(self.option_ids[contest], values, strict=True)),
        )

    def __iter__(self) -> Iterator[Protocol]:
        """Protocols one by one, built a chunk at a time so a million cost little memory."""
        for start in range(0, len(self), _ITERATION_CHUNK):
            stop = min(start + _ITERATION_CHUNK, len(self))
            counts = [getattr(self, name)[start:stop].tolist() for name in COUNT_FIELDS]
            contests = self.contest[start:stop]
            rows = self.row[start:stop]
            vote_rows: list[list[int]] = [[] for _ in range(stop - start)]
            for contest in np.unique(contests).tolist():
                at = np.nonzero(contests == contest)[0]
                for position, values in zip(
                    at.tolist(), self.votes[contest][rows[at]].tolist(), strict=True
                ):
                    vote_rows[position] = values
            precincts = self.precinct[start:stop].tolist()
            contest_list = contests.tolist()
            for k in range(stop - start):
                contest = contest_list[k]
                yield _protocol(
                    self.precinct_codes[precincts[k]],
                    self.contest_ids[contest],
                    [column[k] for column in counts],
                    dict(zip(self.option_ids[contest], vote_rows[k], strict=True)),
                )

    def to_mappings(self) -> Iterator[dict[str, Any]]:
        """Each protocol as the JSON object a commission submits (lazily)."""
        return (protocol_to_mapping(protocol) for protocol in self)

    def option_votes(self) -> I64:
        """Votes for the options on each protocol."""
        total = np.zeros(len(self), dtype=np.int64)
        for contest, table in enumerate(self.votes):
            mask = self.contest == contest
            total[mask] = table.sum(axis=1)[self.row[mask]]
        return total

    def consistent(self) -> NDArray[np.bool_]:
        """Per protocol, whether it keeps every arithmetic control relation (vectorised
        counterpart of :mod:`saylau.tabulation.relations` without the law check)."""
        accounted = self.invalid + self.option_votes() + self.against_all + self.neither
        result: NDArray[np.bool_] = (
            (self.ballots_received == self.ballots_issued + self.ballots_cancelled)
            & (self.ballots_found <= self.ballots_issued)
            & (self.ballots_found == accounted)
            & (self.ballots_issued <= self.voters_on_list + self.voters_added)
        )
        return result

    def _counts(self, contest: int, mask: NDArray[np.bool_]) -> Counts:
        table = self.votes[contest][self.row[mask]]
        return Counts(
            registered=int((self.voters_on_list[mask] + self.voters_added[mask]).sum()),
            participated=int(self.ballots_found[mask].sum()),
            invalid=int(self.invalid[mask].sum()),
            against_all=int(self.against_all[mask].sum()),
            options={
                option: int(votes)
                for option, votes in zip(
                    self.option_ids[contest], table.sum(axis=0).tolist(), strict=True
                )
            },
        )

    def totals(self, contest_id: str) -> Counts:
        """A contest's totals: registered = voters on the lists incl. those added on the day;
        participated = ballots found in the boxes."""
        contest = self.contest_ids.index(contest_id)
        return self._counts(contest, self.contest == contest)

    def totals_by_region(self, contest_id: str) -> dict[str, Counts]:
        """A contest's totals in each region it covers, keyed by region code."""
        contest = self.contest_ids.index(contest_id)
        mask = self.contest == contest
        regions = self.precinct_region[self.precinct]
        return {
            self.region_codes[region]: self._counts(contest, mask & (regions == region))
            for region in np.unique(regions[mask]).tolist()
        }


@dataclass(frozen=True, eq=False)
class SyntheticElection:
    """A generated election: its definition and one protocol per precinct and contest."""

    election: Election
    protocols: ProtocolColumns


# --- the territory -----------------------------------------------------------------------


def _district_weights(sources: _Sources) -> F64:
    """Population of each district; the unknown ones share what their region leaves."""
    weights = np.zeros(len(sources.districts))
    for region in sources.regions:
        members = [i for i, d in enumerate(sources.districts) if d.region == region.code]
        known = {i: sources.districts[i].population for i in members}
        unknown = [i for i, population in known.items() if population is None]
        left = region.population - sum(p for p in known.values() if p is not None)
        floor = 0.2 * region.population / len(members)
        for i, population in known.items():
            weights[i] = population if population is not None else max(left / len(unknown), floor)
    return weights


def _smd_areas(sources: _Sources, voters: I64) -> list[list[int]]:
    """The districts of each single-member district, as whole districts of its region.

    Where the source names a district's territory, the names are followed; districts it
    does not name go to the lightest district of their region; a region whose territory is
    not named is cut into contiguous groups of similar size.
    """
    areas: list[list[int]] = [[] for _ in sources.smds]
    for region in sources.regions:
        seats = [k for k, smd in enumerate(sources.smds) if smd.region == region.code]
        members = [i for i, d in enumerate(sources.districts) if d.region == region.code]
        if len(seats) == 1:
            areas[seats[0]] = members
            continue
        weight = dict.fromkeys(seats, 0)
        named: dict[int, list[int]] = {}
        for i in members:
            keys = sources.districts[i].keys
            named[i] = [k for k in seats if any(key in sources.smds[k].territory for key in keys)]
        if not any(named.values()):
            total = sum(int(voters[i]) for i in members)
            before = 0
            for i in members:
                group = min(int((before + voters[i] / 2) / total * len(seats)), len(seats) - 1)
                areas[seats[group]].append(i)
                before += int(voters[i])
            continue
        for i in sorted(members, key=lambda i: (len(named[i]) != 1, len(named[i]) == 0)):
            choices = named[i] or seats
            seat = min(choices, key=lambda k: (weight[k], k))
            areas[seat].append(i)
            weight[seat] += int(voters[i])
        for seat in seats:
            areas[seat].sort()
    for k, area in enumerate(areas):
        if not area:
            raise AssertionError(f"single-member district {sources.smds[k].number} got no area")
    return areas


def _follow_electorates(sources: _Sources, areas: list[list[int]], weights: F64) -> F64:
    """District weights rescaled so that districts with a known 2023 electorate get their share.

    Unknown district populations are guesses (an equal share); where the source gives the
    electorate of a single-member district, its share of the region's voters overrides them.
    """
    adjusted = weights.copy()
    for region in sources.regions:
        seats = [k for k, smd in enumerate(sources.smds) if smd.region == region.code]
        known = {k: sources.smds[k].electorate for k in seats if sources.smds[k].electorate}
        if len(seats) < 2 or not known:
            continue
        electorate = sum(e for e in known.values() if e is not None)
        if len(known) == len(seats):
            share = {k: e / electorate for k, e in known.items() if e is not None}
        elif region.voters is not None and electorate < region.voters:
            share = {k: e / region.voters for k, e in known.items() if e is not None}
            rest = [k for k in seats if k not in known]
            rest_weight = sum(weights[areas[k]].sum() for k in rest)
            for k in rest:
                share[k] = (1 - electorate / region.voters) * weights[areas[k]].sum() / rest_weight
        else:
            continue
        region_weight = sum(weights[areas[k]].sum() for k in seats)
        for k in seats:
            adjusted[areas[k]] *= share[k] * region_weight / weights[areas[k]].sum()
    return adjusted


# --- candidates --------------------------------------------------------------------------

_FIRST_MALE = (
    ("Aidos", "Айдос", "Айдос"),
    ("Nurlan", "Нұрлан", "Нурлан"),
    ("Yerlan", "Ерлан", "Ерлан"),
    ("Asylbek", "Асылбек", "Асылбек"),
    ("Daniyar", "Данияр", "Данияр"),
    ("Bolat", "Болат", "Болат"),
    ("Serik", "Серік", "Серик"),
    ("Marat", "Марат", "Марат"),
    ("Kairat", "Қайрат", "Кайрат"),
    ("Zhandos", "Жандос", "Жандос"),
    ("Arman", "Арман", "Арман"),
    ("Berik", "Берік", "Берик"),
    ("Galym", "Ғалым", "Галым"),
    ("Yerzhan", "Ержан", "Ержан"),
    ("Askar", "Асқар", "Аскар"),
    ("Timur", "Тимур", "Тимур"),
)
_FIRST_FEMALE = (
    ("Aigerim", "Әйгерім", "Айгерим"),
    ("Dana", "Дана", "Дана"),
    ("Saule", "Сәуле", "Сауле"),
    ("Zhanar", "Жанар", "Жанар"),
    ("Aliya", "Әлия", "Алия"),
    ("Gulmira", "Гүлмира", "Гульмира"),
    ("Madina", "Мадина", "Мадина"),
    ("Aizhan", "Айжан", "Айжан"),
    ("Dinara", "Динара", "Динара"),
    ("Assel", "Әсел", "Асель"),
)
_SURNAMES = (
    ("Akhmetov", "Ахметов", "Ахметов"),
    ("Iskakov", "Ысқақов", "Искаков"),
    ("Nurpeisov", "Нұрпейісов", "Нурпеисов"),
    ("Abdrakhmanov", "Әбдірахманов", "Абдрахманов"),
    ("Baimukhanov", "Баймұханов", "Баймуханов"),
    ("Kassymov", "Қасымов", "Касымов"),
    ("Omarov", "Омаров", "Омаров"),
    ("Tokhtarov", "Тоқтаров", "Токтаров"),
    ("Zhumabayev", "Жұмабаев", "Жумабаев"),
    ("Sarsenbayev", "Сәрсенбаев", "Сарсенбаев"),
    ("Mukhamedzhanov", "Мұхамеджанов", "Мухамеджанов"),
    ("Yessenov", "Есенов", "Есенов"),
    ("Serikbayev", "Серікбаев", "Серикбаев"),
    ("Utemisov", "Өтемісов", "Утемисов"),
    ("Temirkhanov", "Темірханов", "Темирханов"),
    ("Dauletov", "Дәулетов", "Даулетов"),
)


def _person(rng: np.random.Generator, taken: set[tuple[int, int, int]]) -> Names:
    """A plausible Kazakh name, distinct within one district's ballot."""
    while True:
        female = int(rng.integers(2))
        firsts = _FIRST_FEMALE if female else _FIRST_MALE
        key = (female, int(rng.integers(len(firsts))), int(rng.integers(len(_SURNAMES))))
        if key not in taken:
            taken.add(key)
            break
    first, surname = firsts[key[1]], _SURNAMES[key[2]]
    ending = ("a", "а", "а") if female else ("", "", "")
    return {
        language: f"{first[i]} {surname[i]}{ending[i]}"
        for i, language in enumerate(("en", "kk", "ru"))
    }


@dataclass(frozen=True, slots=True)
class _Ballot:
    options: tuple[OptionDef, ...]
    strength: F64  # expected shares of the options, then against all, then invalid


def _smd_ballot(
    rng: np.random.Generator, parties: Sequence[_Party], list_share: F64, self_wins: bool
) -> _Ballot:
    """Candidates of one district: Amanat's, some other parties', and self-nominated ones."""
    taken: set[tuple[int, int, int]] = set()
    options: list[OptionDef] = []
    strength: list[float] = []
    for index, party in enumerate(parties):
        if party.id == "amanat":
            share = rng.uniform(0.18, 0.28) if self_wins else rng.uniform(0.42, 0.58)
        elif rng.random() < 0.5:
            share = list_share[index] * rng.uniform(0.6, 1.1)
        else:
            continue
        options.append(OptionDef(f"c{len(options) + 1:02d}", _person(rng, taken), party.id))
        strength.append(share)
    for lone in range(int(rng.integers(1, 6))):
        leading = self_wins and lone == 0
        share = rng.uniform(0.38, 0.52) if leading else rng.uniform(0.01, 0.06)
        options.append(OptionDef(f"c{len(options) + 1:02d}", _person(rng, taken), None))
        strength.append(share)
    strength += [rng.uniform(0.03, 0.07), rng.uniform(0.02, 0.045)]
    shares = np.array(strength)
    return _Ballot(tuple(options), shares / shares.sum())


# --- the generator -----------------------------------------------------------------------


def _names(kk: str, ru: str, en: str) -> Names:
    return {"kk": kk, "ru": ru, "en": en}


@dataclass(frozen=True)
class DrawnPrecincts:
    """A night's precincts, drawn over its districts: where each is, the voters on its list,
    and how many took part and were issued or cancelled ballots."""

    per_district: I64
    district: I64
    city: NDArray[np.bool_]
    region: I64
    voters: I64
    added: I64
    on_list: I64
    found: I64
    issued: I64
    cancelled: I64


def draw_precincts(
    rng: np.random.Generator,
    precincts: int,
    city: NDArray[np.bool_],
    district_region: I64,
    district_voters: I64,
    turnout: F64,
    region_voters: I64,
    participated: int,
    scatter: float,
    rural_lift: float,
) -> DrawnPrecincts:
    """Precincts over the districts (more per voter in villages, sizes from a few dozen to
    about 3,000) and who took part: each region's published ``turnout``, precincts scattered
    around it (``scatter`` on the log-odds, villages ``rural_lift`` higher), ``participated``
    exactly in all."""
    typical = np.where(city, _TYPICAL_VOTERS["city"], _TYPICAL_VOTERS["rural"])
    per_district = 1 + _split(precincts - len(city), district_voters / typical)
    precinct_district = np.repeat(np.arange(len(city)), per_district)
    precinct_city = city[precinct_district]
    spread = np.where(
        precinct_city,
        np.clip(rng.lognormal(0.0, 0.35, precincts), 0.3, 1.8),
        np.clip(rng.lognormal(0.0, 0.8, precincts), 0.03, 2.2),
    )
    voters = _split_within(district_voters, precinct_district, spread)
    added = np.minimum(rng.poisson(0.004 * voters), voters // 20)
    precinct_region = district_region[precinct_district]
    logit = np.log(turnout / (1 - turnout))[precinct_region]
    logit += rng.normal(0.0, scatter, precincts) + np.where(precinct_city, 0.0, rural_lift)
    expected = voters / (1 + np.exp(-logit))
    by_region = np.bincount(precinct_region, weights=expected, minlength=len(turnout))
    expected *= (region_voters * turnout / by_region)[precinct_region]
    found = _split(participated, expected, caps=voters)
    issued = found + np.minimum(rng.binomial(found, 0.003), voters - found)
    cancelled = np.rint(issued * rng.uniform(0.005, 0.04, precincts)).astype(np.int64)
    cancelled += rng.integers(1, 6, precincts)
    return DrawnPrecincts(
        per_district,
        precinct_district,
        precinct_city,
        precinct_region,
        voters,
        added,
        voters - added,
        found,
        issued,
        cancelled,
    )


def generate(seed: int = 2023, precincts: int = 10_000) -> SyntheticElection:
    """A synthetic 2023 Mazhilis election with ``precincts`` precincts, the same for a seed.

    With 10,000 precincts the party-list totals are the official ones exactly; with more or
    fewer, each official total is scaled by ``precincts / 10,000`` and rounded.
    """
    sources = _sources()
    regions, districts, parties = sources.regions, sources.districts, sources.parties
    if precincts < len(districts):
        raise BadInput(
            "precincts", f"must be at least {len(districts)}, one per district", precincts
        )
    rng = np.random.default_rng(seed)
    scale = precincts / BASE_PRECINCTS
    official = sources.official
    party_target = np.array(
        [round(official[f"party:{p.result_name}"] * scale) for p in parties], dtype=np.int64
    )
    against_target = round(official["against_all"] * scale)
    invalid_target = round(official["invalid"] * scale)
    participated = int(party_target.sum()) + against_target + invalid_target
    registered = round(official["registered"] * scale)

    # Voters: regions by their voter figure (population where none), districts by population.
    population = np.array([r.population for r in regions], dtype=np.float64)
    known = np.array([r.voters is not None for r in regions])
    region_voter_figure = np.array([r.voters or 0 for r in regions], dtype=np.float64)
    adults = region_voter_figure[known].sum() / population[known].sum()
    region_weight = np.where(known, region_voter_figure, population * adults)
    region_voters = _region_voters(regions, registered, region_weight, scale)
    region_index = {r.code: k for k, r in enumerate(regions)}
    district_region = np.array([region_index[d.region] for d in districts], dtype=np.int64)
    district_weights = _district_weights(sources)
    district_voters = _split_within(region_voters, district_region, district_weights)
    areas = _smd_areas(sources, district_voters)
    district_weights = _follow_electorates(sources, areas, district_weights)
    district_voters = _split_within(region_voters, district_region, district_weights)

    drawn_precincts = draw_precincts(
        rng,
        precincts,
        np.array([d.city for d in districts]),
        district_region,
        district_voters,
        np.array([r.turnout for r in regions]),
        region_voters,
        participated,
        scatter=0.35,
        rural_lift=0.25,
    )
    per_district, precinct_district = drawn_precincts.per_district, drawn_precincts.district
    precinct_region = drawn_precincts.region
    added, on_list, found = drawn_precincts.added, drawn_precincts.on_list, drawn_precincts.found
    issued, cancelled = drawn_precincts.issued, drawn_precincts.cancelled
    received = issued + cancelled

    # Party lists: regional shares around the national ones, precincts around their region's.
    national = np.append(party_target, [against_target, invalid_target]) / participated
    region_shares = _draw_shares(rng, np.tile(national, (len(regions), 1)), 150.0)
    precinct_shares = _draw_shares(rng, region_shares[precinct_region], 200.0)
    drawn = rng.multinomial(found, precinct_shares)
    list_table = _fit_margins(
        drawn, found, np.append(party_target, [against_target, invalid_target])
    )
    del drawn, precinct_shares

    # Single-member districts: whole districts, invented candidates.
    district_smd = np.zeros(len(districts), dtype=np.int64)
    for k, area in enumerate(areas):
        district_smd[area] = k
    precinct_smd = district_smd[precinct_district]
    list_share = national[: len(parties)] / national[: len(parties) + 1].sum()
    self_wins = _self_nominated_winners(rng, sources)
    ballots = [
        _smd_ballot(rng, parties, list_share, k in self_wins) for k in range(len(sources.smds))
    ]
    smd_tables: list[I64] = []
    smd_row = np.zeros(precincts, dtype=np.int64)
    for k, ballot in enumerate(ballots):
        members = np.nonzero(precinct_smd == k)[0]
        smd_row[members] = np.arange(len(members))
        shares = _draw_shares(rng, np.tile(ballot.strength, (len(members), 1)), 120.0)
        smd_tables.append(rng.multinomial(found[members], shares).astype(np.int64))

    election = _election(sources, per_district, on_list, areas, ballots)
    protocols = _columns(
        election,
        regions,
        precinct_region,
        precinct_smd,
        smd_row,
        on_list=on_list,
        added=added,
        received=received,
        issued=issued,
        cancelled=cancelled,
        found=found,
        list_table=list_table,
        smd_tables=smd_tables,
    )
    return SyntheticElection(election, protocols)


def _region_voters(regions: Sequence[_Region], registered: int, weight: F64, scale: float) -> I64:
    """Voters of each region: a figure that is the list of election day itself (Astana's and
    Kostanay's, from their maslikhat elections) is kept, scaled; the rest of the national
    total goes to the others by weight."""
    pinned = np.array([r.counted_on_the_day and r.voters is not None for r in regions])
    kept = np.array([round((r.voters or 0) * scale) for r in regions], dtype=np.int64)
    voters = np.where(pinned, kept, 0)
    voters[~pinned] = _split(registered - int(voters.sum()), weight[~pinned])
    return voters


def _self_nominated_winners(rng: np.random.Generator, sources: _Sources) -> set[int]:
    """Which districts a self-nominated candidate wins: those known, then drawn by lot."""
    wanted = sources.official.get("single_member_seats:self-nominated", 0)
    known = [k for k, smd in enumerate(sources.smds) if smd.winner == "self-nominated"]
    open_seats = [k for k, smd in enumerate(sources.smds) if smd.winner is None]
    drawn = rng.choice(open_seats, size=max(wanted - len(known), 0), replace=False)
    return set(known) | {int(k) for k in drawn}


def republic_unit() -> Unit:
    """The top of every night's territory."""
    return Unit(
        REPUBLIC,
        "republic",
        None,
        _names("Қазақстан Республикасы", "Республика Казахстан", "Republic of Kazakhstan"),
        None,
    )


def _election(
    sources: _Sources,
    per_district: I64,
    on_list: I64,
    areas: list[list[int]],
    ballots: list[_Ballot],
) -> Election:
    regions, districts = sources.regions, sources.districts
    units = [republic_unit()]
    units += [Unit(r.code, "region", REPUBLIC, r.names, None) for r in regions]
    district_codes: list[str] = []
    serial: dict[str, int] = {}
    for district in districts:
        serial[district.region] = serial.get(district.region, 0) + 1
        district_codes.append(f"{district.region}-D{serial[district.region]:02d}")
    units += [
        Unit(code, "district", d.region, d.names, None)
        for code, d in zip(district_codes, districts, strict=True)
    ]
    width = max(4, len(str(int(per_district.max()))))
    precinct_names = [
        _names(f"№ {n} сайлау учаскесі", f"Избирательный участок № {n}", f"Polling station No. {n}")
        for n in range(1, int(per_district.max()) + 1)
    ]
    registered = on_list.tolist()
    position = 0
    for code, count in zip(district_codes, per_district.tolist(), strict=True):
        units += [
            Unit(f"{code}-P{n:0{width}d}", "precinct", code, precinct_names[n - 1], registered[i])
            for n, i in zip(range(1, count + 1), range(position, position + count), strict=True)
        ]
        position += count
    party_options = tuple(OptionDef(p.id, p.names, p.id) for p in sources.parties)
    contests = [
        ContestDef(
            LIST_CONTEST,
            Kind.MAZHILIS_LIST,
            _names(
                "Мәжіліс депутаттарын партиялық тізімдер бойынша сайлау",
                "Выборы депутатов Мажилиса по партийным спискам",
                "Mazhilis election by party lists",
            ),
            party_options,
            rules_at(ELECTION_DATE).require(MazhilisRules).list_seats,
            (REPUBLIC,),
        )
    ]
    for smd, area, ballot in zip(sources.smds, areas, ballots, strict=True):
        number = smd.number
        contests.append(
            ContestDef(
                f"smd-{number:02d}",
                Kind.SINGLE_MEMBER,
                _names(
                    f"№ {number} бірмандаттық аумақтық сайлау округі",
                    f"Одномандатный территориальный избирательный округ № {number}",
                    f"Single-member territorial electoral district No. {number}",
                ),
                ballot.options,
                1,
                tuple(district_codes[i] for i in area),
                body="mazhilis",
            )
        )
    return Election(
        "mazhilis-2023-synthetic",
        ELECTION_DATE,
        _names(
            "Мәжіліс депутаттарын сайлау, 2023 (синтетикалық деректер)",
            "Выборы депутатов Мажилиса, 2023 (синтетические данные)",
            "Mazhilis election, 2023 (synthetic data)",
        ),
        tuple(units),
        tuple(contests),
    )


def _columns(
    election: Election,
    regions: Sequence[_Region],
    precinct_region: I64,
    precinct_smd: I64,
    smd_row: I64,
    *,
    on_list: I64,
    added: I64,
    received: I64,
    issued: I64,
    cancelled: I64,
    found: I64,
    list_table: I64,
    smd_tables: list[I64],
) -> ProtocolColumns:
    """Two protocols per precinct, the list's then the district's, sharing the ballot counts."""
    count = len(found)
    against = len(election.contests[0].options)

    def interleave(list_values: I64, smd_values: I64) -> I64:
        both = np.empty(2 * count, dtype=np.int64)
        both[0::2] = list_values
        both[1::2] = smd_values
        return both

    def twice(values: I64) -> I64:
        return np.repeat(values.astype(np.int64), 2)

    smd_against = np.zeros(count, dtype=np.int64)
    smd_invalid = np.zeros(count, dtype=np.int64)
    smd_votes: list[I64] = []
    for k, table in enumerate(smd_tables):
        members = np.nonzero(precinct_smd == k)[0]
        smd_against[members] = table[:, -2]
        smd_invalid[members] = table[:, -1]
        smd_votes.append(np.ascontiguousarray(table[:, :-2]))
    precinct_codes = tuple(unit.code for unit in election.units if unit.level == "precinct")
    return ProtocolColumns(
        precinct_codes=precinct_codes,
        contest_ids=tuple(contest.id for contest in election.contests),
        option_ids=tuple(contest.option_ids for contest in election.contests),
        precinct=twice(np.arange(count)),
        contest=interleave(np.zeros(count, dtype=np.int64), precinct_smd + 1),
        row=interleave(np.arange(count, dtype=np.int64), smd_row),
        voters_on_list=twice(on_list),
        voters_added=twice(added),
        ballots_received=twice(received),
        ballots_issued=twice(issued),
        ballots_cancelled=twice(cancelled),
        ballots_found=twice(found),
        invalid=interleave(list_table[:, against + 1], smd_invalid),
        against_all=interleave(list_table[:, against], smd_against),
        neither=np.zeros(2 * count, dtype=np.int64),
        votes=(np.ascontiguousarray(list_table[:, :against]), *smd_votes),
        region_codes=tuple(r.code for r in regions),
        precinct_region=precinct_region.astype(np.int64),
    )


def write_dataset(synthetic: SyntheticElection, folder: str | Path) -> tuple[Path, Path]:
    """Write ``election.json`` and ``protocols.jsonl`` (one protocol per line) into ``folder``."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    definition = target / "election.json"
    dump_election(synthetic.election, definition)
    lines = target / "protocols.jsonl"
    with lines.open("w", encoding="utf-8") as out:
        for mapping in synthetic.protocols.to_mappings():
            out.write(json.dumps(mapping, ensure_ascii=False, separators=(",", ":")) + "\n")
    return definition, lines


__all__ = [
    "BASE_PRECINCTS",
    "ELECTION_DATE",
    "LIST_CONTEST",
    "ProtocolColumns",
    "SyntheticElection",
    "generate",
    "write_dataset",
]
