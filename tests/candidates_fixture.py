"""Candidate applications for the small election of ``elections_fixture`` (2023-03-19)."""

from __future__ import annotations

from typing import Any


def district_application(name: str = "Aigerim Seitkali", **changes: Any) -> dict[str, Any]:
    """A self-nominated Mazhilis district candidate who meets every rule of 2023."""
    application: dict[str, Any] = {
        "name": name,
        "office": "mazhilis_district",
        "election_day": "2023-03-19",
        "birth_date": "1980-05-04",
        "citizen": True,
        "citizen_by_birth": True,
        "resident_since": "1980-05-04",
        "state_language": True,
        "higher_education": True,
        "nomination": {"by": "self"},
    }
    application.update(changes)
    return application


def list_application(name: str = "Dana Amanova", **changes: Any) -> dict[str, Any]:
    """A party's Mazhilis list candidate who meets every rule of 2023."""
    changes.setdefault("nomination", {"by": "party", "name": "amanat"})
    return district_application(name, office="mazhilis_list", **changes)


def too_young(name: str = "Yerlan Zhaksybek") -> dict[str, Any]:
    """A district candidate one day short of 25 on election day: refused on age."""
    return district_application(name, birth_date="1998-03-20")
