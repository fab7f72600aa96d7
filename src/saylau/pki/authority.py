"""A test certificate authority shaped like Kazakhstan's National Certification Authority
(NCA RK): a root, an intermediate that issues citizens' certificates, and revocation lists.

The national PKI identifies a citizen by the IIN in the certificate's subject. NCA RK writes
an individual's subject as::

    CN=<SURNAME> <FIRST NAME>, SURNAME=<SURNAME>, SERIALNUMBER=IIN<12 digits>, C=KZ,
    GIVENNAME=<PATRONYMIC>

(``GIVENNAME``, OID 2.5.4.42, holds the patronymic in NCA certificates; the first name is
the rest of ``CN`` after the surname). Keys are RSA-2048 with SHA-256 signatures, as NCA
issues its RSA certificates. This authority exists for the demo, the tests and the benches:
the verifier (:mod:`saylau.pki.chain`) trusts whatever anchors it is configured with, so a
real NCA root replaces this one without a line of code changing.

Generating an RSA-2048 key takes tens of milliseconds, so :func:`bulk_key` hands out one key
shared by every bulk test certificate (a bench issues thousands in seconds); each certificate
still has its own serial, subject and validity, which is all the verifier reads. Never use a
shared key outside tests and benches.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from saylau.pki.subject import IIN_PREFIX
from saylau.register.iin import Sex, century_sex_digit, check_digit

KEY_SIZE = 2048
"""Bits of every RSA key this authority makes, as NCA RK issues them."""

PUBLIC_EXPONENT = 65537

ROOT_YEARS = 20
INTERMEDIATE_YEARS = 10
CITIZEN_YEARS = 1
"""Validity of each kind of certificate (NCA issues citizens' keys for one year)."""

CRL_DAYS = 7
"""How long a published revocation list stays current (its ``next_update``)."""

_HASH = hashes.SHA256()


@dataclass(frozen=True)
class Authority:
    """A certificate authority: its certificate and the private key that signs for it."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def name(self) -> x509.Name:
        return self.certificate.subject


@dataclass(frozen=True)
class TestPki:
    """A root that only signs the intermediate, and the intermediate that issues citizens."""

    __test__ = False  # a test authority, not a test case

    root: Authority
    intermediate: Authority


@dataclass(frozen=True)
class Citizen:
    """A citizen's certificate and key, as the citizen's signing token would hold them."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey


@dataclass(frozen=True, slots=True)
class Revocation:
    """One revoked certificate: its serial and when it was revoked."""

    serial: int
    revoked_at: dt.datetime


def new_key() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 key (tens of milliseconds)."""
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE)


@cache
def bulk_key() -> rsa.RSAPrivateKey:
    """One RSA-2048 key shared by every bulk test certificate of this process.

    Key generation dominates issuing; sharing one key makes a certificate cost one RSA
    signature (about a millisecond). Verification is unaffected: each certificate is checked
    on its own serial, subject, validity and issuer's signature."""
    return new_key()


def _utc(moment: dt.datetime, what: str) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{what} must carry a time zone (UTC is expected)")
    return moment.astimezone(dt.UTC)


def _ca_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        ]
    )


def _ca_certificate(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: Authority | None,
    not_before: dt.datetime,
    not_after: dt.datetime,
    path_length: int | None,
) -> x509.Certificate:
    signer_key = key if issuer is None else issuer.key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject if issuer is None else issuer.name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    return builder.sign(signer_key, _HASH)


def create_test_pki(
    now: dt.datetime,
    *,
    name: str = "Saylau Test NCA",
    root_key: rsa.RSAPrivateKey | None = None,
    intermediate_key: rsa.RSAPrivateKey | None = None,
) -> TestPki:
    """A root (valid :data:`ROOT_YEARS` from ``now``) and its intermediate (valid
    :data:`INTERMEDIATE_YEARS`), as NCA RK keeps a root apart from its issuing CA."""
    start = _utc(now, "now")
    root_key = root_key or new_key()
    intermediate_key = intermediate_key or new_key()
    root_cert = _ca_certificate(
        _ca_name(f"{name} Root"),
        root_key,
        None,
        start,
        start + dt.timedelta(days=365 * ROOT_YEARS),
        path_length=1,
    )
    root = Authority(root_cert, root_key)
    intermediate_cert = _ca_certificate(
        _ca_name(name),
        intermediate_key,
        root,
        start,
        start + dt.timedelta(days=365 * INTERMEDIATE_YEARS),
        path_length=0,
    )
    return TestPki(root, Authority(intermediate_cert, intermediate_key))


