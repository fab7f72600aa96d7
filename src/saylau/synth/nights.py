"""Election nights of every kind, each generated on the territory of its day and calibrated to
the totals the commission announced (or, for a night no source has yet, constructed and named so).

A night is one or more election definitions with their protocols. Most are one election;
a repeat voting is a second election whose two candidates are those the first round's outcome
names, so the night gives a follow-up that reads that outcome rather than a fixed pair.

What every single-ballot night shares (:func:`ballot_night`): regions and their districts
from ``saylau/data/territory``; a region's voters by its voter figure (population where none);
precincts per district in proportion to voters; each region's turnout from the figure
published for that vote; the options' shares drawn around the region's published shares where
there are any, else around the national ones; then whole votes moved until the national totals
are the official ones. With :data:`BASE_PRECINCTS` precincts the totals are exact; with more or
fewer, each is scaled by ``precincts / BASE_PRECINCTS`` and rounded, as in
``saylau.synth.national``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import numpy as np

from saylau.election import ContestDef, Election, Names, OptionDef, Unit
from saylau.law.rules import KurultaiRules, rules_at
from saylau.model import BadInput, Kind
from saylau.outcome.records import AnyOutcome, MajorityOutcome
from saylau.synth.maslikhats import combined_2023
from saylau.synth.national import (
    BASE_PRECINCTS,
    I64,
    REPUBLIC,
    ProtocolColumns,
    SyntheticElection,
    _draw_shares,
    _fit_margins,
    _person,
    _sources,
    _split,
    _split_within,
    constructed,
    draw_precincts,
    republic_unit,
)
from saylau.territory import folded_before

DEFAULT_NIGHT = "2023"


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("saylau").joinpath("data", "territory", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _names(kk: str, ru: str, en: str) -> Names:
    return {"kk": kk, "ru": ru, "en": en}


# --- the territory of a day ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Region:
    """A region or city of republican significance as it was on the day."""

    code: str
    names: Names
    voters: float  # a weight: the voter figure, else population times the voters' ratio
    turnout: float
    shares: Mapping[str, float]  # published shares of those who took part, by option id


@dataclass(frozen=True, slots=True)
class District:
    region: str
    city: bool
    names: Names
    weight: float


@dataclass(frozen=True, slots=True)
class Territory:
    regions: tuple[Region, ...]
    districts: tuple[District, ...]


_RENAMED: dict[str, Names] = {
    "KZ-71": _names("Нұр-Сұлтан қаласы", "город Нур-Султан", "Nur-Sultan"),
}
"""The capital was called Nur-Sultan from March 2019 to 17 September 2022."""

UNITS_SINCE_2023: tuple[tuple[str, bool, Names], ...] = (
    ("KZ-19", True, _names("Алатау қаласы", "город Алатау", "Alatau")),
    ("KZ-63", False, _names("Марқакөл ауданы", "район Маркаколь", "Markakol District")),
    ("KZ-63", False, _names("Үлкен Нарын ауданы", "район Улкен Нарын", "Ulken Naryn District")),
    ("KZ-71", True, _names("Сарайшық ауданы", "район Сарайшык", "Sarayshyk District")),
)
"""Districts made after the 2023 election (KATO 11-2025, in shared/data/territory/
units-since-2023.csv): the city of Alatau (January 2024), Markakol and Ulken Naryn districts,
Astana's sixth district Sarayshyk (August 2024). Baikonur, leased to Russia, is left out."""


