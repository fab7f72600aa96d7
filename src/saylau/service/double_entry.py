"""Double entry, as tally centres do it: a protocol is typed twice, independently, and only
two entries that agree line by line go on to be submitted.

The first entry is kept with the second form, sealed (AES-GCM under a key derived from the
commission's session token, bound to the precinct and contest), so that the person typing the
second entry does not see the first's numbers and nothing is stored before the protocol is
submitted; any worker can open it, and a seal from another commission, precinct or contest,
or one altered in the page, does not open. A mismatch names the lines that differ, never the
first entry's value on them: the second typist checks those lines against the paper.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from saylau.model import BadInput

Entry = dict[str, str]
"""What was typed on each line of the form, by field (``voters_on_list``, ``votes.a``)."""

_SALT = 16
_NONCE = 12


def _key(token: str, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"saylau desk entry").derive(
        token.encode("utf-8")
    )


def _bound(precinct: str, contest: str) -> bytes:
    return json.dumps([precinct, contest]).encode("utf-8")


def seal(token: str, precinct: str, contest: str, entry: Mapping[str, str]) -> str:
    """The first entry, unreadable without the session's token."""
    salt, nonce = os.urandom(_SALT), os.urandom(_NONCE)
    sealed = AESGCM(_key(token, salt)).encrypt(
        nonce, json.dumps(dict(entry), sort_keys=True).encode("utf-8"), _bound(precinct, contest)
    )
    return base64.urlsafe_b64encode(salt + nonce + sealed).decode("ascii")


def unseal(token: str, precinct: str, contest: str, sealed: str) -> Entry:
    """The first entry back, or BadInput if the seal is not this session's for this form."""
    refused = BadInput("first_entry", "is not this commission's first entry of this form")
    try:
        raw = base64.urlsafe_b64decode(sealed.encode("ascii"))
        salt, nonce, body = raw[:_SALT], raw[_SALT : _SALT + _NONCE], raw[_SALT + _NONCE :]
        plain = AESGCM(_key(token, salt)).decrypt(nonce, body, _bound(precinct, contest))
        entry = json.loads(plain)
    except (ValueError, InvalidTag, UnicodeError):
        raise refused from None
    if not isinstance(entry, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in entry.items()
    ):
        raise refused
    return entry


def _value(text: str) -> int | str:
    """A line as typed: digits (spaces and group separators ignored) are a count; anything
    else stays text, refused later by the protocol's reader with the field named."""
    plain = "".join(text.split()).replace("\u202f", "")
    return int(plain) if plain.isdigit() else plain


def differences(
    fields: Sequence[str], first: Mapping[str, str], second: Mapping[str, str]
) -> tuple[str, ...]:
    """The fields, in the form's order, where the two entries do not say the same count."""
    return tuple(
        name for name in fields if _value(first.get(name, "")) != _value(second.get(name, ""))
    )


def protocol_of(
    precinct: str, contest: str, lines: Sequence[str], options: Sequence[str], entry: Entry
) -> dict[str, Any]:
    """The protocol an entry stands for, in the shape the API receives (a line left out of
    the contest's form is not sent, and reads as 0); an empty line is refused by name."""
    protocol: dict[str, Any] = {"precinct": precinct, "contest": contest}
    for name in lines:
        protocol[name] = _typed(name, entry)
    protocol["votes"] = {option: _typed(f"votes.{option}", entry) for option in options}
    return protocol


def _typed(name: str, entry: Entry) -> int | str:
    text = entry.get(name, "")
    if not text.strip():
        raise BadInput(name, "is required: write 0 for none")
    return _value(text)
