"""Honest petition counts without exposing signers: each petition's signatures form an
append-only Merkle log (RFC 9162, :mod:`saylau.ledger`) of salted commitments.

A leaf never names a signer. For a signature it is ``0x01 || C`` with the commitment::

    C = SHA-256("saylau/petition-signature/1" || 0x00 || len(id) as 2 bytes || id
                || salt (32 random bytes) || IIN (12 ASCII digits))

The IIN alone has little entropy (a birth date and a serial), so the salt is what hides it:
the service keeps the salt and gives it to the signer in the receipt, never to the public.

Withdrawal, where the law allows it, is never a deletion: it is a new leaf
``0x02 || W || i`` with a withdrawal commitment ``W`` (its own tag and a fresh salt) and
``i``, the leaf index of the signature it withdraws, as 8 bytes. So the log only grows and
the count is defined on it:

    **count = signatures − withdrawals**, both read from the log,

where a withdrawal must name an earlier signature leaf that no earlier withdrawal named
(:func:`count_entries` refuses a log that breaks this). The index shows which commitment was
withdrawn, never whose.

A :class:`Receipt` gives the signer the petition id, the leaf index, the tree size, the
inclusion proof, the signed tree head (a C2SP checkpoint of the petition's log, named
``<prefix><petition id>``) and the salt: knowing their IIN, the signer recomputes the leaf
and checks it is in the signed tree (:func:`check_receipt`); anyone else sees a commitment.
Anyone can check that a published count is the log's (:func:`check_count`) and that a later
head extends an earlier one (:func:`check_growth`).

Pure: the service stores the entries (:meth:`LogEntry.leaf`) and salts and signs heads
through :class:`saylau.ledger.Signer`; :class:`PetitionLog` is the same log in memory.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from saylau import ledger
from saylau.ledger import Checkpoint, NoteKey, SignedTreeHead, Signer, TreeHead

SIGNATURE_TAG = b"saylau/petition-signature/1"
WITHDRAWAL_TAG = b"saylau/petition-withdrawal/1"
SALT_SIZE = 32
IIN_SIZE = 12
ORIGIN_PREFIX = "saylau.kz/petitions/"
"""A petition's log is named this prefix followed by the petition's id."""

_SIGNATURE = b"\x01"
_WITHDRAWAL = b"\x02"
_INDEX_SIZE = 8


class ReceiptError(ValueError):
    """A receipt, a count or a log that does not check; ``field`` names what failed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class EntryKind(StrEnum):
    SIGNATURE = "signature"
    WITHDRAWAL = "withdrawal"


def new_salt() -> bytes:
    """32 random bytes from the operating system's generator."""
    return secrets.token_bytes(SALT_SIZE)


def log_origin(petition_id: str, prefix: str = ORIGIN_PREFIX) -> str:
    """The name of a petition's log in its checkpoints."""
    origin = prefix + petition_id
    if not petition_id or any(c.isspace() or c == "+" for c in origin):
        raise ReceiptError("petition_id", "a log's name has no spaces and no '+'")
    return origin


def commitment(kind: EntryKind, petition_id: str, iin: str, salt: bytes) -> bytes:
    """SHA-256 over the kind's tag, the petition id, the salt and the IIN (see above)."""
    if len(salt) != SALT_SIZE:
        raise ReceiptError("salt", f"a salt is {SALT_SIZE} bytes, got {len(salt)}")
    if len(iin) != IIN_SIZE or not (iin.isascii() and iin.isdigit()):
        raise ReceiptError("iin", "an IIN is 12 digits")
    petition = petition_id.encode("utf-8")
    if not petition or len(petition) > 0xFFFF:
        raise ReceiptError("petition_id", "a petition id is 1 to 65535 bytes")
    tag = SIGNATURE_TAG if kind is EntryKind.SIGNATURE else WITHDRAWAL_TAG
    return hashlib.sha256(
        tag + b"\x00" + len(petition).to_bytes(2, "big") + petition + salt + iin.encode("ascii")
    ).digest()


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One public leaf: a signature's commitment, or a withdrawal's with the index of the
    signature it withdraws."""

    kind: EntryKind
    commitment: bytes
    withdraws: int | None = None

    def __post_init__(self) -> None:
        if len(self.commitment) != ledger.HASH_SIZE:
            raise ReceiptError("commitment", f"a commitment is {ledger.HASH_SIZE} bytes")
        if (self.kind is EntryKind.WITHDRAWAL) != (self.withdraws is not None):
            raise ReceiptError("withdraws", "only a withdrawal names the signature it withdraws")
        if self.withdraws is not None and not 0 <= self.withdraws < 1 << 64:
            raise ReceiptError("withdraws", "a leaf index is a 64-bit unsigned number")

    def leaf(self) -> bytes:
        """The leaf's bytes as the log hashes and publishes them."""
        if self.withdraws is None:
            return _SIGNATURE + self.commitment
        return _WITHDRAWAL + self.commitment + self.withdraws.to_bytes(_INDEX_SIZE, "big")

    def leaf_hash(self) -> bytes:
        return ledger.leaf_hash(self.leaf())

    @classmethod
    def from_leaf(cls, data: bytes) -> LogEntry:
        """Read a published leaf; anything but the two layouts is refused."""
        size = 1 + ledger.HASH_SIZE
        if data[:1] == _SIGNATURE and len(data) == size:
            return cls(EntryKind.SIGNATURE, data[1:])
        if data[:1] == _WITHDRAWAL and len(data) == size + _INDEX_SIZE:
            return cls(EntryKind.WITHDRAWAL, data[1:size], int.from_bytes(data[size:], "big"))
        raise ReceiptError("leaf", "a leaf is 0x01 + 32 bytes or 0x02 + 32 bytes + 8 bytes")