def territory(
    turnout: Mapping[str, float],
    shares: Mapping[str, Mapping[str, float]] | None = None,
    *,
    folded: Mapping[str, str] | None = None,
    renamed: Mapping[str, Names] | None = None,
    added: Sequence[tuple[str, bool, Names]] = (),
) -> Territory:
    """The regions and districts of a day: today's, with regions ``folded`` into the one they
    were part of, names ``renamed`` and districts ``added`` since the source's edition."""
    sources = _sources()
    folded = folded or {}
    renamed = renamed or {}
    known = [r for r in sources.regions if r.voters is not None]
    per_resident = sum(r.voters or 0 for r in known) / sum(r.population for r in known)
    weight = {r.code: float(r.voters or r.population * per_resident) for r in sources.regions}
    for child, parent in folded.items():
        weight[parent] += weight.pop(child)
    regions = tuple(
        Region(
            r.code,
            renamed.get(r.code, r.names),
            weight[r.code],
            turnout[r.code],
            (shares or {}).get(r.code, {}),
        )
        for r in sources.regions
        if r.code not in folded
    )
    population = {r.code: float(r.population) for r in sources.regions}
    for child, parent in folded.items():
        population[parent] += population.pop(child)
    listed = [
        (folded.get(d.region, d.region), d.city, d.names, d.population) for d in sources.districts
    ]
    listed += [(region, city, names, None) for region, city, names in added]
    districts = []
    for region in regions:
        members = [row for row in listed if row[0] == region.code]
        given = sum(row[3] or 0 for row in members)
        unknown = sum(1 for row in members if row[3] is None)
        floor = 0.2 * population[region.code] / len(members)
        rest = max((population[region.code] - given) / unknown, floor) if unknown else 0.0
        districts += [
            District(code, city, names, float(size) if size is not None else rest)
            for code, city, names, size in members
        ]
    return Territory(regions, tuple(districts))


# --- one ballot over the whole territory ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Totals:
    """The national totals of one ballot at :data:`BASE_PRECINCTS` precincts."""

    registered: int
    options: Mapping[str, int]  # in ballot order
    against_all: int
    invalid: int
    neither: int = 0  # ballots neither invalid nor a vote (both boxes marked in a referendum)

    @property
    def participated(self) -> int:
        return sum(self.options.values()) + self.against_all + self.invalid + self.neither

    def scaled(self, precincts: int) -> Totals:
        scale = precincts / BASE_PRECINCTS
        return Totals(
            round(self.registered * scale),
            {option: round(votes * scale) for option, votes in self.options.items()},
            round(self.against_all * scale),
            round(self.invalid * scale),
            round(self.neither * scale),
        )


def ballot_night(
    seed: int,
    precincts: int,
    place: Territory,
    totals: Totals,
    election: Callable[[tuple[Unit, ...]], Election],
) -> SyntheticElection:
    """One contest voted in every precinct of ``place``, with ``totals`` (scaled) nationally.

    ``election`` makes the definition from the territory's units; its one contest covers the
    republic.
    """
    regions, districts = place.regions, place.districts
    if precincts < len(districts):
        raise BadInput(
            "precincts", f"must be at least {len(districts)}, one per district", precincts
        )
    rng = np.random.default_rng(seed)
    target = totals.scaled(precincts)
    option_ids = tuple(target.options)
    columns = np.array(
        [*target.options.values(), target.against_all, target.invalid, target.neither],
        dtype=np.int64,
    )
    participated = int(columns.sum())

    region_voters = _split(target.registered, np.array([r.voters for r in regions]))
    region_index = {r.code: k for k, r in enumerate(regions)}
    district_region = np.array([region_index[d.region] for d in districts], dtype=np.int64)
    district_voters = _split_within(
        region_voters, district_region, np.array([d.weight for d in districts])
    )
    published = np.array([r.turnout for r in regions])
    drawn = draw_precincts(
        rng,
        precincts,
        np.array([d.city for d in districts]),
        district_region,
        district_voters,
        published,
        region_voters,
        participated,
        scatter=0.3,
        rural_lift=0.2,
    )
    per_district, precinct_region = drawn.per_district, drawn.region
    on_list, added, found = drawn.on_list, drawn.added, drawn.found
    issued, cancelled = drawn.issued, drawn.cancelled

    # Regions with published shares keep them; the others share what is left of the national
    # totals in proportion to their expected participation, so the fitting below moves little.
    national = columns / participated
    weight = region_voters * published
    means = np.tile(national, (len(regions), 1))
    given_rows = [k for k, r in enumerate(regions) if r.shares]
    for k in given_rows:
        given = [option_ids.index(option) for option in regions[k].shares]
        fixed = np.array([regions[k].shares[option_ids[i]] for i in given])
        rest = [i for i in range(len(national)) if i not in given]
        means[k, rest] = national[rest] / national[rest].sum() * max(1 - fixed.sum(), 0.01)
        means[k, given] = fixed
    if given_rows and len(given_rows) < len(regions):
        others = [k for k in range(len(regions)) if k not in given_rows]
        left = national * weight.sum() - (means[given_rows] * weight[given_rows, None]).sum(0)
        means[others] = np.maximum(left, 1e-6) / np.maximum(left, 1e-6).sum()
    region_shares = _draw_shares(rng, means, 2_000.0)
    precinct_shares = _draw_shares(rng, region_shares[precinct_region], 300.0)
    table = _fit_margins(rng.multinomial(found, precinct_shares), found, columns)

    definition = election(
        _units(regions, districts, per_district, on_list.tolist()),
    )
    options = len(option_ids)
    protocols = ProtocolColumns(
        precinct_codes=tuple(u.code for u in definition.units if u.level == "precinct"),
        contest_ids=(definition.contests[0].id,),
        option_ids=(definition.contests[0].option_ids,),
        precinct=np.arange(precincts, dtype=np.int64),
        contest=np.zeros(precincts, dtype=np.int64),
        row=np.arange(precincts, dtype=np.int64),
        voters_on_list=on_list,
        voters_added=added,
        ballots_received=issued + cancelled,
        ballots_issued=issued,
        ballots_cancelled=cancelled,
        ballots_found=found,
        invalid=table[:, options + 1],
        against_all=table[:, options],
        neither=table[:, options + 2],
        votes=(np.ascontiguousarray(table[:, :options]),),
        region_codes=tuple(r.code for r in regions),
        precinct_region=precinct_region.astype(np.int64),
    )
    return SyntheticElection(definition, protocols)


