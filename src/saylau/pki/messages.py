"""The sentences a signer is told when a signature is refused.

Each is an English template marked with ``N_`` so `saylau i18n update` puts it in the site's
catalogues (``web/catalogues.py`` lists this file); a refusal carries the message key and its
values, and the shell shows it in Kazakh, Russian or English.
"""

from __future__ import annotations

from collections.abc import Mapping

from saylau.register.messages import N_, english_value

MESSAGES: dict[str, str] = {
    "pki_envelope_form": N_("The signed envelope is not well formed: %(found)s."),
    "pki_signature_invalid": N_(
        "The signature does not verify over this petition's id, text and signing time."
    ),
    "pki_wrong_petition": N_("The signature is for petition %(found)s, not for %(required)s."),
    "pki_text_changed": N_(
        "The signature covers another text (SHA-256 %(found)s); the petition's text has "
        "SHA-256 %(required)s."
    ),
    "pki_signing_time": N_(
        "The signing time %(found)s is outside the accepted window around %(required)s."
    ),
    "pki_unknown_root": N_(
        "The certificate does not lead to a trusted root: no trusted issuer named %(found)s."
    ),
    "pki_chain_broken": N_("The certificate of %(found)s is not signed by its issuer's key."),
    "pki_not_authority": N_("%(found)s issues certificates but is not a certification authority."),
    "pki_chain_too_long": N_("The certificate chain has more than %(required)s links."),
    "pki_not_yet_valid": N_(
        "The certificate of %(subject)s is valid from %(required)s; the signing time is %(found)s."
    ),
    "pki_expired": N_(
        "The certificate of %(subject)s expired on %(required)s; the signing time is %(found)s."
    ),
    "pki_revoked": N_(
        "The certificate %(serial)s was revoked on %(required)s, before the signing time %(found)s."
    ),
    "pki_revocation_unknown": N_(
        "No revocation list of %(found)s is known, so its certificates cannot be checked."
    ),
    "pki_revocation_stale": N_(
        "The revocation list of %(found)s was due to be replaced on %(required)s, before the "
        "signing time."
    ),
    "pki_key_usage": N_("The certificate's key is not for signing documents (key usage)."),
    "pki_no_iin": N_(
        "The certificate's subject carries no IIN (serialNumber “IIN” and 12 digits); found "
        "%(found)s."
    ),
    "pki_iin_invalid": N_("The IIN in the certificate is not valid: %(found)s"),
    "pki_no_name": N_("The certificate's subject names no surname and first name (CN)."),
}


def english(key: str, values: Mapping[str, object]) -> str:
    """The English sentence of ``key`` with its values as English writes them."""
    return MESSAGES[key] % {name: english_value(value) for name, value in values.items()}
