"""The polling-station protocols of four Russian federal elections, read into precinct arrays.

These are the data on which the integer-percentage (Kobak, Shpilkin & Pshenichnikov, AOAS 10(1)
2016), fingerprint and fraud-model (Klimek, Yegorov, Hanel & Thurner, PNAS 109(41) 2012) analyses
were published, scraped from the Central Election Commission's site by Sergey Shpilkin and kept in
the public repository dkobak/elections (folder ``data/``). Reading them lets every method be
checked against the figures its authors printed.

Each file is a zipped UTF-8 CSV whose header names the protocol lines as the commission does, in
Russian. Which columns make up each line is data (``ELECTIONS``): ballots issued are the three
"issued" lines (early, in the station, outside it), as in the authors' ``loaddata``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv

from saylau.forensics.precincts import (
    ColumnMapping,
    Precincts,
    PrecinctTableError,
    precincts_from_columns,
)

_ISSUED_EARLY = "Число избирательных бюллетеней, выданных избирателям, проголосовавшим досрочно"
_INVALID = "Число недействительных избирательных бюллетеней"
_VALID = "Число действительных избирательных бюллетеней"
_ISSUED_ON_THE_DAY = (
    "Число избирательных бюллетеней, выданных в помещении для голосования в день голосования",
    "Число избирательных бюллетеней, выданных вне помещения для голосования в день голосования",
)


def _named(*columns: str) -> tuple[tuple[str, str], ...]:
    """Options named as the protocol's header names them."""
    return tuple((column, column) for column in columns)


@dataclass(frozen=True, slots=True)
class RussianElection:
    """One election's file, its column mapping and the option the authors call the leader."""

    year: int
    held: date
    title: str
    file: str
    mapping: ColumnMapping
    leader: str