def _units(
    regions: Sequence[Region],
    districts: Sequence[District],
    per_district: I64,
    registered: list[int],
) -> tuple[Unit, ...]:
    units = [republic_unit()]
    units += [Unit(r.code, "region", REPUBLIC, r.names, None) for r in regions]
    width = max(4, len(str(int(per_district.max()))))
    serial: dict[str, int] = {}
    position = 0
    for district, count in zip(districts, per_district.tolist(), strict=True):
        serial[district.region] = serial.get(district.region, 0) + 1
        code = f"{district.region}-D{serial[district.region]:02d}"
        units.append(Unit(code, "district", district.region, district.names, None))
        for n in range(1, count + 1):
            units.append(
                Unit(
                    f"{code}-P{n:0{width}d}",
                    "precinct",
                    code,
                    _names(
                        f"№ {n} сайлау учаскесі",
                        f"Избирательный участок № {n}",
                        f"Polling station No. {n}",
                    ),
                    registered[position],
                )
            )
            position += 1
    return tuple(units)


def _line_totals(name: str) -> dict[str, int]:
    return {row["line"]: int(row["value"]) for row in _rows(name)}


# --- 5 June 2022: the constitutional referendum --------------------------------------------

REFERENDUM_2022 = dt.date(2022, 6, 5)


def referendum_2022(seed: int = 2022, precincts: int = BASE_PRECINCTS) -> SyntheticElection:
    """The constitutional referendum of 5 June 2022 on the 17 units of that day."""
    published = _rows("turnout-referendum-2022.csv")
    turnout = {row["iso_3166_2"]: float(row["turnout_percent"]) / 100 for row in published}
    shares = {
        row["iso_3166_2"]: {
            option: float(row[f"{option}_percent"]) / 100
            for option in ("yes", "no")
            if row[f"{option}_percent"]
        }
        for row in published
    }
    # Abai, Jetisu and Ulytau were formed after the referendum: their districts voted in the
    # regions they were part of (regions.csv, formed_*)
    folded = folded_before(REFERENDUM_2022)
    place = territory(turnout, shares, folded=folded, renamed=_RENAMED)
    official = _line_totals("results-referendum-2022.csv")
    totals = Totals(
        official["registered"],
        {"yes": official["option:yes"], "no": official["option:no"]},
        0,
        official["invalid"],
        official["neither"],
    )
    if totals.participated != official["participated"]:
        raise AssertionError("the referendum's lines do not add up to those who took part")

    def definition(units: tuple[Unit, ...]) -> Election:
        question = ContestDef(
            "constitution-2022",
            Kind.REFERENDUM,
            _names(
                "Қазақстан Республикасының Конституциясына өзгерістер мен толықтырулар "
                "енгізу туралы республикалық референдум",
                "Республиканский референдум о внесении изменений и дополнений в "
                "Конституцию Республики Казахстан",
                "Republican referendum on amendments and additions to the Constitution",
            ),
            (
                OptionDef("yes", _names("Иә", "Да", "Yes"), None),
                OptionDef("no", _names("Жоқ", "Нет", "No"), None),
            ),
            None,
            (REPUBLIC,),
            question_type="constitution",
        )
        return Election(
            "referendum-2022-synthetic",
            REFERENDUM_2022,
            _names(
                "Республикалық референдум, 2022 жылғы 5 маусым (синтетикалық деректер)",
                "Республиканский референдум 5 июня 2022 года (синтетические данные)",
                "Republican referendum of 5 June 2022 (synthetic data)",
            ),
            units,
            (question,),
        )

    return ballot_night(seed, precincts, place, totals, definition)


