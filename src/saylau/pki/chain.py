"""Whether a signer's certificate leads to a trusted root on the signing date, unrevoked.

Trust anchors are configuration, never code: PEM files in a directory (or one file) named by
``SAYLAU_PKI_ANCHORS``, revocation lists (PEM or DER) in a directory named by
``SAYLAU_PKI_CRLS``. The test authority of :mod:`saylau.pki.authority` writes both; a real
NCA RK root and its CRLs replace them without a code change.

Each link is verified explicitly (:meth:`x509.Certificate.verify_directly_issued_by`) rather
than through ``cryptography.x509.verification``: its default client verifier insists on the
``clientAuth`` extended key usage, which NCA RK's signing certificates do not carry (they are
issued for signing documents, not for logging in); it has no revocation checking; and a
verifier is built for one validation time and re-verifies the intermediate for every
citizen. With its end-entity policy relaxed to any key usage it accepts exactly the chains
accepted here, which a property test holds over chains and signing times. The checks are
those of RFC 5280 §6 that a national signing PKI needs:

* every certificate of the path, anchor included, is valid on the signing time;
* every issuer is a certification authority (basic constraints, key usage ``keyCertSign``,
  its path length), and the signer's certificate is not, and its key may sign documents;
* every certificate below the anchor is checked against its issuer's revocation list, whose
  own signature is checked against the issuer's key; without a current list the signature
  is refused (a list whose ``nextUpdate`` is before the signing time is stale).

**Revocation reading.** A certificate revoked at or before the signing time is refused; one
revoked after it still counts. A digital signature is equivalent to a handwritten one when
the registration certificate was valid at the moment of signing (our reading of art. 10 of
the Law "On Electronic Document and Electronic Digital Signature" of 7 January 2003
No. 370-II; open point: to be confirmed against the law's current text): a later revocation
(a lost token, a changed name) must not silently take back a signature already counted, or
the count would shrink without any signer withdrawing. The signing time is therefore the
service's clock when the signature arrives, never a time the signer claims (see
:mod:`saylau.pki.signing`).

Caches: anchors are parsed once and indexed by subject, with their keys; a path of
authorities above a citizen, once verified, is kept under the exact chain the envelope
offers (base64 text) and links between authorities are remembered, so checking a citizen's
signature costs one RSA verification for the citizen's certificate, one for the petition
signature, and comparisons; a revocation list's signature is verified once and its serials
indexed in a dict.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from saylau.pki.refusal import Rule, SignatureRefused

ANCHORS_ENV = "SAYLAU_PKI_ANCHORS"
"""Setting: a PEM file or a directory of ``*.pem``/``*.crt``/``*.cer`` trust anchors."""

CRLS_ENV = "SAYLAU_PKI_CRLS"
"""Setting: a directory of ``*.crl`` revocation lists (PEM or DER)."""

MAX_DEPTH = 4
"""Links from the signer's certificate to the anchor at most (NCA RK uses two)."""

_ANCHOR_SUFFIXES = (".pem", ".crt", ".cer")


@dataclass(frozen=True)
class ValidatedChain:
    """A path that holds on the signing time: the signer's certificate, the intermediates
    above it (nearest first) and the trusted anchor at the top."""

    leaf: x509.Certificate
    intermediates: tuple[x509.Certificate, ...]
    anchor: x509.Certificate
    issuer: str
    """The signer's issuer as RFC 4514 text."""


@dataclass(frozen=True)
class _Crl:
    """An issuer's newest revocation list that its key signed, serials indexed; ``held`` is
    the trust's generation of lists it was chosen from."""

    revoked: dict[int, dt.datetime]
    next_update: dt.datetime | None
    held: int


@dataclass(frozen=True, eq=False)
class _Issuer:
    """A certification authority on a verified path, with what every check reads of it.

    ``parent`` is the authority that signed it (``None`` for a trust anchor); ``field``
    names it in a refusal (``anchor`` or its place in the offered chain)."""

    certificate: x509.Certificate
    der: bytes
    subject: bytes
    subject_text: str
    not_before: dt.datetime
    not_after: dt.datetime
    field: str
    parent: _Issuer | None
    public_key: CertificatePublicKeyTypes


def _name_key(name: x509.Name) -> bytes:
    return name.public_bytes()


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(Encoding.DER)


def _subject_text(certificate: x509.Certificate) -> str:
    return certificate.subject.rfc4514_string()


def _is_authority(certificate: x509.Certificate) -> tuple[bool, int | None]:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False, None
    return constraints.value.ca, constraints.value.path_length


def _key_usage(certificate: x509.Certificate) -> x509.KeyUsage | None:
    try:
        return certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None


