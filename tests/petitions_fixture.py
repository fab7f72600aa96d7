"""Citizens, officials and petitions for the petitions' tests: real credentials issued and
authenticated, IINs made by the register's own encoder."""

from __future__ import annotations

import datetime as dt

from saylau.model import BadInput
from saylau.petitions.signing import Signer
from saylau.register.iin import Sex, encode
from saylau.service.auth import Official, authenticate_official
from saylau.service.context import Context
from saylau.service.credentials import issue_official

DRAFTED = dt.date(2025, 3, 3)  # a Monday
SUBMITTED = dt.date(2025, 3, 4)
APPROVED = dt.date(2025, 3, 10)
ULYTAU = "KZ-62"


def iin_of(serial: int, born: dt.date = dt.date(1990, 5, 17)) -> str:
    """A citizen's IIN by serial (the other sex where no IIN is issued with the first)."""
    try:
        return encode(born, Sex.FEMALE, serial)
    except BadInput:
        return encode(born, Sex.MALE, serial)


def signer(serial: int, born: dt.date = dt.date(1990, 5, 17)) -> Signer:
    return Signer(iin_of(serial, born), f"Citizen {serial}", f"{serial:08x}")


def official(ctx: Context, role: str, subject: str | None = None) -> Official:
    issued = issue_official(ctx, role, f"A {role}", "petitions", subject=subject)
    with ctx.sessions() as session:
        return authenticate_official(session, role, issued.token)


def citizen(ctx: Context, serial: int) -> Official:
    return official(ctx, "citizen", iin_of(serial))