# --- 20 November 2022: the President -------------------------------------------------------

PRESIDENTIAL_2022 = dt.date(2022, 11, 20)
PRESIDENT_CONTEST = "president"
REPEAT_CONTEST = "president-round-2"


def _presidential_turnout() -> dict[str, float]:
    return {
        row["iso_3166_2"]: float(row["turnout_percent"]) / 100
        for row in _rows("turnout-presidential-2022.csv")
    }


def _president_names() -> Names:
    return _names(
        "Қазақстан Республикасының Президентін сайлау",
        "Выборы Президента Республики Казахстан",
        "Election of the President of the Republic of Kazakhstan",
    )


def presidential_2022(seed: int = 2022, precincts: int = BASE_PRECINCTS) -> SyntheticElection:
    """The early presidential election of 20 November 2022: six candidates and "against all"
    on the 20 units made in June 2022, the commission's final totals."""
    rows = _rows("results-presidential-2022.csv")
    lines = {row["line"]: int(row["value"]) for row in rows}
    candidates = [row for row in rows if row["line"].startswith("candidate:")]
    options = tuple(
        OptionDef(
            row["line"].removeprefix("candidate:"),
            _names(row["name_kk"], row["name_ru"], row["name_en"]),
            row["party"] or None,
        )
        for row in candidates
    )
    totals = Totals(
        lines["registered"],
        {row["line"].removeprefix("candidate:"): int(row["value"]) for row in candidates},
        lines["against_all"],
        lines["invalid"],
    )
    if totals.participated != lines["participated"]:
        raise AssertionError("the presidential lines do not add up to those who took part")
    place = territory(_presidential_turnout())

    def definition(units: tuple[Unit, ...]) -> Election:
        contest = ContestDef(
            PRESIDENT_CONTEST, Kind.PRESIDENTIAL, _president_names(), options, 1, (REPUBLIC,)
        )
        return Election(
            "presidential-2022-synthetic",
            PRESIDENTIAL_2022,
            _names(
                "Қазақстан Республикасы Президентінің кезектен тыс сайлауы, 2022 жылғы "
                "20 қараша (синтетикалық деректер)",
                "Внеочередные выборы Президента Республики Казахстан 20 ноября 2022 года "
                "(синтетические данные)",
                "Early presidential election of 20 November 2022 (synthetic data)",
            ),
            units,
            (contest,),
        )

    return ballot_night(seed, precincts, place, totals, definition)


# --- a constructed presidential night that needs repeat voting -----------------------------

RUNOFF_FIRST = dt.date(2022, 11, 20)
RUNOFF_SECOND = dt.date(2022, 12, 4)
_RUNOFF_VOTES = (2_950_000, 2_410_000, 1_380_000, 640_000, 210_000)
"""Constructed first-round votes (most first): nobody near half of those who took part."""


def _runoff_candidates(seed: int) -> tuple[OptionDef, ...]:
    rng = np.random.default_rng(seed)
    taken: set[tuple[int, int, int]] = set()
    return tuple(
        OptionDef(f"c{k + 1:02d}", _person(rng, taken), None) for k in range(len(_RUNOFF_VOTES))
    )