def _may_sign(certificate: x509.Certificate) -> bool:
    """Whether a certificate is an end entity whose key may sign documents.

    The national PKI gives each citizen two keys: one to log in (digitalSignature, extended
    usage clientAuth) and one to sign (nonRepudiation). A petition's signature stands for a
    handwritten one, so only the signing key counts; a certificate with a critical extension
    we do not understand is refused, as RFC 5280 §4.2 requires."""
    signing = False
    for extension in certificate.extensions:
        value = extension.value
        if isinstance(value, x509.UnrecognizedExtension) and extension.critical:
            return False
        if isinstance(value, x509.BasicConstraints) and value.ca:
            return False
        if isinstance(value, x509.KeyUsage):
            signing = value.content_commitment
        if isinstance(value, x509.ExtendedKeyUsage) and set(value) <= {
            ExtendedKeyUsageOID.CLIENT_AUTH
        }:
            return False
    return signing


def _issuer(certificate: x509.Certificate, field: str, parent: _Issuer | None) -> _Issuer:
    return _Issuer(
        certificate=certificate,
        der=_der(certificate),
        subject=_name_key(certificate.subject),
        subject_text=_subject_text(certificate),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        field=field,
        parent=parent,
        public_key=certificate.public_key(),
    )


def _signed_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _leaf_signed_by(leaf: x509.Certificate, issuer: _Issuer) -> bool:
    """:func:`_signed_by` with the issuer's key parsed once (the common RSA PKCS#1 v1.5
    case; any other algorithm goes through ``verify_directly_issued_by``). The issuer was
    found by the leaf's issuer name, so the names already match."""
    key = issuer.public_key
    scheme = leaf.signature_algorithm_parameters
    digest = leaf.signature_hash_algorithm
    if isinstance(key, rsa.RSAPublicKey) and isinstance(scheme, padding.PKCS1v15) and digest:
        try:
            key.verify(leaf.signature, leaf.tbs_certificate_bytes, scheme, digest)
        except InvalidSignature:
            return False
        return True
    return _signed_by(leaf, issuer.certificate)


def _text(subject: str | Callable[[], str]) -> str:
    return subject if isinstance(subject, str) else subject()


def _check_period(
    field: str,
    subject: str | Callable[[], str],
    not_before: dt.datetime,
    not_after: dt.datetime,
    on: dt.datetime,
) -> None:
    if on < not_before:
        raise SignatureRefused(
            field,
            Rule.NOT_YET_VALID,
            {"subject": _text(subject), "required": not_before, "found": on},
        )
    if on > not_after:
        raise SignatureRefused(
            field, Rule.EXPIRED, {"subject": _text(subject), "required": not_after, "found": on}
        )


_PATH_CACHE_LIMIT = 4096

LISTS_PER_NAME = 4
"""Revocation lists kept per issuer name (the newest)."""