def citizen_subject(
    iin: str, surname: str, first_name: str, patronymic: str | None = None
) -> x509.Name:
    """A citizen's subject as NCA RK writes it (see the module's docstring)."""
    attributes = [
        x509.NameAttribute(NameOID.COMMON_NAME, f"{surname} {first_name}"),
        x509.NameAttribute(NameOID.SURNAME, surname),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, IIN_PREFIX + iin),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    ]
    if patronymic:
        attributes.append(x509.NameAttribute(NameOID.GIVEN_NAME, patronymic))
    return x509.Name(attributes)


def issue_citizen(
    issuer: Authority,
    subject: x509.Name,
    not_before: dt.datetime,
    *,
    not_after: dt.datetime | None = None,
    key: rsa.RSAPrivateKey | None = None,
    serial: int | None = None,
) -> Citizen:
    """A citizen's signing certificate for ``subject`` (see :func:`citizen_subject`).

    Without ``key`` a fresh key is generated; pass :func:`bulk_key` for bulk test
    certificates. The certificate is valid :data:`CITIZEN_YEARS` unless ``not_after`` says
    otherwise; its key may sign (digital signature and non-repudiation), never issue."""
    start = _utc(not_before, "not_before")
    end = (
        start + dt.timedelta(days=365 * CITIZEN_YEARS)
        if not_after is None
        else _utc(not_after, "not_after")
    )
    key = key or new_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.name)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        .sign(issuer.key, _HASH)
    )
    return Citizen(certificate, key)


def revocation_list(
    issuer: Authority,
    revoked: Iterable[Revocation],
    this_update: dt.datetime,
    *,
    next_update: dt.datetime | None = None,
    number: int = 1,
) -> x509.CertificateRevocationList:
    """The issuer's signed CRL listing ``revoked`` with their revocation dates.

    ``number`` is the CRL number, which grows with every list the issuer publishes."""
    start = _utc(this_update, "this_update")
    end = start + dt.timedelta(days=CRL_DAYS) if next_update is None else next_update
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.name)
        .last_update(start)
        .next_update(_utc(end, "next_update"))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    for entry in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial)
            .revocation_date(_utc(entry.revoked_at, "revoked_at"))
            .build()
        )
    return builder.sign(issuer.key, _HASH)


def revocations(crl: x509.CertificateRevocationList) -> list[Revocation]:
    """The entries of a CRL, to publish a new list with one more."""
    return [Revocation(entry.serial_number, entry.revocation_date_utc) for entry in crl]


def distinct_iins(count: int, first_birth_date: dt.date = dt.date(1960, 1, 1)) -> list[str]:
    """``count`` distinct valid IINs, born on ``first_birth_date`` and the days after it
    (every serial of a day whose check digit is issued, alternating sexes)."""
    iins: list[str] = []
    day, serial = first_birth_date, 0
    while len(iins) < count:
        sex = Sex.MALE if serial % 2 else Sex.FEMALE
        first_eleven = f"{day:%y%m%d}{century_sex_digit(day, sex)}{serial:04d}"
        digit = check_digit(first_eleven)
        if digit is not None:
            iins.append(first_eleven + str(digit))
        serial += 1
        if serial > 9999:
            serial, day = 0, day + dt.timedelta(days=1)
    return iins


def bulk_citizens(issuer: Authority, iins: Iterable[str], not_before: dt.datetime) -> list[Citizen]:
    """One certificate per IIN, all on :func:`bulk_key` (about a millisecond each), named
    ``TEST<n> CITIZEN``: for benches and load tests, never for the demo's people."""
    key = bulk_key()
    return [
        issue_citizen(issuer, citizen_subject(iin, f"TEST{n}", "CITIZEN"), not_before, key=key)
        for n, iin in enumerate(iins)
    ]


def random_serial() -> int:
    """A positive serial of at most 159 bits, as RFC 5280 §4.1.2.2 allows."""
    return secrets.randbits(159) or 1