def runoff_first_round(seed: int = 2022, precincts: int = BASE_PRECINCTS) -> SyntheticElection:
    """A constructed first round on the territory of November 2022 in which nobody has more
    than half of those who took part; its candidates are invented."""
    options = _runoff_candidates(seed)
    totals = Totals(
        11_953_465,
        {option.id: votes for option, votes in zip(options, _RUNOFF_VOTES, strict=True)},
        190_000,
        130_000,
    )
    place = territory(_presidential_turnout())

    def definition(units: tuple[Unit, ...]) -> Election:
        contest = ContestDef(
            PRESIDENT_CONTEST, Kind.PRESIDENTIAL, _president_names(), options, 1, (REPUBLIC,)
        )
        return Election(
            "presidential-runoff-constructed-round-1",
            RUNOFF_FIRST,
            constructed(
                _names(
                    "Президент сайлауы, бірінші тур",
                    "Выборы Президента, первый тур",
                    "Presidential election, first round",
                )
            ),
            units,
            (contest,),
        )

    return ballot_night(seed, precincts, place, totals, definition)


def runoff_second_round(
    first: SyntheticElection,
    outcomes: Mapping[str, AnyOutcome | None],
    seed: int,
    precincts: int,
) -> SyntheticElection:
    """Repeat voting between the two candidates the first round's outcome names, on the same
    territory; the first round's leader keeps a lead (constructed)."""
    decided = outcomes[PRESIDENT_CONTEST]
    pair = decided.runoff if isinstance(decided, MajorityOutcome) else None
    if not pair or len(pair) != 2:
        raise BadInput("runoff", "the first round named no pair for repeat voting", pair)
    before = first.election.contest(PRESIDENT_CONTEST)
    options = tuple(option for option in before.options if option.id in pair)
    first_totals = first.protocols.totals(PRESIDENT_CONTEST)
    lead, other = sorted(pair, key=lambda option: -first_totals.options[option])
    totals = Totals(11_953_465, {lead: 3_900_000, other: 3_310_000}, 160_000, 90_000)
    totals = replace(totals, options={o.id: totals.options[o.id] for o in options})
    place = territory(_presidential_turnout())

    def definition(units: tuple[Unit, ...]) -> Election:
        contest = ContestDef(
            REPEAT_CONTEST,
            Kind.PRESIDENTIAL,
            _names(
                "Қазақстан Республикасының Президентін сайлау: қайта дауыс беру",
                "Выборы Президента Республики Казахстан: повторное голосование",
                "Election of the President: repeat voting",
            ),
            options,
            1,
            (REPUBLIC,),
            round=2,
        )
        return Election(
            "presidential-runoff-constructed-round-2",
            RUNOFF_SECOND,
            constructed(
                _names(
                    "Президент сайлауы, екінші тур (қайта дауыс беру)",
                    "Выборы Президента, второй тур (повторное голосование)",
                    "Presidential election, second round (repeat voting)",
                )
            ),
            units,
            (contest,),
            follows=first.election.id,
        )

    return ballot_night(seed + 1, precincts, place, totals, definition)


# --- 23 August 2026: the Kurultai ----------------------------------------------------------

KURULTAI_2026 = dt.date(2026, 8, 23)
KURULTAI_CONTEST = "kurultai-list"
_KURULTAI_VOTES = {
    "amanat": 3_520_000,
    "auyl": 760_000,
    "respublica": 690_000,
    "ak-zhol": 540_000,
    "peoples-party": 470_000,
    "osdp": 230_000,
    "baytaq": 120_000,
}
"""Constructed party votes (no official result is in Saylau's sources)."""


def kurultai_2026(seed: int = 2026, precincts: int = BASE_PRECINCTS) -> SyntheticElection:
    """The first Kurultai election (23 August 2026), constructed: 145 seats by nationwide party
    lists on today's territory; regional turnout follows the 2023 Mazhilis night's."""
    sources = _sources()
    turnout = {region.code: region.turnout for region in sources.regions}
    place = territory(turnout, added=UNITS_SINCE_2023)
    parties = [p for p in sources.parties if p.id in _KURULTAI_VOTES]
    totals = Totals(
        12_150_000,
        {p.id: _KURULTAI_VOTES[p.id] for p in parties},
        240_000,
        150_000,
    )
    seats = rules_at(KURULTAI_2026).require(KurultaiRules).list_seats

    def definition(units: tuple[Unit, ...]) -> Election:
        contest = ContestDef(
            KURULTAI_CONTEST,
            Kind.KURULTAI_LIST,
            constructed(
                _names(
                    "Құрылтай депутаттарын партиялық тізімдер бойынша сайлау",
                    "Выборы депутатов Курултая по партийным спискам",
                    "Kurultai election by party lists",
                )
            ),
            tuple(OptionDef(p.id, p.names, p.id) for p in parties),
            seats,
            (REPUBLIC,),
        )
        return Election(
            "kurultai-2026-constructed",
            KURULTAI_2026,
            constructed(
                _names(
                    "Құрылтай депутаттарын сайлау, 2026 жылғы 23 тамыз",
                    "Выборы депутатов Курултая 23 августа 2026 года",
                    "Kurultai election of 23 August 2026",
                )
            ),
            units,
            (contest,),
        )

    return ballot_night(seed, precincts, place, totals, definition)


