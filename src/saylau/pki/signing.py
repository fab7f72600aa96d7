"""What a citizen signs, the signed envelope the service receives, and its verification.

A citizen signs the canonical bytes (:func:`signed_bytes`) of three things: the petition's
id, the SHA-256 of the petition's text (its exact UTF-8 bytes as published) and the signing
time in UTC to the second::

    saylau-petition-signature/1
    petition:<id>
    text-sha256:<64 hex digits>
    signed-at:<YYYY-MM-DDTHH:MM:SSZ>

each line ending in a newline. A signature therefore counts for one petition and one text
only: a changed text or another petition's id no longer verifies. Keys sign with RSA PKCS#1
v1.5 over SHA-256 (as NCA RK's RSA keys and a browser's WebCrypto both do) or ECDSA P-256.

The service's clock decides: :func:`verify_signature` checks the chain on ``on``, the moment
the signature arrived, and accepts a claimed ``signed-at`` only a few minutes around it, so a
signer cannot date a signature before a revocation.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from saylau.pki.chain import Trust
from saylau.pki.refusal import Rule, SignatureRefused
from saylau.pki.subject import citizen_name

VERSION = 1
"""The envelope format and the canonical bytes' first line carry this number."""

CONTEXT = f"saylau-petition-signature/{VERSION}"

RSA_SHA256 = "rsa-pkcs1v15-sha256"
ECDSA_SHA256 = "ecdsa-sha256"
ALGORITHMS = (RSA_SHA256, ECDSA_SHA256)

MAX_AGE = dt.timedelta(minutes=10)
"""How long before its arrival a signature may have been made (a slow token, a slow link)."""

MAX_SKEW = dt.timedelta(minutes=2)
"""How far ahead of the service's clock a signer's clock may run."""

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TIME_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_FIELDS = (
    "version",
    "petition_id",
    "text_sha256",
    "signed_at",
    "algorithm",
    "signature",
    "certificate",
    "chain",
)


def text_sha256(text: str) -> str:
    """SHA-256 of the petition's text (UTF-8), in hex: what the signature covers."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def signing_time(moment: dt.datetime) -> str:
    """A signing time as the canonical bytes write it: UTC, whole seconds, ``Z``."""
    if moment.tzinfo is None:
        raise ValueError("signed_at: the signing time must carry a time zone")
    return moment.astimezone(dt.UTC).strftime(_TIME_FORMAT)


def _check_petition_id(petition_id: str, field: str) -> None:
    if not petition_id or not petition_id.isprintable():
        raise SignatureRefused(
            field, Rule.ENVELOPE_FORM, {"found": "a petition id is one printable line"}
        )


def signed_bytes(petition_id: str, digest_hex: str, signed_at: str) -> bytes:
    """The canonical bytes a citizen signs (see the module's docstring)."""
    _check_petition_id(petition_id, "petition_id")
    return (
        f"{CONTEXT}\npetition:{petition_id}\ntext-sha256:{digest_hex}\nsigned-at:{signed_at}\n"
    ).encode()


@dataclass(frozen=True, slots=True)
class SignedEnvelope:
    """A citizen's signature as the service receives and stores it (JSON-serialisable).

    ``signature``, ``certificate`` and ``chain`` are base64 of the raw signature and of DER
    certificates, the chain's nearest issuer first (the anchor need not be sent)."""

    petition_id: str
    text_sha256: str
    signed_at: str
    algorithm: str
    signature: str
    certificate: str
    chain: tuple[str, ...]
    version: int = VERSION

    def to_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "petition_id": self.petition_id,
            "text_sha256": self.text_sha256,
            "signed_at": self.signed_at,
            "algorithm": self.algorithm,
            "signature": self.signature,
            "certificate": self.certificate,
            "chain": list(self.chain),
        }

    @classmethod
    def from_json(cls, value: object) -> SignedEnvelope:
        """Read an envelope strictly: every field present, of its type, and no other."""
        if not isinstance(value, Mapping):
            raise SignatureRefused("envelope", Rule.ENVELOPE_FORM, {"found": "not an object"})
        extra = sorted(set(map(str, value)) - set(_FIELDS))
        if extra:
            raise SignatureRefused(
                f"envelope.{extra[0]}", Rule.ENVELOPE_FORM, {"found": "not a field"}
            )
        for name in _FIELDS:
            if name not in value:
                raise SignatureRefused(f"envelope.{name}", Rule.ENVELOPE_FORM, {"found": "missing"})
        version = value["version"]
        if version != VERSION or isinstance(version, bool):
            raise SignatureRefused(
                "envelope.version", Rule.ENVELOPE_FORM, {"found": f"version {version!r}"}
            )
        for name in _FIELDS[1:-1]:
            if not isinstance(value[name], str):
                raise SignatureRefused(
                    f"envelope.{name}", Rule.ENVELOPE_FORM, {"found": "not a string"}
                )
        chain = value["chain"]
        if not isinstance(chain, list) or not all(isinstance(c, str) for c in chain):
            raise SignatureRefused(
                "envelope.chain", Rule.ENVELOPE_FORM, {"found": "not a list of strings"}
            )
        return cls(
            petition_id=value["petition_id"],
            text_sha256=value["text_sha256"],
            signed_at=value["signed_at"],
            algorithm=value["algorithm"],
            signature=value["signature"],
            certificate=value["certificate"],
            chain=tuple(chain),
        )