class Trust:
    """Trust anchors and revocation lists, with the caches that make a check cheap.

    Safe to share between threads: the caches only ever gain entries that hold for good
    (a verified signature stays verified; a path of authorities, once verified, stays
    verified); what depends on the signing time (validity, revocation) is checked on every
    call.
    """

    def __init__(
        self,
        anchors: Iterable[x509.Certificate],
        crls: Iterable[x509.CertificateRevocationList] = (),
        *,
        require_revocation: bool = True,
    ) -> None:
        self._anchors: dict[bytes, list[_Issuer]] = {}
        for anchor in anchors:
            node = _issuer(anchor, "anchor", None)
            self._anchors.setdefault(node.subject, []).append(node)
        if not self._anchors:
            raise ValueError("trust anchors: at least one root certificate is needed")
        self.require_revocation = require_revocation
        self._lists: dict[bytes, list[x509.CertificateRevocationList]] = {}
        self._generation = 0
        self._crls: dict[bytes, _Crl] = {}
        self._links: set[tuple[bytes, bytes]] = set()
        self._paths: dict[tuple[bytes, tuple[str, ...]], _Issuer] = {}
        for crl in crls:
            self.add_crl(crl)

    @property
    def anchors(self) -> tuple[x509.Certificate, ...]:
        return tuple(a.certificate for group in self._anchors.values() for a in group)

    def add_crl(self, crl: x509.CertificateRevocationList) -> None:
        """Take a revocation list; each issuer's newest list that its own key signed is the
        one used (checked on first use, when the issuer's certificate is at hand). Lists
        are kept by issuer name, the newest :data:`LISTS_PER_NAME` of each, so two keys of
        one name (a rollover) each find their own."""
        for extension in crl.extensions:
            if isinstance(extension.value, x509.DeltaCRLIndicator) or (
                isinstance(extension.value, x509.IssuingDistributionPoint)
                and extension.value.full_name is not None
            ):
                # a delta or a partition lists only part of the revocations: taken as the
                # issuer's newest list it would let a certificate revoked in the base count
                raise ValueError(
                    f"revocation list of {crl.issuer.rfc4514_string()} is a delta or a "
                    "partition: give the issuer's complete (base) list"
                )
        name = _name_key(crl.issuer)
        # A new list replaces the old in one assignment, so a check running in another
        # thread sees one or the other; of two lists issued at one time the later taken wins.
        lists = [crl, *self._lists.get(name, ())]
        lists.sort(key=lambda c: c.last_update_utc, reverse=True)
        self._lists[name] = lists[:LISTS_PER_NAME]
        self._generation += 1

    # ----------------------------------------------------------------------------------
    # Validation

    def validate(
        self,
        leaf: x509.Certificate,
        intermediates: Sequence[x509.Certificate],
        on: dt.datetime,
    ) -> ValidatedChain:
        """The path from ``leaf`` to a trusted anchor, checked on ``on`` (an aware time);
        :class:`SignatureRefused` naming the certificate and the rule otherwise.

        ``intermediates`` are the authorities the signer offers, nearest first; order does
        not matter and extras are ignored."""
        issuer = self._path_from(_name_key(leaf.issuer), leaf, list(enumerate(intermediates)))
        return self._check(leaf, issuer, on)

    def validate_encoded(
        self, leaf: x509.Certificate, chain: Sequence[str], on: dt.datetime
    ) -> ValidatedChain:
        """:meth:`validate` with the intermediates as an envelope carries them (base64 DER).

        The verified path above the signer is cached under the exact texts, so a second
        citizen of the same authority costs no parsing and no signature but their own."""
        leaf_issuer = _name_key(leaf.issuer)
        key = (leaf_issuer, tuple(chain))
        issuer = self._paths.get(key)
        if issuer is None or not _leaf_signed_by(leaf, issuer):
            # Not seen yet, or the leaf is not the cached issuer's (another authority of
            # the same name, as in a key rollover): build the path for this leaf.
            offered = [(i, _parse_b64(text, f"chain[{i}]")) for i, text in enumerate(chain)]
            issuer = self._path_from(leaf_issuer, leaf, offered)
            if len(self._paths) >= _PATH_CACHE_LIMIT:
                self._paths.clear()
            self._paths[key] = issuer
        return self._check(leaf, issuer, on)

    def _check(self, leaf: x509.Certificate, issuer: _Issuer, on: dt.datetime) -> ValidatedChain:
        """Everything about ``leaf`` (whose signature by ``issuer`` has verified) and the
        path above it that depends on the signing time or on the signer's certificate."""
        if on.tzinfo is None:
            raise ValueError("on: the signing time must carry a time zone")
        if not _may_sign(leaf):
            raise SignatureRefused("certificate", Rule.KEY_USAGE)
        _check_period(
            "certificate",
            lambda: _subject_text(leaf),
            leaf.not_valid_before_utc,
            leaf.not_valid_after_utc,
            on,
        )
        self._check_revocation(leaf.serial_number, "certificate", issuer, on)
        path: list[x509.Certificate] = []
        node: _Issuer = issuer
        while True:
            _check_period(node.field, node.subject_text, node.not_before, node.not_after, on)
            if node.parent is None:
                return ValidatedChain(leaf, tuple(path), node.certificate, issuer.subject_text)
            path.append(node.certificate)
            self._check_revocation(node.certificate.serial_number, node.field, node.parent, on)
            node = node.parent

    def _path_from(
        self,
        name: bytes,
        child: x509.Certificate,
        offered: list[tuple[int, x509.Certificate]],
        below: int = 0,
    ) -> _Issuer:
        """The authority named ``name`` that signed ``child``, with its own path verified up
        to an anchor; ``below`` intermediates lie between it and the signer."""
        child_field = "certificate" if below == 0 else f"chain[{below - 1}]"
        anchors = self._anchors.get(name, ())
        for anchor in anchors:
            if self._linked(child, anchor.certificate, anchor.der, below):
                self._require_authority(anchor.certificate, anchor.field, below)
                return anchor
        if below >= MAX_DEPTH - 1:
            raise SignatureRefused("chain", Rule.CHAIN_TOO_LONG, {"required": MAX_DEPTH})
        named = bool(anchors)
        for position, candidate in offered:
            if _name_key(candidate.subject) != name:
                continue
            named = True
            if not self._linked(child, candidate, _der(candidate), below):
                continue
            field = f"chain[{position}]"
            self._require_authority(candidate, field, below)
            parent = self._path_from(_name_key(candidate.issuer), candidate, offered, below + 1)
            return _issuer(candidate, field, parent)
        if named:
            raise SignatureRefused(child_field, Rule.CHAIN_BROKEN, {"found": _subject_text(child)})
        raise SignatureRefused(
            child_field, Rule.UNKNOWN_ROOT, {"found": child.issuer.rfc4514_string()}
        )

    def _linked(
        self, child: x509.Certificate, issuer: x509.Certificate, issuer_der: bytes, below: int
    ) -> bool:
        """Whether ``issuer`` signed ``child``; links between authorities are remembered."""
        if below == 0:
            return _signed_by(child, issuer)
        link = (_der(child), issuer_der)
        if link in self._links:
            return True
        if not _signed_by(child, issuer):
            return False
        self._links.add(link)
        return True

    @staticmethod
    def _require_authority(issuer: x509.Certificate, field: str, below: int) -> None:
        """An issuer must be a CA allowed ``below`` intermediates under it."""
        is_ca, path_length = _is_authority(issuer)
        usage = _key_usage(issuer)
        if (
            not is_ca
            or (usage is not None and not usage.key_cert_sign)
            or (path_length is not None and below > path_length)
        ):
            raise SignatureRefused(field, Rule.NOT_AUTHORITY, {"found": _subject_text(issuer)})

    # ----------------------------------------------------------------------------------
    # Revocation

    def _check_revocation(self, serial: int, field: str, issuer: _Issuer, on: dt.datetime) -> None:
        crl = self._crl_of(issuer)
        if crl is None:
            if self.require_revocation:
                raise SignatureRefused(
                    field, Rule.REVOCATION_UNKNOWN, {"found": issuer.subject_text}
                )
            return
        if crl.next_update is not None and crl.next_update < on:
            raise SignatureRefused(
                field,
                Rule.REVOCATION_STALE,
                {"found": issuer.subject_text, "required": crl.next_update},
            )
        revoked_at = crl.revoked.get(serial)
        if revoked_at is not None and revoked_at <= on:
            raise SignatureRefused(
                field, Rule.REVOKED, {"serial": f"{serial:x}", "required": revoked_at, "found": on}
            )

    def _crl_of(self, issuer: _Issuer) -> _Crl | None:
        """The issuer's newest list that its key signed; a list of its name that another
        key signed is not its list (a forgery, or another key of the same name)."""
        held = self._crls.get(issuer.der)
        if held is not None and held.held == self._generation:
            return held
        generation = self._generation
        for crl in self._lists.get(issuer.subject, ()):
            if crl.is_signature_valid(issuer.public_key):  # type: ignore[arg-type]
                revoked = {entry.serial_number: entry.revocation_date_utc for entry in crl}
                held = _Crl(revoked, crl.next_update_utc, generation)
                self._crls[issuer.der] = held
                return held
        return None