ELECTIONS: dict[int, RussianElection] = {
    2011: RussianElection(
        year=2011,
        held=date(2011, 12, 4),
        title="State Duma",
        file="russia-2011.csv.zip",
        leader='6. Всероссийская политическая партия "ЕДИНАЯ РОССИЯ"',
        mapping=ColumnMapping(
            precinct=("region", "tik", "uik"),
            region="region",
            voters=("Число избирателей, внесенных в список избирателей",),
            issued=(
                _ISSUED_EARLY,
                "Число избирательных бюллетеней, выданных избирателям в помещении для голосования",
                "Число избирательных бюллетеней, выданных избирателям"
                " вне помещения для голосования",
            ),
            valid=(_VALID,),
            invalid=(_INVALID,),
            options=_named(
                "1. Политическая партия СПРАВЕДЛИВАЯ РОССИЯ",
                '2. Политическая партия "Либерально-демократическая партия России"',
                '3. Политическая партия "ПАТРИОТЫ РОССИИ"',
                '4. Политическая партия "Коммунистическая партия Российской Федерации"',
                '5. Политическая партия "Российская объединенная демократическая партия "ЯБЛОКО"',
                '6. Всероссийская политическая партия "ЕДИНАЯ РОССИЯ"',
                '7. Всероссийская политическая партия "ПРАВОЕ ДЕЛО"',
            ),
        ),
    ),
    2012: RussianElection(
        year=2012,
        held=date(2012, 3, 4),
        title="President",
        file="russia-2012.csv.zip",
        leader="Путин Владимир Владимирович",
        mapping=ColumnMapping(
            precinct=("region", "tik", "uik"),
            region="region",
            voters=("Число избирателей, включенных в список избирателей",),
            issued=(_ISSUED_EARLY, *_ISSUED_ON_THE_DAY),
            valid=(_VALID,),
            invalid=(_INVALID,),
            options=_named(
                "Жириновский Владимир Вольфович",
                "Зюганов Геннадий Андреевич",
                "Миронов Сергей Михайлович",
                "Прохоров Михаил Дмитриевич",
                "Путин Владимир Владимирович",
            ),
        ),
    ),
    2018: RussianElection(
        year=2018,
        held=date(2018, 3, 18),
        title="President",
        file="russia-2018.csv.zip",
        leader="Путин Владимир Владимирович",
        mapping=ColumnMapping(
            precinct=("region", "tik", "uik"),
            region="region",
            voters=("Число избирателей, включенных в список избирателей",),
            issued=(_ISSUED_EARLY, *_ISSUED_ON_THE_DAY),
            valid=(_VALID,),
            invalid=(_INVALID,),
            options=_named(
                "Бабурин Сергей Николаевич",
                "Грудинин Павел Николаевич",
                "Жириновский Владимир Вольфович",
                "Путин Владимир Владимирович",
                "Собчак Ксения Анатольевна",
                "Сурайкин Максим Александрович",
                "Титов Борис Юрьевич",
                "Явлинский Григорий Алексеевич",
            ),
        ),
    ),
    2021: RussianElection(
        year=2021,
        held=date(2021, 9, 19),
        title="State Duma",
        file="russia-2021.csv.zip",
        leader='5. Всероссийская политическая партия "ЕДИНАЯ РОССИЯ"',
        mapping=ColumnMapping(
            precinct=("region", "oik", "tik", "uik"),
            region="region",
            voters=(
                "Число избирателей, внесенных в список избирателей на момент окончания голосования",
            ),
            issued=(_ISSUED_EARLY, *_ISSUED_ON_THE_DAY),
            valid=(_VALID,),
            invalid=(_INVALID,),
            options=_named(
                '1. Политическая партия "КОММУНИСТИЧЕСКАЯ ПАРТИЯ РОССИЙСКОЙ ФЕДЕРАЦИИ"',
                '2. Политическая партия "Российская экологическая партия "ЗЕЛЁНЫЕ"',
                "3. Политическая партия ЛДПР – Либерально-демократическая партия России",
                '4. Политическая партия "НОВЫЕ ЛЮДИ"',
                '5. Всероссийская политическая партия "ЕДИНАЯ РОССИЯ"',
                "6. Партия СПРАВЕДЛИВАЯ РОССИЯ – ЗА ПРАВДУ",
                '7. Политическая партия "Российская объединенная демократическая партия "ЯБЛОКО"',
                '8. Всероссийская политическая партия "ПАРТИЯ РОСТА"',
                "9. Политическая партия РОССИЙСКАЯ ПАРТИЯ СВОБОДЫ И СПРАВЕДЛИВОСТИ",
                "10. Политическая партия КОММУНИСТИЧЕСКАЯ ПАРТИЯ КОММУНИСТЫ РОССИИ",
                '11. Политическая партия "Гражданская Платформа"',
                "12. Политическая партия ЗЕЛЕНАЯ АЛЬТЕРНАТИВА",
                '13. ВСЕРОССИЙСКАЯ ПОЛИТИЧЕСКАЯ ПАРТИЯ "РОДИНА"',
                "14. ПАРТИЯ ПЕНСИОНЕРОВ",
            ),
        ),
    ),
}


def read_table(path: Path) -> dict[str, np.ndarray]:
    """The columns of a zipped (or plain) CSV, read with Arrow; integers stay integers."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = [name for name in archive.namelist() if name.endswith(".csv")]
            if len(names) != 1:
                raise PrecinctTableError(
                    "file", "the archive must hold exactly one CSV", f"{len(names)} in {path}"
                )
            content = archive.read(names[0])
    else:
        content = path.read_bytes()
    table = pacsv.read_csv(io.BytesIO(content))
    return {
        name: column.to_numpy()
        for name, column in zip(table.column_names, table.columns, strict=True)
    }


def load_russia(year: int, folder: Path) -> Precincts:
    """The precinct arrays of the Russian federal election of ``year`` from ``folder``."""
    if year not in ELECTIONS:
        raise PrecinctTableError(
            "year", "one of the elections held as data", f"{year} (known: {sorted(ELECTIONS)})"
        )
    election = ELECTIONS[year]
    return precincts_from_columns(read_table(folder / election.file), election.mapping)