def signature_entry(petition_id: str, iin: str, salt: bytes) -> LogEntry:
    return LogEntry(EntryKind.SIGNATURE, commitment(EntryKind.SIGNATURE, petition_id, iin, salt))


def withdrawal_entry(petition_id: str, iin: str, salt: bytes, withdraws: int) -> LogEntry:
    return LogEntry(
        EntryKind.WITHDRAWAL,
        commitment(EntryKind.WITHDRAWAL, petition_id, iin, salt),
        withdraws,
    )


@dataclass(frozen=True, slots=True)
class Count:
    """What a petition's log counts: ``standing`` is the petition's count."""

    signatures: int
    withdrawals: int

    @property
    def standing(self) -> int:
        """Signatures less withdrawals: the count a petition is judged on."""
        return self.signatures - self.withdrawals

    @property
    def size(self) -> int:
        """Leaves in the log."""
        return self.signatures + self.withdrawals


def count_entries(entries: Iterable[LogEntry]) -> Count:
    """Count a log's leaves, refusing a withdrawal that names no earlier signature or one
    already withdrawn."""
    signatures: set[int] = set()
    withdrawn: set[int] = set()
    for index, entry in enumerate(entries):
        if entry.withdraws is None:
            signatures.add(index)
            continue
        if entry.withdraws not in signatures:
            raise ReceiptError(
                f"entries[{index}]", f"withdraws leaf {entry.withdraws}, no earlier signature"
            )
        if entry.withdraws in withdrawn:
            raise ReceiptError(
                f"entries[{index}]", f"withdraws leaf {entry.withdraws} a second time"
            )
        withdrawn.add(entry.withdraws)
    return Count(len(signatures), len(withdrawn))


# --------------------------------------------------------------------------------------------
# Receipts


