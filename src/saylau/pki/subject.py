"""Who a citizen's certificate names: the IIN and the name in an NCA RK subject.

NCA RK writes the IIN as the subject's ``serialNumber`` (OID 2.5.4.5) ``IIN`` followed by
twelve digits, the surname in ``SURNAME`` and ``CN`` as surname and first name, and the
patronymic in ``GIVENNAME``. The IIN is checked with :mod:`saylau.register.iin` (layout,
birth date, check digit), so a certificate cannot name someone who does not exist.

The public sees a signer only as first name and the surname's initial (the petitions law
shows no more), never the IIN.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID

from saylau.pki.refusal import Rule, SignatureRefused
from saylau.register.iin import InvalidIin, decode

IIN_PREFIX = "IIN"


@dataclass(frozen=True, slots=True)
class CitizenName:
    """The IIN and the name a certificate's subject carries, with the IIN's birth date."""

    iin: str
    birth_date: dt.date
    surname: str
    first_name: str

    @property
    def display_name(self) -> str:
        """First name and the surname's initial (``Айгерим Н.``; NCA writes names in capitals):
        all the public may see of a signer."""
        return f"{self.first_name.title()} {self.surname[:1].upper()}."


def _one(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if len(values) != 1:
        return None
    value = values[0].value
    return value if isinstance(value, str) else None


def citizen_name(subject: x509.Name, field: str = "certificate.subject") -> CitizenName:
    """The citizen a subject names, or :class:`SignatureRefused` naming what is missing."""
    serial = _one(subject, NameOID.SERIAL_NUMBER)
    if serial is None or not serial.startswith(IIN_PREFIX):
        raise SignatureRefused(f"{field}.serialNumber", Rule.NO_IIN, {"found": serial or "none"})
    person = decode(serial.removeprefix(IIN_PREFIX))
    if isinstance(person, InvalidIin):
        raise SignatureRefused(f"{field}.serialNumber", Rule.IIN_INVALID, {"found": str(person)})
    common = _one(subject, NameOID.COMMON_NAME) or ""
    surname = _one(subject, NameOID.SURNAME) or common.partition(" ")[0]
    first_name = common.removeprefix(surname).strip().partition(" ")[0]
    if not surname or not first_name:
        raise SignatureRefused(f"{field}.CN", Rule.NO_NAME)
    return CitizenName(person.iin, person.birth_date, surname, first_name)
