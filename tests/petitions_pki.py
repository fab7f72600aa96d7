"""A test national PKI for the petitions' tests: an authority in a folder (as `saylau pki
init` writes it), citizens' certificates on one shared key, and their signed envelopes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saylau.pki import Trust, sign, trust_from_paths
from saylau.pki import folder as pki_folder
from saylau.pki.authority import Citizen, TestPki, bulk_key, citizen_subject, issue_citizen


@dataclass
class CitizensAuthority:
    folder: Path
    pki: TestPki

    @classmethod
    def create(cls, folder: Path) -> CitizensAuthority:
        now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        return cls(folder, pki_folder.create(folder, now))

    @property
    def anchors(self) -> Path:
        return self.folder / "anchors"

    @property
    def crls(self) -> Path:
        return self.folder / "crl"

    def trust(self) -> Trust:
        return trust_from_paths(self.anchors, self.crls)

    def citizen(self, iin: str, surname: str = "SULTANOVA") -> Citizen:
        subject = citizen_subject(iin, surname, "AIGERIM")
        start = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        return issue_citizen(self.pki.intermediate, subject, start, key=bulk_key())

    def envelope(self, citizen: Citizen, petition_id: str, text: str) -> dict[str, Any]:
        signed = sign(
            petition_id,
            text,
            dt.datetime.now(dt.UTC),
            citizen.key,
            citizen.certificate,
            [self.pki.intermediate.certificate],
        )
        return signed.to_json()
