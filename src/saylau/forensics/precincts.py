"""Precinct arrays: the one input every forensic method reads.

The methods of the literature (Kobak, Shpilkin & Pshenichnikov 2016; Klimek et al. 2012; Mebane's
second-digit tests) all work on the same few protocol lines per polling station: voters on the
list, ballots issued, ballots found valid and invalid, and votes per option. They are held here as
NumPy columns, checked once, with turnout and option shares computed once, vectorised, so that no
method re-derives them differently.

Definitions follow the authors' own code (dkobak/elections, ``loaddata``):

- ``turnout`` = ballots issued / voters on the list;
- ``shares[:, j]`` = votes for option *j* / ballots found (valid + invalid), the base on which
  the leader's "result" is published;
- where a denominator is zero the value is NaN (the station is left out by every method).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Counts = npt.NDArray[np.int64]
Fractions = npt.NDArray[np.float64]
Labels = npt.NDArray[np.str_]


class PrecinctTableError(ValueError):
    """A precinct table that cannot be read: names the field, the rule and what was found."""

    def __init__(self, field_name: str, rule: str, found: str) -> None:
        super().__init__(f"{field_name}: {rule} (found {found})")
        self.field_name = field_name
        self.rule = rule
        self.found = found


def _counts(name: str, values: npt.ArrayLike, size: int | None) -> Counts:
    array = np.asarray(values)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)):
            raise PrecinctTableError(name, "every count must be a number", "a missing value")
        if not np.all(array == np.floor(array)):
            raise PrecinctTableError(name, "every count must be a whole number", "a fraction")
    elif array.dtype.kind not in "iub":
        raise PrecinctTableError(name, "every count must be a whole number", str(array.dtype))
    counts = array.astype(np.int64, copy=False)
    if counts.ndim != 1:
        raise PrecinctTableError(name, "must be one column", f"{counts.ndim} dimensions")
    if size is not None and counts.size != size:
        raise PrecinctTableError(
            name, f"must have one value per precinct ({size})", str(counts.size)
        )
    if counts.size and counts.min() < 0:
        raise PrecinctTableError(name, "counts cannot be negative", str(int(counts.min())))
    return counts


def _ratio(numerator: npt.NDArray[np.int64], denominator: Counts) -> Fractions:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = numerator / denominator
    return np.where(denominator > 0, ratio, np.nan)


@dataclass(frozen=True, slots=True, eq=False)
class Precincts:
    """One row per polling station; ``votes`` has one column per name in ``options``.

    ``turnout``, ``ballots`` and ``shares`` are derived once at construction.
    """

    ids: Labels
    region: Labels
    voters: Counts
    issued: Counts
    valid: Counts
    invalid: Counts
    votes: Counts
    options: tuple[str, ...]
    ballots: Counts = field(init=False)
    turnout: Fractions = field(init=False)
    shares: Fractions = field(init=False)

    def __post_init__(self) -> None:
        size = int(np.asarray(self.ids).shape[0])
        set_ = object.__setattr__
        set_(self, "ids", np.asarray(self.ids, dtype=np.str_))
        set_(self, "region", np.asarray(self.region, dtype=np.str_))
        if self.region.shape != (size,):
            raise PrecinctTableError(
                "region", f"must have one value per precinct ({size})", str(self.region.shape)
            )
        for name in ("voters", "issued", "valid", "invalid"):
            set_(self, name, _counts(name, getattr(self, name), size))
        votes = np.asarray(self.votes)
        if votes.ndim != 2 or votes.shape != (size, len(self.options)):
            raise PrecinctTableError(
                "votes",
                f"must be precincts × options ({size} × {len(self.options)})",
                str(votes.shape),
            )
        if len(set(self.options)) != len(self.options):
            raise PrecinctTableError(
                "options", "option names must be distinct", ", ".join(self.options)
            )
        flat = _counts("votes", votes.reshape(-1), None)
        set_(self, "votes", flat.reshape(votes.shape))
        ballots = self.valid + self.invalid
        set_(self, "ballots", ballots)
        set_(self, "turnout", _ratio(self.issued, self.voters))
        set_(self, "shares", _ratio(self.votes, ballots[:, None]))

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def leader(self) -> int:
        """Index of the option with most votes in total (the first on a tie, as listed)."""
        return int(np.argmax(self.votes.sum(axis=0)))

    def option(self, name: str) -> int:
        """Index of the option called ``name``."""
        try:
            return self.options.index(name)
        except ValueError:
            raise PrecinctTableError("options", "no such option", name) from None

    def select(self, mask: npt.NDArray[np.bool_]) -> Precincts:
        """The precincts where ``mask`` holds (e.g. one region)."""
        return Precincts(
            ids=self.ids[mask],
            region=self.region[mask],
            voters=self.voters[mask],
            issued=self.issued[mask],
            valid=self.valid[mask],
            invalid=self.invalid[mask],
            votes=self.votes[mask],
            options=self.options,
        )


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which column(s) of a table hold each protocol line; several columns are summed.

    ``options`` pairs each option's name with its column. A precinct id made of several columns
    (e.g. region, territorial and precinct commission) is joined with `` / ``.
    """

    precinct: tuple[str, ...]
    region: str
    voters: tuple[str, ...]
    issued: tuple[str, ...]
    valid: tuple[str, ...]
    invalid: tuple[str, ...]
    options: tuple[tuple[str, str], ...]