def _parse_b64(text: str, field: str) -> x509.Certificate:
    """A base64 DER certificate of an envelope, or a refusal naming its place."""
    try:
        return x509.load_der_x509_certificate(base64.b64decode(text.encode("ascii"), validate=True))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise SignatureRefused(
            f"envelope.{field}", Rule.ENVELOPE_FORM, {"found": "not a base64 DER certificate"}
        ) from None


# --------------------------------------------------------------------------------------------
# Configuration


def _pem_certificates(path: Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(path.read_bytes())


def load_anchors(path: Path) -> list[x509.Certificate]:
    """Every certificate of a PEM file, or of the ``*.pem``/``*.crt``/``*.cer`` files of a
    directory (sorted by name)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in _ANCHOR_SUFFIXES)
    else:
        files = [path]
    anchors = [cert for file in files for cert in _pem_certificates(file)]
    if not anchors:
        raise ValueError(f"{ANCHORS_ENV}: no certificate in {path}")
    return anchors


def load_crls(path: Path) -> list[x509.CertificateRevocationList]:
    """The revocation lists of a ``*.crl`` file or of a directory of them, PEM or DER."""
    files = sorted(path.glob("*.crl")) if path.is_dir() else [path]
    crls = []
    for file in files:
        data = file.read_bytes()
        if data.lstrip().startswith(b"-----BEGIN"):
            crls.append(x509.load_pem_x509_crl(data))
        else:
            crls.append(x509.load_der_x509_crl(data))
    return crls


def trust_from_paths(anchors: Path, crls: Path | None = None) -> Trust:
    """A :class:`Trust` of the anchors at ``anchors`` and the lists at ``crls``."""
    return Trust(load_anchors(anchors), load_crls(crls) if crls is not None else ())


def trust_from_settings() -> Trust:
    """The trust of the settings :data:`ANCHORS_ENV` and :data:`CRLS_ENV`."""
    anchors = os.environ.get(ANCHORS_ENV)
    if not anchors:
        raise LookupError(f"{ANCHORS_ENV} is not set: name the trust anchors' file or folder")
    crls = os.environ.get(CRLS_ENV)
    return trust_from_paths(Path(anchors), Path(crls) if crls else None)
