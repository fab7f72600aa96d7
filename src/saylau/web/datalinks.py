"""Every page leads to its data: the page as JSON, its contest's downloads in each format
and level, the election's definition and news feed, and the data dictionary."""

from __future__ import annotations

from dataclasses import dataclass

from saylau.publication import FORMATS, MEDIA_TYPES, SUFFIXES
from saylau.web.feeds import MEDIA_TYPE as ATOM
from saylau.web.feeds import feed_path
from saylau.web.i18n import translations

FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "parquet": "Parquet", "nist": "NIST SP 1500-100"}


@dataclass(frozen=True, slots=True)
class DataLink:
    label: str
    href: str
    media_type: str


def page_data(
    language: str,
    election_id: str | None = None,
    contest_id: str | None = None,
    twin: str | None = None,
) -> tuple[DataLink, ...]:
    """The data links of a page about ``election_id`` (and ``contest_id``), whose JSON twin
    is ``twin``, in ``language``."""
    _ = translations(language).gettext
    links: list[DataLink] = []
    if twin:
        links.append(DataLink(_("This page as JSON"), twin, "application/json"))
    if election_id and contest_id:
        api = f"/api/v1/elections/{election_id}/export/{contest_id}"
        for level, words in (("precinct", _("by precinct")), ("territory", _("by unit"))):
            for fmt in FORMATS:
                links.append(
                    DataLink(
                        f"{FORMAT_NAMES[fmt]}, {words}",
                        f"{api}.{SUFFIXES[fmt]}?level={level}",
                        MEDIA_TYPES[fmt],
                    )
                )
    if election_id:
        links.append(
            DataLink(
                _("The election's definition (JSON)"),
                f"/api/v1/elections/{election_id}/definition",
                "application/json",
            )
        )
        links.append(
            DataLink(_("Changes of status (Atom)"), feed_path(language, election_id), ATOM)
        )
    links.append(DataLink(_("Data dictionary"), f"/{language}/data/", "text/html"))
    return tuple(links)