def _hex(value: object, field: str, size: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise ReceiptError(field, "is a hex string")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise ReceiptError(field, "is a hex string") from None
    if size is not None and len(raw) != size:
        raise ReceiptError(field, f"is {size} bytes")
    return raw


def _integer(value: object, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ReceiptError(field, "is a non-negative integer")
    return value


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise ReceiptError(field, "is a non-empty string")
    return value


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a signer keeps: enough to find their leaf in the signed log, with their IIN.

    ``signed_head`` is the log's signed checkpoint (a C2SP signed note); ``salt`` is secret
    to the signer and the service."""

    petition_id: str
    kind: EntryKind
    leaf_index: int
    tree_size: int
    inclusion_proof: tuple[bytes, ...]
    signed_head: str
    salt: bytes
    withdraws: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "petition_id": self.petition_id,
            "kind": self.kind.value,
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "inclusion_proof": [h.hex() for h in self.inclusion_proof],
            "signed_head": self.signed_head,
            "salt": self.salt.hex(),
            "withdraws": self.withdraws,
        }

    @classmethod
    def from_json(cls, value: object) -> Receipt:
        """Read a receipt strictly; :class:`ReceiptError` names the field at fault."""
        if not isinstance(value, Mapping):
            raise ReceiptError("receipt", "is a JSON object")
        fields = {
            "petition_id",
            "kind",
            "leaf_index",
            "tree_size",
            "inclusion_proof",
            "signed_head",
            "salt",
            "withdraws",
        }
        if set(value) != fields:
            wrong = sorted(set(map(str, value)) ^ fields)[0]
            raise ReceiptError(f"receipt.{wrong}", "is missing or not a field of a receipt")
        try:
            kind = EntryKind(value["kind"])
        except ValueError:
            raise ReceiptError("receipt.kind", "is 'signature' or 'withdrawal'") from None
        proof = value["inclusion_proof"]
        if not isinstance(proof, list):
            raise ReceiptError("receipt.inclusion_proof", "is a list of hex hashes")
        withdraws = value["withdraws"]
        return cls(
            petition_id=_text(value["petition_id"], "receipt.petition_id"),
            kind=kind,
            leaf_index=_integer(value["leaf_index"], "receipt.leaf_index"),
            tree_size=_integer(value["tree_size"], "receipt.tree_size"),
            inclusion_proof=tuple(
                _hex(h, f"receipt.inclusion_proof[{i}]", ledger.HASH_SIZE)
                for i, h in enumerate(proof)
            ),
            signed_head=_text(value["signed_head"], "receipt.signed_head"),
            salt=_hex(value["salt"], "receipt.salt", SALT_SIZE),
            withdraws=None if withdraws is None else _integer(withdraws, "receipt.withdraws"),
        )

    def entry(self, iin: str) -> LogEntry:
        """The leaf this receipt stands for, as the holder of ``iin`` computes it."""
        if self.kind is EntryKind.SIGNATURE:
            if self.withdraws is not None:
                raise ReceiptError("receipt.withdraws", "a signature withdraws nothing")
            return signature_entry(self.petition_id, iin, self.salt)
        if self.withdraws is None:
            raise ReceiptError("receipt.withdraws", "a withdrawal names the signature it withdraws")
        return withdrawal_entry(self.petition_id, iin, self.salt, self.withdraws)


def _checkpoint(note: str, log_key: NoteKey, field: str) -> Checkpoint:
    try:
        return ledger.verify_checkpoint(note, [log_key])
    except ledger.LedgerError as exc:
        raise ReceiptError(field, str(exc)) from None


def _petition_checkpoint(note: str, log_key: NoteKey, petition_id: str, field: str) -> Checkpoint:
    checkpoint = _checkpoint(note, log_key, field)
    if not checkpoint.origin.endswith("/" + petition_id):
        raise ReceiptError(
            field, f"is the head of log {checkpoint.origin!r}, not of petition {petition_id!r}"
        )
    return checkpoint


def check_receipt(receipt: Receipt, iin: str, log_key: NoteKey) -> Checkpoint:
    """The signed checkpoint that includes the holder's leaf, or :class:`ReceiptError`.

    ``log_key`` is the petition log's published key (its name is the log's origin), so a
    head the service did not sign, a head of another petition's log, a proof that does not
    lead to the head's root or a leaf of another IIN or salt is refused."""
    checkpoint = _petition_checkpoint(
        receipt.signed_head, log_key, receipt.petition_id, "receipt.signed_head"
    )
    if checkpoint.size != receipt.tree_size:
        raise ReceiptError(
            "receipt.tree_size",
            f"is {receipt.tree_size} but the signed head has {checkpoint.size} leaves",
        )
    leaf = receipt.entry(iin).leaf_hash()
    try:
        ledger.verify_inclusion(
            receipt.leaf_index, receipt.tree_size, leaf, receipt.inclusion_proof, checkpoint.root
        )
    except (ledger.LedgerError, ValueError) as exc:
        raise ReceiptError("receipt.inclusion_proof", str(exc)) from None
    return checkpoint


def check_count(
    signed_head: str,
    petition_id: str,
    entries: Sequence[LogEntry],
    published: int,
    log_key: NoteKey,
) -> Count:
    """The log's count if the published entries are exactly the signed log and
    ``published`` (the count the site shows) equals their signatures less withdrawals."""
    checkpoint = _petition_checkpoint(signed_head, log_key, petition_id, "signed_head")
    if len(entries) != checkpoint.size:
        raise ReceiptError(
            "entries", f"{len(entries)} published, the signed head has {checkpoint.size}"
        )
    if ledger.root_hash(entry.leaf_hash() for entry in entries) != checkpoint.root:
        raise ReceiptError("entries", "do not hash to the signed head's root")
    count = count_entries(entries)
    if count.standing != published:
        raise ReceiptError(
            "published",
            f"is {published}, but the log holds {count.signatures} signatures less "
            f"{count.withdrawals} withdrawals = {count.standing}",
        )
    return count


def check_growth(
    earlier: str, later: str, proof: Sequence[bytes], log_key: NoteKey
) -> tuple[Checkpoint, Checkpoint]:
    """Both signed heads if the later log extends the earlier one (RFC 9162 consistency);
    a log that lost, changed or reordered a leaf is refused."""
    first = _checkpoint(earlier, log_key, "earlier")
    second = _checkpoint(later, log_key, "later")
    if first.origin != second.origin:
        raise ReceiptError("later", f"is a head of {second.origin!r}, not of {first.origin!r}")
    if first.size > second.size:
        raise ReceiptError("later", f"has {second.size} leaves, fewer than {first.size}")
    try:
        ledger.verify_consistency(
            first.size, second.size, first.root, second.root, proof, allow_empty_first=True
        )
    except ledger.LedgerError as exc:
        raise ReceiptError("proof", str(exc)) from None
    return first, second


# --------------------------------------------------------------------------------------------
# The log in memory


class PetitionLog:
    """One petition's log in memory, with the rules of :func:`count_entries` enforced on
    append. The service keeps the same leaves in its store; this is its pure model, the
    demo's and the tests'."""

    def __init__(
        self, petition_id: str, entries: Iterable[LogEntry] = (), prefix: str = ORIGIN_PREFIX
    ) -> None:
        self.petition_id = petition_id
        self.origin = log_origin(petition_id, prefix)
        self._entries: list[LogEntry] = []
        self._log = ledger.MerkleLog()
        self._signatures: set[int] = set()
        self._withdrawn: set[int] = set()
        for entry in entries:
            self.append(entry)

    @property
    def entries(self) -> tuple[LogEntry, ...]:
        return tuple(self._entries)

    @property
    def size(self) -> int:
        return self._log.size

    @property
    def count(self) -> Count:
        return Count(len(self._signatures), len(self._withdrawn))

    def append(self, entry: LogEntry) -> int:
        """Add a leaf; a withdrawal of no standing signature is refused, nothing added."""
        index = self._log.size
        if entry.withdraws is not None:
            if entry.withdraws not in self._signatures:
                raise ReceiptError("withdraws", f"leaf {entry.withdraws} is no signature")
            if entry.withdraws in self._withdrawn:
                raise ReceiptError("withdraws", f"leaf {entry.withdraws} is already withdrawn")
            self._withdrawn.add(entry.withdraws)
        else:
            self._signatures.add(index)
        self._entries.append(entry)
        return self._log.append_leaf_hash(entry.leaf_hash())

    def sign(self, iin: str, salt: bytes | None = None) -> tuple[int, bytes]:
        """Append a signature's commitment; its leaf index and salt."""
        salt = salt or new_salt()
        return self.append(signature_entry(self.petition_id, iin, salt)), salt

    def withdraw(self, iin: str, signature: int, salt: bytes | None = None) -> tuple[int, bytes]:
        """Append the withdrawal of the signature at leaf ``signature``; its index and salt."""
        salt = salt or new_salt()
        return self.append(withdrawal_entry(self.petition_id, iin, salt, signature)), salt

    def head(self, signer: Signer, timestamp: int | None = None) -> SignedTreeHead:
        """The current tree head, signed as a checkpoint of this petition's log."""
        root = self._log.root()
        head = (
            TreeHead.now(self.size, root)
            if timestamp is None
            else TreeHead(self.size, root, timestamp)
        )
        return ledger.sign_tree_head(head, self.origin, [signer])

    def receipt(self, index: int, salt: bytes, signed: SignedTreeHead) -> Receipt:
        """The receipt of leaf ``index`` under the signed head ``signed``."""
        size = signed.head.size
        entry = self._entries[index]
        return Receipt(
            petition_id=self.petition_id,
            kind=entry.kind,
            leaf_index=index,
            tree_size=size,
            inclusion_proof=tuple(self._log.inclusion_proof(index, size)),
            signed_head=signed.note,
            salt=salt,
            withdraws=entry.withdraws,
        )

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """PROOF(size1, D[size2]) between two of this log's heads."""
        return self._log.consistency_proof(size1, size2)


def b64_leaf(entry: LogEntry) -> str:
    """A leaf as the open data publishes it (base64)."""
    return base64.b64encode(entry.leaf()).decode("ascii")


def entry_from_b64(text: str) -> LogEntry:
    """A leaf read from the open data."""
    try:
        return LogEntry.from_leaf(base64.b64decode(text.encode("ascii"), validate=True))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        if isinstance(exc, ReceiptError):
            raise
        raise ReceiptError("leaf", "is base64") from None