def _column(
    columns: Mapping[str, npt.ArrayLike], name: str, field_name: str
) -> npt.NDArray[np.generic]:
    if name not in columns:
        raise PrecinctTableError(
            field_name, "the mapped column must be in the table", f"no column {name!r}"
        )
    return np.asarray(columns[name])


def _summed(columns: Mapping[str, npt.ArrayLike], names: Sequence[str], field_name: str) -> Counts:
    if not names:
        raise PrecinctTableError(field_name, "at least one column must be mapped", "none")
    total = _counts(field_name, _column(columns, names[0], field_name), None)
    for name in names[1:]:
        total = total + _counts(field_name, _column(columns, name, field_name), total.size)
    return total


def precincts_from_columns(
    columns: Mapping[str, npt.ArrayLike], mapping: ColumnMapping
) -> Precincts:
    """Build the precinct arrays from a table given as named columns and a ``mapping``."""
    if not mapping.precinct:
        raise PrecinctTableError("precinct", "at least one column must be mapped", "none")
    parts = [_column(columns, name, "precinct").astype(np.str_) for name in mapping.precinct]
    ids = parts[0]
    for part in parts[1:]:
        ids = np.char.add(np.char.add(ids, " / "), part)
    if not mapping.options:
        raise PrecinctTableError("options", "at least one option must be mapped", "none")
    votes = np.column_stack(
        [_counts(name, _column(columns, column, name), None) for name, column in mapping.options]
    )
    return Precincts(
        ids=ids,
        region=_column(columns, mapping.region, "region").astype(np.str_),
        voters=_summed(columns, mapping.voters, "voters"),
        issued=_summed(columns, mapping.issued, "issued"),
        valid=_summed(columns, mapping.valid, "valid"),
        invalid=_summed(columns, mapping.invalid, "invalid"),
        votes=votes,
        options=tuple(name for name, _ in mapping.options),
    )


@dataclass(frozen=True, slots=True, eq=False)
class Flagged:
    """Precincts a method flags, all for one ``reason`` (a key the pages translate)."""

    reason: str
    indices: npt.NDArray[np.intp]
    ids: Labels

    @classmethod
    def where(cls, reason: str, precincts: Precincts, mask: npt.NDArray[np.bool_]) -> Flagged:
        indices = np.flatnonzero(mask)
        return cls(reason=reason, indices=indices, ids=precincts.ids[indices])

    def __len__(self) -> int:
        return int(self.indices.shape[0])