# --- the registry --------------------------------------------------------------------------

FollowUp = Callable[
    [SyntheticElection, Mapping[str, AnyOutcome | None], int, int], SyntheticElection
]


@dataclass(frozen=True, slots=True)
class Night:
    """A night: how to generate its first election and, for repeat voting, the next one from
    the first's outcomes."""

    name: str
    about: str
    constructed: bool
    first: Callable[[int, int], SyntheticElection]
    follow_up: FollowUp | None = None


NIGHTS: dict[str, Night] = {
    night.name: night
    for night in (
        Night(
            "2023",
            "19 March 2023, the combined night: the Mazhilis party lists and 29 districts "
            "(official totals), the 20 regional maslikhats (half lists, half districts; "
            "Astana's list official) and the district and city maslikhats (districts only; "
            "constructed), about 5 protocols a precinct",
            False,
            combined_2023,
        ),
        Night(
            "2022-presidential",
            "20 November 2022: the President, six candidates and against all, official "
            "totals, regional turnout of the night",
            False,
            presidential_2022,
        ),
        Night(
            "2022-presidential-runoff",
            "constructed: a first round without a majority, then repeat voting between the "
            "pair it names",
            True,
            runoff_first_round,
            runoff_second_round,
        ),
        Night(
            "2022-referendum",
            "5 June 2022: the constitutional referendum on the 17 units of the day, official "
            "totals, regional turnout and shares where published",
            False,
            referendum_2022,
        ),
        Night(
            "2026-kurultai",
            "constructed: the Kurultai's 145 seats by nationwide lists on today's territory "
            "(no official result is in Saylau's sources)",
            True,
            kurultai_2026,
        ),
    )
}


def night(name: str) -> Night:
    """The night called ``name``, or a clear refusal naming those there are."""
    found = NIGHTS.get(name)
    if found is None:
        raise BadInput("night", f"must be one of {', '.join(NIGHTS)}", name)
    return found


def decided_outcomes(synthetic: SyntheticElection) -> dict[str, AnyOutcome | None]:
    """Each contest decided from the generated totals alone (no service): what a follow-up
    night reads when it is written to files rather than counted."""
    from saylau.outcome import decide
    from saylau.service.results import contest_input

    election = synthetic.election
    result: dict[str, AnyOutcome | None] = {}
    for contest in election.contests:
        counts = _as_counts(synthetic.protocols.totals(contest.id))
        units = None
        if contest.kind is Kind.REFERENDUM:
            units = {
                code: _as_counts(c)
                for code, c in synthetic.protocols.totals_by_region(contest.id).items()
            }
        result[contest.id] = decide(contest_input(election, contest, counts, units))
    return result


def _as_counts(counts: Any) -> dict[str, Any]:
    """Generated totals in the shape the service stores them (what ``contest_input`` reads)."""
    return {
        "voters_on_list": counts.registered,
        "voters_added": 0,
        "ballots_found": counts.participated,
        "invalid": counts.invalid,
        "against_all": counts.against_all,
        "votes": dict(counts.options),
    }


def elections(name: str, seed: int, precincts: int) -> list[SyntheticElection]:
    """Every election of a night, a follow-up decided from the generated totals."""
    chosen = night(name)
    first = chosen.first(seed, precincts)
    found = [first]
    if chosen.follow_up is not None:
        found.append(chosen.follow_up(first, decided_outcomes(first), seed, precincts))
    return found


__all__ = [
    "DEFAULT_NIGHT",
    "NIGHTS",
    "Night",
    "ballot_night",
    "constructed",
    "decided_outcomes",
    "elections",
    "night",
    "territory",
]
