"""The demo's test authority kept in a folder: what ``saylau pki`` creates, issues and
revokes, laid out so the service can be pointed at it as at a real NCA's published files::

    anchors/root.pem                 the trust anchor   (SAYLAU_PKI_ANCHORS=<folder>/anchors)
    crl/root.crl, crl/issuing.crl    signed revocation lists, PEM (SAYLAU_PKI_CRLS=<folder>/crl)
    ca/issuing.pem                   the intermediate that issues citizens' certificates
    private/*.key.pem                the authorities' keys (mode 0600)
    citizens/<IIN>-<serial>.pem      a citizen's certificate, and .key.pem its key (0600)

The revocation list is its own record: revoking reads the current list, adds the serial and
publishes the next list with a higher CRL number, so no other state is kept. Keys are
unencrypted PEM: this is a test authority, never a production one.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from saylau.model import BadInput
from saylau.pki import authority
from saylau.pki.authority import Authority, Revocation, TestPki
from saylau.register.iin import parse_iin

ANCHOR = Path("anchors") / "root.pem"
ISSUING = Path("ca") / "issuing.pem"
ROOT_KEY = Path("private") / "root.key.pem"
ISSUING_KEY = Path("private") / "issuing.key.pem"
ROOT_CRL = Path("crl") / "root.crl"
ISSUING_CRL = Path("crl") / "issuing.crl"
CITIZENS = Path("citizens")


@dataclass(frozen=True, slots=True)
class IssuedFiles:
    """Where a citizen's certificate and key were written, and the certificate's serial."""

    certificate: Path
    key: Path
    serial: str


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if private:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
    else:
        path.write_bytes(data)


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _read_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BadInput("folder", "the test authority's keys are RSA keys", str(path))
    return key


def create(folder: Path, now: dt.datetime, name: str = "Saylau Test NCA") -> TestPki:
    """A new test authority in an empty (or new) folder, with empty revocation lists."""
    if folder.exists() and any(folder.iterdir()):
        raise BadInput("folder", "a new test authority needs an empty folder", str(folder))
    pki = authority.create_test_pki(now, name=name)
    _write(folder / ANCHOR, _pem(pki.root.certificate))
    _write(folder / ISSUING, _pem(pki.intermediate.certificate))
    _write(folder / ROOT_KEY, _key_pem(pki.root.key), private=True)
    _write(folder / ISSUING_KEY, _key_pem(pki.intermediate.key), private=True)
    publish(folder, pki, now)
    return pki


def load(folder: Path) -> TestPki:
    """The test authority written by :func:`create`."""
    if not (folder / ANCHOR).is_file() or not (folder / ISSUING_KEY).is_file():
        raise BadInput("folder", "is not a test authority made by 'saylau pki init'", str(folder))
    root = x509.load_pem_x509_certificate((folder / ANCHOR).read_bytes())
    issuing = x509.load_pem_x509_certificate((folder / ISSUING).read_bytes())
    return TestPki(
        Authority(root, _read_key(folder / ROOT_KEY)),
        Authority(issuing, _read_key(folder / ISSUING_KEY)),
    )


def issue(
    folder: Path,
    iin: str,
    surname: str,
    first_name: str,
    patronymic: str | None,
    not_before: dt.datetime,
    days: int = 365 * authority.CITIZEN_YEARS,
) -> IssuedFiles:
    """Issue a citizen's certificate (a fresh key) and write both files under ``citizens/``.

    The IIN must be valid (:func:`saylau.register.iin.parse_iin`): the authority refuses
    what the verifier would refuse anyway, so a typo shows at once."""
    person = parse_iin(iin, "iin")
    if not surname.strip() or not first_name.strip():
        raise BadInput("surname", "a citizen's certificate names a surname and a first name")
    if days < 1:
        raise BadInput("days", "a certificate is valid at least one day", days)
    pki = load(folder)
    subject = authority.citizen_subject(
        person.iin, surname.strip().upper(), first_name.strip().upper(), patronymic
    )
    citizen = authority.issue_citizen(
        pki.intermediate, subject, not_before, not_after=not_before + dt.timedelta(days=days)
    )
    serial = f"{citizen.certificate.serial_number:x}"
    stem = folder / CITIZENS / f"{person.iin}-{serial}"
    files = IssuedFiles(stem.with_suffix(".pem"), stem.with_suffix(".key.pem"), serial)
    _write(files.certificate, _pem(citizen.certificate))
    _write(files.key, _key_pem(citizen.key), private=True)
    return files


def _crl(path: Path) -> x509.CertificateRevocationList:
    return x509.load_pem_x509_crl(path.read_bytes())


def _number(crl: x509.CertificateRevocationList) -> int:
    try:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        return 0


def publish(folder: Path, pki: TestPki, at: dt.datetime, days: int = authority.CRL_DAYS) -> None:
    """Publish the next revocation list of both authorities, current for ``days`` from
    ``at``, keeping every revocation already listed."""
    if days < 1:
        raise BadInput("days", "a revocation list stays current at least one day", days)
    for path, issuer in ((folder / ROOT_CRL, pki.root), (folder / ISSUING_CRL, pki.intermediate)):
        held = _crl(path) if path.is_file() else None
        revoked = authority.revocations(held) if held is not None else []
        number = _number(held) + 1 if held is not None else 1
        crl = authority.revocation_list(
            issuer, revoked, at, next_update=at + dt.timedelta(days=days), number=number
        )
        _write(path, crl.public_bytes(serialization.Encoding.PEM))


def revoke(folder: Path, serial: str, at: dt.datetime) -> Revocation:
    """Revoke the citizen's certificate with hex ``serial`` from ``at`` and publish the
    issuing authority's next list. A serial this folder never issued, or one already
    revoked, is refused."""
    try:
        number = int(serial, 16)
    except ValueError:
        raise BadInput("serial", "a certificate serial is hexadecimal", serial) from None
    if not any((folder / CITIZENS).glob(f"*-{number:x}.pem")):
        raise BadInput("serial", "no citizen's certificate of this authority has it", serial)
    pki = load(folder)
    held = _crl(folder / ISSUING_CRL)
    revoked = authority.revocations(held)
    if any(entry.serial == number for entry in revoked):
        raise BadInput("serial", "the certificate is already revoked", serial)
    entry = Revocation(number, at)
    crl = authority.revocation_list(
        pki.intermediate,
        [*revoked, entry],
        at,
        next_update=at + dt.timedelta(days=authority.CRL_DAYS),
        number=_number(held) + 1,
    )
    _write(folder / ISSUING_CRL, crl.public_bytes(serialization.Encoding.PEM))
    return entry
