"""The national PKI as a signing citizen meets it: certificates whose subject carries the
IIN, chains to a configured root checked on the signing time against revocation lists, and
petition signatures over the petition's id, text and signing time.

Pure: no storage, no HTTP, no petition law (the petitions room checks the signer's age from
the verified birth date). :mod:`~saylau.pki.authority` is a test authority for the
demo, the tests and the benches; the product only verifies.
"""

from saylau.pki.chain import Trust, ValidatedChain, trust_from_paths, trust_from_settings
from saylau.pki.refusal import Rule, SignatureRefused
from saylau.pki.signing import SignedEnvelope, VerifiedSigner, sign, verify_signature

__all__ = [
    "Rule",
    "SignatureRefused",
    "SignedEnvelope",
    "Trust",
    "ValidatedChain",
    "VerifiedSigner",
    "sign",
    "trust_from_paths",
    "trust_from_settings",
    "verify_signature",
]