def _b64(certificate: x509.Certificate) -> str:
    return base64.b64encode(certificate.public_bytes(Encoding.DER)).decode("ascii")


def sign(
    petition_id: str,
    text: str,
    signed_at: dt.datetime,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
) -> SignedEnvelope:
    """Sign as a citizen's token does: for the demo, the tests and the benches."""
    digest = text_sha256(text)
    when = signing_time(signed_at)
    message = signed_bytes(petition_id, digest, when)
    if isinstance(key, rsa.RSAPrivateKey):
        algorithm, signature = RSA_SHA256, key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    else:
        algorithm, signature = ECDSA_SHA256, key.sign(message, ec.ECDSA(hashes.SHA256()))
    return SignedEnvelope(
        petition_id=petition_id,
        text_sha256=digest,
        signed_at=when,
        algorithm=algorithm,
        signature=base64.b64encode(signature).decode("ascii"),
        certificate=_b64(certificate),
        chain=tuple(_b64(c) for c in chain),
    )


@dataclass(frozen=True, slots=True)
class VerifiedSigner:
    """Who signed, as far as the service may keep and show it.

    ``iin`` and ``birth_date`` are for the one-signature-per-citizen rule, the age check and
    the salted commitment; the public only ever sees ``display_name`` (first name and the
    surname's initial). ``certificate_serial`` is hex; ``issuer`` is RFC 4514 text."""

    iin: str
    birth_date: dt.date
    display_name: str
    certificate_serial: str
    certificate_not_before: dt.datetime
    issuer: str
    signed_at: dt.datetime


def _decode(text: str, field: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise SignatureRefused(field, Rule.ENVELOPE_FORM, {"found": "not base64"}) from None


def _certificate(text: str, field: str) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(_decode(text, field))
    except ValueError:
        raise SignatureRefused(
            field, Rule.ENVELOPE_FORM, {"found": "not a DER certificate"}
        ) from None


def _parse_time(text: str) -> dt.datetime:
    try:
        if not _TIME_PATTERN.fullmatch(text):
            raise ValueError(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise SignatureRefused(
            "envelope.signed_at", Rule.ENVELOPE_FORM, {"found": "not YYYY-MM-DDTHH:MM:SSZ"}
        ) from None


def _check_signature(
    certificate: x509.Certificate, algorithm: str, signature: bytes, message: bytes
) -> None:
    key = certificate.public_key()
    try:
        if algorithm == RSA_SHA256 and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif algorithm == ECDSA_SHA256 and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        else:
            raise SignatureRefused(
                "envelope.algorithm",
                Rule.ENVELOPE_FORM,
                {"found": f"{algorithm} does not fit the certificate's key"},
            )
    except InvalidSignature:
        raise SignatureRefused("envelope.signature", Rule.SIGNATURE_INVALID) from None


def verify_signature(
    envelope: SignedEnvelope,
    petition_id: str,
    text: str,
    trust: Trust,
    on: dt.datetime,
    *,
    max_age: dt.timedelta = MAX_AGE,
    max_skew: dt.timedelta = MAX_SKEW,
) -> VerifiedSigner:
    """The signer of ``envelope`` if it is a valid signature of petition ``petition_id``
    with ``text``, made by a certificate that leads to ``trust``'s anchors and holds
    (valid, unrevoked) on ``on``, the service's time of receipt; else
    :class:`SignatureRefused` naming the field and the rule.

    The checks run cheapest first: the petition and text, the signing time, the subject's
    IIN, the signature, then the chain (cached, see :mod:`saylau.pki.chain`). The signer's
    age on the signing day is the petitions law's business, read from ``birth_date``."""
    if on.tzinfo is None:
        raise ValueError("on: the time of receipt must carry a time zone")
    if envelope.version != VERSION:
        raise SignatureRefused(
            "envelope.version", Rule.ENVELOPE_FORM, {"found": f"version {envelope.version}"}
        )
    if envelope.petition_id != petition_id:
        raise SignatureRefused(
            "envelope.petition_id",
            Rule.WRONG_PETITION,
            {"found": envelope.petition_id, "required": petition_id},
        )
    digest = text_sha256(text)
    if envelope.text_sha256 != digest:
        raise SignatureRefused(
            "envelope.text_sha256",
            Rule.TEXT_CHANGED,
            {"found": envelope.text_sha256, "required": digest},
        )
    signed_at = _parse_time(envelope.signed_at)
    if not on - max_age <= signed_at <= on + max_skew:
        raise SignatureRefused(
            "envelope.signed_at",
            Rule.SIGNING_TIME,
            {"found": envelope.signed_at, "required": signing_time(on)},
        )
    if envelope.algorithm not in ALGORITHMS:
        raise SignatureRefused(
            "envelope.algorithm", Rule.ENVELOPE_FORM, {"found": envelope.algorithm}
        )
    leaf = _certificate(envelope.certificate, "envelope.certificate")
    citizen = citizen_name(leaf.subject)
    signature = _decode(envelope.signature, "envelope.signature")
    message = signed_bytes(petition_id, digest, envelope.signed_at)
    _check_signature(leaf, envelope.algorithm, signature, message)
    chain = trust.validate_encoded(leaf, envelope.chain, on)
    return VerifiedSigner(
        iin=citizen.iin,
        birth_date=citizen.birth_date,
        display_name=citizen.display_name,
        certificate_serial=f"{leaf.serial_number:x}",
        certificate_not_before=leaf.not_valid_before_utc,
        issuer=chain.issuer,
        signed_at=signed_at,
    )
