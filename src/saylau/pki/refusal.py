"""A refused signature: the field at fault, the rule it breaks and what was found.

Every check of :mod:`saylau.pki` raises :class:`SignatureRefused`, so the service answers
one kind of error (a 4xx problem naming the field) and nothing is counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from saylau.pki.messages import english


class Rule(StrEnum):
    """The rule a signature breaks; the value is its message key."""

    ENVELOPE_FORM = "pki_envelope_form"
    SIGNATURE_INVALID = "pki_signature_invalid"
    WRONG_PETITION = "pki_wrong_petition"
    TEXT_CHANGED = "pki_text_changed"
    SIGNING_TIME = "pki_signing_time"
    UNKNOWN_ROOT = "pki_unknown_root"
    CHAIN_BROKEN = "pki_chain_broken"
    NOT_AUTHORITY = "pki_not_authority"
    CHAIN_TOO_LONG = "pki_chain_too_long"
    NOT_YET_VALID = "pki_not_yet_valid"
    EXPIRED = "pki_expired"
    REVOKED = "pki_revoked"
    REVOCATION_UNKNOWN = "pki_revocation_unknown"
    REVOCATION_STALE = "pki_revocation_stale"
    KEY_USAGE = "pki_key_usage"
    NO_IIN = "pki_no_iin"
    IIN_INVALID = "pki_iin_invalid"
    NO_NAME = "pki_no_name"


class SignatureRefused(ValueError):
    """A signature that does not count: ``field`` names the part of the envelope at fault
    (``envelope.signature``, ``certificate``, ``chain[0]``, ``certificate.subject.iin`` ...),
    ``rule`` the rule, ``values`` what was found and required."""

    def __init__(self, field: str, rule: Rule, values: Mapping[str, object] | None = None):
        self.field = field
        self.rule = rule
        self.values: Mapping[str, object] = MappingProxyType(dict(values or {}))
        super().__init__(f"{field}: {english(rule.value, self.values)}")
