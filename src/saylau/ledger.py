"""Tamper-evident ledger core: an append-only Merkle log and Ed25519-signed tree heads.

Every accepted record (precinct protocol, correction, certification) becomes one leaf of a
Merkle tree built exactly as RFC 6962 / RFC 9162 §2.1 (Certificate Transparency) builds it, so
that any observer can check with standard tooling that a record is in the log (inclusion proof)
and that the log only ever grew (consistency proof), without trusting the operator:

- leaf hash ``SHA-256(0x00 || leaf)``, node hash ``SHA-256(0x01 || left || right)``, and the
  root of the empty tree ``SHA-256("")``;
- ``MTH`` splits ``n`` leaves at the largest power of two below ``n``;
- proofs are generated as the RFC's ``PATH(m, D[n])`` and ``PROOF(m, D[n])`` and verified with
  its iterative algorithms (§2.1.3.2, §2.1.4.2), strictly: hashes are exactly 32 bytes and a
  proof must have exactly the length the algorithm consumes.

A proof does not authenticate the tree size: it only fixes the shape of the path. The size
must therefore come, together with the root, from a tree head signed by the log: a C2SP
checkpoint (c2sp.org/tlog-checkpoint) in a C2SP signed note (c2sp.org/signed-note), which names
the log and the key (:class:`Checkpoint`, :func:`sign_tree_head`, :func:`verify_checkpoint`).
The log signs through a :class:`Signer`, so the private key can live in a key file, a
hardware module or a KMS, and never in the database.

Leaf hashes can come from memory (:class:`MerkleLog`, which also caches every perfect subtree,
so a proof costs O(log² n) lookups and hashes at worst), from any sequence, or from a storage
layer through a callable ``read(start, end)`` returning the leaf hashes of ``[start, end)``.
:class:`Frontier` keeps only the right edge of the tree, enough to append a leaf and get the
new root in O(log n).
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

HASH_SIZE = 32
"""Bytes in a SHA-256 digest: the only length a leaf hash, node hash or proof element may have."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256(''), the root of the tree with no leaves."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_UINT64_LIMIT = 1 << 64


class LedgerError(Exception):
    """Base class of everything this module raises on bad evidence."""


class ProofError(LedgerError):
    """An inclusion or consistency proof does not verify; the message says which check failed."""


class SignatureError(LedgerError):
    """A signed tree head does not verify under the given public key."""


class EncodingError(LedgerError, ValueError):
    """Bytes or hex that are not a well-formed key, tree head or signed tree head."""


# --------------------------------------------------------------------------------------------
# Hashing


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data): the prefix keeps a leaf from passing for an interior node."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right), the RFC's HASH(0x01 || left || right).

    The lengths are not checked here because this is the bare primitive; every function that
    takes hashes from outside checks them before hashing.
    """
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ValueError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def _largest_power_of_two_below(n: int) -> int:
    """The RFC's k: the largest power of two strictly smaller than ``n`` (``n`` > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _bit_ceil(n: int) -> int:
    """The smallest power of two at least ``n`` (1 for ``n`` <= 1)."""
    return 1 if n <= 1 else 1 << (n - 1).bit_length()


class Frontier:
    """The right edge of a Merkle tree: the roots of its perfect subtrees, largest first.

    A tree of ``size`` leaves is the concatenation of perfect subtrees, one per set bit of
    ``size``; their roots are all that is needed to append a leaf (amortised one node hash,
    at most log2(n)) and to compute the root (at most log2(n) node hashes). A service that
    keeps its leaves in storage persists ``size`` and ``hashes`` and rebuilds the frontier
    with ``Frontier(size, hashes)``.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        stored = list(hashes)
        if size < 0:
            raise ValueError(f"size must be non-negative, got {size}")
        if len(stored) != size.bit_count():
            raise ValueError(
                f"a tree of {size} leaves has {size.bit_count()} perfect subtrees, "
                f"got {len(stored)} hashes"
            )
        for i, h in enumerate(stored):
            _check_hash(h, f"frontier hash {i}")
        self._size = size
        self._hashes = stored

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """Roots of the perfect subtrees, leftmost (largest) first."""
        return tuple(self._hashes)

    def append(self, leaf: bytes) -> int:
        """Add one leaf hash; return its index. Merges equal-sized subtrees like a binary carry."""
        _check_hash(leaf, "leaf hash")
        index = self._size
        carry = leaf
        merged = index
        while merged & 1:
            carry = node_hash(self._hashes.pop(), carry)
            merged >>= 1
        self._hashes.append(carry)
        self._size = index + 1
        return index

    def root(self) -> bytes:
        """MTH of all leaves so far: fold the subtree roots from the right."""
        if not self._hashes:
            return EMPTY_ROOT
        root = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            root = node_hash(h, root)
        return root

    def copy(self) -> Frontier:
        return Frontier(self._size, self._hashes)


def root_hash(leaf_hashes: Iterable[bytes]) -> bytes:
    """MTH over leaf hashes in O(n): n - 1 node hashes, log2(n) hashes of memory."""
    frontier = Frontier()
    for h in leaf_hashes:
        frontier.append(h)
    return frontier.root()


# --------------------------------------------------------------------------------------------
# Where leaf hashes come from


@runtime_checkable
class SubtreeSource(Protocol):
    """Anything that can give MTH(D[start:end]) directly, e.g. a store with cached nodes."""

    def subtree_root(self, start: int, end: int) -> bytes:
        """MTH of the leaves with indices in ``[start, end)``."""
        ...


LeafReader = Callable[[int, int], Sequence[bytes]]
"""``read(start, end)`` returns the leaf hashes of ``[start, end)``, e.g. from a database."""

LeafSource = Sequence[bytes] | LeafReader | SubtreeSource
"""What proof generation accepts: leaf hashes in memory, a reader, or a subtree source."""

_NodeFn = Callable[[int, int], bytes]


def _read_leaves(reader: LeafReader, start: int, end: int) -> Sequence[bytes]:
    leaves = reader(start, end)
    if len(leaves) != end - start:
        raise ValueError(
            f"leaf reader returned {len(leaves)} hashes for [{start}, {end}), "
            f"expected {end - start}"
        )
    return leaves


def _node_fn(source: LeafSource, size: int) -> _NodeFn:
    """Turn a leaf source into MTH(D[start:end]) for ranges inside a tree of ``size`` leaves.

    With a plain sequence or reader each call rehashes the leaves of its range, so one proof
    costs O(size) hashes in total (the proof's subtrees partition the tree); a
    :class:`SubtreeSource` such as :class:`MerkleLog` answers from cached nodes instead.
    """
    if isinstance(source, SubtreeSource):
        return source.subtree_root
    if callable(source):
        reader = source
        return lambda start, end: root_hash(_read_leaves(reader, start, end))
    leaves = source
    if len(leaves) < size:
        raise ValueError(f"tree size {size} exceeds the {len(leaves)} leaf hashes given")
    return lambda start, end: root_hash(leaves[start:end])


# --------------------------------------------------------------------------------------------
# Proof shapes and generation


def is_valid_subtree(start: int, end: int) -> bool:
    """Whether ``[start, end)`` is a subtree some tree node covers (MTC draft definition).

    True for ``start == 0`` (every prefix), for the empty range, and for ranges whose start is
    a multiple of ``bit_ceil(end - start)``.
    """
    if not 0 <= start <= end:
        return False
    return start == 0 or start == end or start % _bit_ceil(end - start) == 0


def _path_ranges(index: int, start: int, end: int) -> list[tuple[int, int]]:
    """Leaf ranges whose roots make PATH(index - start, D[start:end]), leaf to root."""
    ranges: list[tuple[int, int]] = []
    lo, hi = start, end
    while hi - lo > 1:
        split = lo + _largest_power_of_two_below(hi - lo)
        if index < split:
            ranges.append((split, hi))
            hi = split
        else:
            ranges.append((lo, split))
            lo = split
    ranges.reverse()
    return ranges


def _subproof_ranges(start: int, end: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges whose roots make SUBTREE_PROOF(start, end, D[0:size]), bottom up.

    With ``start == 0`` this is the RFC's SUBPROOF(end, D[size], true). For ``start > 0`` it is
    the MTC draft's generalisation: descend the RFC tree towards ``[start, end)`` taking the
    sibling at each level; the subtree's own root is left out while the verifier still holds
    it (the RFC's ``b``), and is needed once the subtree is split across a node boundary.
    """
    ranges: list[tuple[int, int]] = []
    if start == end:
        return ranges
    lo, hi = 0, size
    known = True
    while not (lo == start and hi == end):
        split = lo + _largest_power_of_two_below(hi - lo)
        if end <= split:
            ranges.append((split, hi))
            hi = split
        elif start >= split:
            ranges.append((lo, split))
            lo = split
        else:
            # [start, end) straddles the split: only possible for a prefix of the node.
            if start != lo:
                raise ValueError(f"[{start}, {end}) is not a valid subtree")
            ranges.append((lo, split))
            lo = start = split
            known = False
    if not known:
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


def inclusion_proof_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges ``[start, end)`` whose roots form PATH(index, D[size]), leaf to root.

    A storage layer that keeps subtree roots can fetch exactly these and skip the leaves.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")
    return _path_ranges(index, 0, size)


def consistency_proof_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """Leaf ranges whose roots form PROOF(size1, D[size2]) (empty for size1 in {0, size2})."""
    if not 0 <= size1 <= size2:
        raise ValueError(f"need 0 <= size1 <= size2, got size1={size1}, size2={size2}")
    return _subproof_ranges(0, size1, size2)


def inclusion_proof(index: int, size: int, leaves: LeafSource) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1: sibling roots from the leaf up.

    Only the subtrees on the path are hashed: O(size) hashes from bare leaf hashes (the path's
    subtrees cover every other leaf once), one ``subtree_root`` call per proof hash with a
    :class:`SubtreeSource`.
    """
    ranges = inclusion_proof_ranges(index, size)
    node = _node_fn(leaves, size)
    return [node(lo, hi) for lo, hi in ranges]


def consistency_proof(size1: int, size2: int, leaves: LeafSource) -> list[bytes]:
    """PROOF(size1, D[size2]) of RFC 9162 §2.1.4.1.

    ``size1 == size2`` gives the empty proof. ``size1 == 0`` also gives the empty proof, which
    :func:`verify_consistency` accepts only with ``allow_empty_first=True``: the RFC defines no
    proof from the empty tree, and a client should check the first tree head it sees instead.
    """
    ranges = consistency_proof_ranges(size1, size2)
    node = _node_fn(leaves, size2)
    return [node(lo, hi) for lo, hi in ranges]


def subtree_inclusion_proof(index: int, start: int, end: int, leaves: LeafSource) -> list[bytes]:
    """PATH(index - start, D[start:end]): inclusion of a leaf in the subtree ``[start, end)``."""
    if not is_valid_subtree(start, end):
        raise ValueError(f"[{start}, {end}) is not a valid subtree")
    if not start <= index < end:
        raise ValueError(f"leaf index {index} is outside [{start}, {end})")
    node = _node_fn(leaves, end)
    return [node(lo, hi) for lo, hi in _path_ranges(index, start, end)]


def subtree_consistency_proof(start: int, end: int, size: int, leaves: LeafSource) -> list[bytes]:
    """SUBTREE_PROOF(start, end, D[size]): the subtree ``[start, end)`` sits in the tree.

    For ``start == 0`` this is exactly the RFC's PROOF(end, D[size]).
    """
    if not is_valid_subtree(start, end):
        raise ValueError(f"[{start}, {end}) is not a valid subtree")
    if end > size:
        raise ValueError(f"subtree end {end} is beyond tree size {size}")
    node = _node_fn(leaves, size)
    return [node(lo, hi) for lo, hi in _subproof_ranges(start, end, size)]


# --------------------------------------------------------------------------------------------
# Verification (RFC 9162 §2.1.3.2 and §2.1.4.2)


def _require_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def _require_elements(proof: Sequence[bytes]) -> None:
    for i, element in enumerate(proof):
        _require_hash(element, f"proof element {i}")


def root_from_inclusion_proof(
    leaf_index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root that ``proof`` leads to from ``leaf`` (a leaf hash) at ``leaf_index``.

    Raises :class:`ProofError` when the inputs cannot form a proof for that position.
    """
    if not 0 <= leaf_index < tree_size:
        raise ProofError(f"leaf index {leaf_index} is outside a tree of {tree_size} leaves")
    _require_hash(leaf, "leaf hash")
    _require_elements(proof)
    expected = len(_path_ranges(leaf_index, 0, tree_size))
    if len(proof) != expected:
        raise ProofError(
            f"inclusion proof has {len(proof)} hashes; leaf {leaf_index} of a tree of "
            f"{tree_size} leaves needs exactly {expected}"
        )
    fn, sn = leaf_index, tree_size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the path to the root")
    return r


def verify_inclusion(
    leaf_index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that leaf hash ``leaf`` is entry ``leaf_index`` of the tree with ``root``.

    ``tree_size`` must come from a verified tree head: the proof does not authenticate it.
    Raises :class:`ProofError` saying what failed.
    """
    _require_hash(root, "root")
    computed = root_from_inclusion_proof(leaf_index, tree_size, leaf, proof)
    if computed != root:
        raise ProofError(
            f"inclusion proof for leaf {leaf_index} of {tree_size} leads to root "
            f"{computed.hex()}, not {root.hex()}"
        )


def verify_consistency(
    size1: int,
    size2: int,
    root1: bytes,
    root2: bytes,
    proof: Sequence[bytes],
    *,
    allow_empty_first: bool = False,
) -> None:
    """Check that the tree of ``size1`` leaves with ``root1`` is a prefix of ``size2``/``root2``.

    ``size1 == 0`` is rejected unless ``allow_empty_first``; then the proof must be empty and
    ``root1`` must be SHA-256(''). Equal sizes need the empty proof and equal roots (nothing is
    hashed, so the roots are only compared). Raises :class:`ProofError` saying what failed.
    """
    if size1 < 0 or size2 < 0:
        raise ProofError(f"tree sizes must be non-negative, got {size1} and {size2}")
    if size1 > size2:
        raise ProofError(f"old tree size {size1} is larger than new tree size {size2}")
    if size1 == 0:
        if not allow_empty_first:
            raise ProofError(
                "consistency from the empty tree (size1 == 0) is not defined by RFC 9162; "
                "pass allow_empty_first=True to accept it"
            )
        if proof:
            raise ProofError(f"proof from the empty tree must be empty, got {len(proof)} hashes")
        if root1 != EMPTY_ROOT:
            raise ProofError("root of the empty tree must be SHA-256('')")
        if size2 == 0 and root2 != EMPTY_ROOT:
            raise ProofError("root of the empty tree must be SHA-256('')")
        _require_hash(root2, "second root")
        return
    if size1 == size2:
        if proof:
            raise ProofError(f"proof for equal tree sizes must be empty, got {len(proof)} hashes")
        if root1 != root2:
            raise ProofError(f"trees of equal size {size1} have different roots")
        return

    _require_hash(root1, "first root")
    _require_hash(root2, "second root")
    _require_elements(proof)
    expected = len(_subproof_ranges(0, size1, size2))
    if len(proof) != expected:
        raise ProofError(
            f"consistency proof has {len(proof)} hashes; sizes {size1} -> {size2} need "
            f"exactly {expected}"
        )
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is longer than the path to the new root")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is shorter than the path to the new root")
    if fr != root1:
        raise ProofError(f"consistency proof does not lead to the old root of {size1} leaves")
    if sr != root2:
        raise ProofError(f"consistency proof does not lead to the new root of {size2} leaves")


# --------------------------------------------------------------------------------------------
# In-memory log


class MerkleLog:
    """An append-only log of leaf hashes that caches every perfect subtree root.

    Appending costs amortised one node hash; the root and any subtree root that the RFC tree
    uses cost O(log n) lookups and hashes, a proof O(log² n) at worst. Memory is about two
    hashes per leaf.
    Proof generation accepts the log itself as a :class:`SubtreeSource`.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        # _levels[h][i] is the root of the perfect subtree [i * 2**h, (i + 1) * 2**h).
        self._levels: list[list[bytes]] = [[]]
        for h in leaf_hashes:
            self.append_leaf_hash(h)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def __len__(self) -> int:
        return self.size

    def append(self, data: bytes) -> int:
        """Hash a record as a leaf and append it; return its index."""
        return self.append_leaf_hash(leaf_hash(data))

    def append_leaf_hash(self, leaf: bytes) -> int:
        """Append a ready leaf hash; return its index."""
        _check_hash(leaf, "leaf hash")
        levels = self._levels
        levels[0].append(leaf)
        index = len(levels[0]) - 1
        position, level = index, 0
        while position & 1:
            parent = node_hash(levels[level][position - 1], levels[level][position])
            level += 1
            if level == len(levels):
                levels.append([])
            levels[level].append(parent)
            position >>= 1
        return index

    def leaf_hash(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise IndexError(f"leaf index {index} is outside a log of {self.size} leaves")
        return self._levels[0][index]

    def leaf_hashes(self, start: int, end: int) -> Sequence[bytes]:
        """Leaf hashes of ``[start, end)``: usable as a :data:`LeafReader`."""
        self._check_range(start, end)
        return self._levels[0][start:end]

    def _check_range(self, start: int, end: int) -> None:
        if not 0 <= start <= end <= self.size:
            raise ValueError(f"range [{start}, {end}) is outside a log of {self.size} leaves")

    def subtree_root(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]); O(log n) for valid subtrees, O(end - start) for other ranges."""
        self._check_range(start, end)
        if not is_valid_subtree(start, end):
            return root_hash(self._levels[0][start:end])
        if start == end:
            return EMPTY_ROOT
        # Cover [start, end) by aligned perfect subtrees, largest first, and fold from the right.
        parts: list[bytes] = []
        position = start
        while position < end:
            level = (end - position).bit_length() - 1
            if position:
                level = min(level, (position & -position).bit_length() - 1)
            parts.append(self._levels[level][position >> level])
            position += 1 << level
        root = parts[-1]
        for h in reversed(parts[:-1]):
            root = node_hash(h, root)
        return root

    def root(self, size: int | None = None) -> bytes:
        """Root of the whole log, or of its first ``size`` leaves."""
        return self.subtree_root(0, self.size if size is None else size)

    def frontier(self) -> Frontier:
        """The perfect-subtree roots of the current tree, for a store that keeps no leaves."""
        size = self.size
        hashes = []
        start = 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                hashes.append(self._levels[level][start >> level])
                start += 1 << level
        return Frontier(size, hashes)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]) for the whole log or its first ``size`` leaves."""
        size = self.size if size is None else size
        self._check_range(0, size)
        return inclusion_proof(index, size, self)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """PROOF(size1, D[size2]) up to the whole log or its first ``size2`` leaves."""
        size2 = self.size if size2 is None else size2
        self._check_range(0, size2)
        return consistency_proof(size1, size2, self)


# --------------------------------------------------------------------------------------------
# Keys and signers


_SIGNATURE_SIZE = 64
_KEY_SIZE = 32
_ED25519 = b"\x01"  # signature type of Ed25519 in C2SP signed notes


def _from_hex(text: str, what: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError as exc:
        raise EncodingError(f"{what} is not hex: {exc}") from None


def _from_base64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise EncodingError(f"{what} is not base64") from None


class VerifyingKey:
    """An Ed25519 public key; 32 raw bytes on the wire."""

    __slots__ = ("_key",)

    def __init__(self, key: Ed25519PublicKey) -> None:
        self._key = key

    @classmethod
    def from_bytes(cls, raw: bytes) -> VerifyingKey:
        if len(raw) != _KEY_SIZE:
            raise EncodingError(f"Ed25519 public key must be {_KEY_SIZE} bytes, got {len(raw)}")
        return cls(Ed25519PublicKey.from_public_bytes(raw))

    @classmethod
    def from_hex(cls, text: str) -> VerifyingKey:
        return cls.from_bytes(_from_hex(text, "public key"))

    def to_bytes(self) -> bytes:
        return self._key.public_bytes(Encoding.Raw, PublicFormat.Raw)

    def to_hex(self) -> str:
        return self.to_bytes().hex()

    def verify(self, signature: bytes, message: bytes) -> None:
        """Raise :class:`SignatureError` unless ``signature`` is valid for ``message``."""
        if len(signature) != _SIGNATURE_SIZE:
            raise SignatureError(
                f"Ed25519 signature must be {_SIGNATURE_SIZE} bytes, got {len(signature)}"
            )
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            raise SignatureError("signature does not verify under this public key") from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifyingKey) and self.to_bytes() == other.to_bytes()

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return f"VerifyingKey({self.to_hex()})"


@runtime_checkable
class Signer(Protocol):
    """What signs the log's heads: the private key never has to be in this process.

    A key file, a hardware security module or a cloud KMS can each implement it: all the log
    needs is the Ed25519 public key and a signature over a message.
    """

    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key whose private half makes :meth:`sign`'s signatures."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        ...


class SigningKey:
    """An Ed25519 private key held in memory (the seed: 32 raw bytes); a :class:`Signer`."""

    __slots__ = ("_key",)

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_bytes(cls, raw: bytes) -> SigningKey:
        if len(raw) != _KEY_SIZE:
            raise EncodingError(f"Ed25519 private key must be {_KEY_SIZE} bytes, got {len(raw)}")
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    @classmethod
    def from_hex(cls, text: str) -> SigningKey:
        return cls.from_bytes(_from_hex(text, "private key"))

    def to_bytes(self) -> bytes:
        return self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def to_hex(self) -> str:
        return self.to_bytes().hex()

    @property
    def verifying_key(self) -> VerifyingKey:
        return VerifyingKey(self._key.public_key())

    def public_key(self) -> bytes:
        return self.verifying_key.to_bytes()

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:
        # Never print the secret.
        return f"SigningKey(public={self.verifying_key.to_hex()})"


def generate_key_pair() -> tuple[SigningKey, VerifyingKey]:
    """A fresh Ed25519 key pair for a log."""
    key = SigningKey.generate()
    return key, key.verifying_key


# --------------------------------------------------------------------------------------------
# C2SP signed notes (c2sp.org/signed-note) and their Ed25519 keys


def _check_key_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name) or not name.isprintable():
        raise EncodingError(f"key name {name!r} must be non-empty, without spaces or '+'")


def key_id(name: str, public: bytes) -> bytes:
    """SHA-256(name || 0x0A || 0x01 || public key)[:4]: the note key ID of an Ed25519 key."""
    _check_key_name(name)
    return hashlib.sha256(name.encode() + b"\n" + _ED25519 + public).digest()[:4]


@dataclass(frozen=True, slots=True)
class NoteKey:
    """A named Ed25519 verifier key of signed notes; its text form is the note ``vkey``."""

    name: str
    public: VerifyingKey

    def __post_init__(self) -> None:
        _check_key_name(self.name)

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public.to_bytes())

    def vkey(self) -> str:
        """``<name>+<hex key ID>+<base64(0x01 || public key)>``."""
        material = base64.b64encode(_ED25519 + self.public.to_bytes()).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    @classmethod
    def from_vkey(cls, text: str) -> NoteKey:
        """Parse a vkey, refusing any whose ID does not match its name and key."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise EncodingError("a verifier key is <name>+<key id>+<key>, three parts")
        name, hex_id, material = parts
        _check_key_name(name)
        if len(hex_id) != 8:
            raise EncodingError("the key ID of a verifier key is 8 hex digits")
        wanted = _from_hex(hex_id, "key ID")
        raw = _from_base64(material, "verifier key")
        if raw[:1] != _ED25519:
            raise EncodingError("verifier key is not an Ed25519 key (type 0x01)")
        key = cls(name, VerifyingKey.from_bytes(raw[1:]))
        if key.key_id != wanted:
            raise EncodingError(f"key ID {hex_id} does not match the name and key")
        return key


def private_key_text(name: str, key: SigningKey) -> str:
    """``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``, as Go's sumdb/note writes."""
    material = base64.b64encode(_ED25519 + key.to_bytes()).decode()
    return f"PRIVATE+KEY+{name}+{key_id(name, key.public_key()).hex()}+{material}"


def parse_private_key(text: str) -> tuple[str, SigningKey]:
    """The name and key of :func:`private_key_text`, checking the key ID."""
    parts = text.strip().split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise EncodingError("a private key is PRIVATE+KEY+<name>+<key id>+<key>")
    name, hex_id, material = parts[2:]
    _check_key_name(name)
    raw = _from_base64(material, "private key")
    if raw[:1] != _ED25519:
        raise EncodingError("private key is not an Ed25519 key (type 0x01)")
    key = SigningKey.from_bytes(raw[1:])
    if key_id(name, key.public_key()).hex() != hex_id:
        raise EncodingError(f"key ID {hex_id} does not match the name and key")
    return name, key


_MAX_SIGNATURES = 100
_SIGNATURE_PREFIX = "\u2014 "


def sign_note(text: str, signers: Sequence[tuple[str, Signer]]) -> str:
    """The note ``text`` followed by a blank line and one signature line per named signer."""
    if not text.endswith("\n") or text.endswith("\n\n"):
        raise EncodingError("note text must end in exactly one newline")
    _check_note_characters(text)
    lines = []
    for name, signer in signers:
        signature = signer.sign(text.encode())
        identity = key_id(name, signer.public_key())
        encoded = base64.b64encode(identity + signature).decode()
        lines.append(f"{_SIGNATURE_PREFIX}{name} {encoded}\n")
    if not lines:
        raise EncodingError("a signed note needs at least one signature")
    return text + "\n" + "".join(lines)


def _check_note_characters(text: str) -> None:
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise EncodingError("a note must not contain control characters other than newline")


@dataclass(frozen=True, slots=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes


def split_note(note: str) -> tuple[str, list[NoteSignature]]:
    """The text and signature lines of a signed note, checked for form but not verified."""
    _check_note_characters(note)
    if not note.endswith("\n"):
        raise EncodingError("a signed note ends in a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise EncodingError("a signed note has a blank line before its signatures")
    text, block = note[: split + 1], note[split + 2 :]
    signatures = []
    for line in block.splitlines():
        if not line.startswith(_SIGNATURE_PREFIX):
            raise EncodingError(f"signature line {line[:40]!r} does not start with an em dash")
        name, space, encoded = line[len(_SIGNATURE_PREFIX) :].partition(" ")
        if not space or " " in encoded:
            raise EncodingError("a signature line is '— <key name> <base64>'")
        _check_key_name(name)
        raw = _from_base64(encoded, "signature")
        if len(raw) < 5:
            raise EncodingError("a signature carries a 4-byte key ID and the signature")
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    if not signatures:
        raise EncodingError("a signed note has at least one signature line")
    if len(signatures) > _MAX_SIGNATURES:
        raise EncodingError(f"a note may carry at most {_MAX_SIGNATURES} signatures")
    return text, signatures


def open_note(note: str, keys: Iterable[NoteKey]) -> tuple[str, list[NoteKey]]:
    """The note's text and the trusted keys that signed it.

    Signatures from unknown keys are ignored (that is how rotation and witnesses work); a
    signature by a known name and key ID must verify, and at least one must be known.
    """
    text, signatures = split_note(note)
    known = {(k.name, k.key_id): k for k in keys}
    verified: list[NoteKey] = []
    for sig in signatures:
        key = known.get((sig.name, sig.key_id))
        if key is None:
            continue
        try:
            key.public.verify(sig.signature, text.encode())
        except SignatureError:
            raise SignatureError(
                f"invalid signature for key {sig.name}+{sig.key_id.hex()}"
            ) from None
        if key not in verified:
            verified.append(key)
    if not verified:
        names = ", ".join(f"{s.name}+{s.key_id.hex()}" for s in signatures)
        raise SignatureError(f"the note is signed by no trusted key (signed by {names})")
    return text, verified


# --------------------------------------------------------------------------------------------
# Tree heads as C2SP checkpoints (c2sp.org/tlog-checkpoint)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head as note text: the log's origin, its size and its root.

    The origin names the log, so a head of one election's log never passes for another's.
    """

    origin: str
    size: int
    root: bytes

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin or not self.origin.isprintable():
            raise EncodingError("a checkpoint's origin is one non-empty printable line")
        if not 0 <= self.size < _UINT64_LIMIT:
            raise EncodingError(f"tree size must fit in 64 bits, got {self.size}")
        if len(self.root) != HASH_SIZE:
            raise EncodingError(f"root must be {HASH_SIZE} bytes, got {len(self.root)}")

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint's note text; extension lines are allowed and ignored."""
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
            raise EncodingError("a checkpoint is at least three non-empty lines")
        origin, size_text, root_text = lines[:3]
        if (
            not size_text.isdigit()
            or not size_text.isascii()
            or (size_text != "0" and size_text.startswith("0"))
        ):
            raise EncodingError(f"tree size {size_text[:30]!r} is not a decimal number")
        return cls(origin, int(size_text), _from_base64(root_text, "root hash"))


@dataclass(frozen=True, slots=True)
class TreeHead:
    """What the log commits to: ``size`` leaves with ``root``.

    ``timestamp`` (milliseconds since the epoch) records when the service signed it; it is
    not part of the checkpoint, which C2SP keeps to origin, size and root.
    """

    size: int
    root: bytes
    timestamp: int

    def __post_init__(self) -> None:
        if not 0 <= self.size < _UINT64_LIMIT:
            raise ValueError(f"tree size must fit in an unsigned 64-bit integer, got {self.size}")
        if not 0 <= self.timestamp < _UINT64_LIMIT:
            raise ValueError(
                f"timestamp must fit in an unsigned 64-bit integer, got {self.timestamp}"
            )
        _check_hash(self.root, "root")

    @classmethod
    def now(cls, size: int, root: bytes) -> TreeHead:
        """A head stamped with the current time."""
        return cls(size, root, time.time_ns() // 1_000_000)


@dataclass(frozen=True, slots=True)
class SignedTreeHead:
    """A tree head with its signed checkpoint (the note text and signature lines)."""

    head: TreeHead
    origin: str
    note: str

    @property
    def signature(self) -> bytes:
        """The first signature of the note: the log key's Ed25519 signature."""
        return split_note(self.note)[1][0].signature

    @property
    def checkpoint(self) -> Checkpoint:
        return Checkpoint(self.origin, self.head.size, self.head.root)


def sign_tree_head(head: TreeHead, origin: str, signers: Sequence[Signer]) -> SignedTreeHead:
    """Sign ``head`` as a checkpoint of the log ``origin``; every key is named by the origin,
    as the checkpoint format recommends (the first signer is the log's current key)."""
    checkpoint = Checkpoint(origin, head.size, head.root)
    note = sign_note(checkpoint.text(), [(origin, signer) for signer in signers])
    return SignedTreeHead(head, origin, note)


def verify_checkpoint(note: str, keys: Iterable[NoteKey]) -> Checkpoint:
    """The checkpoint of ``note`` if a trusted key named as its origin signed it."""
    text, signed_by = open_note(note, keys)
    checkpoint = Checkpoint.parse(text)
    if not any(key.name == checkpoint.origin for key in signed_by):
        raise SignatureError(
            f"checkpoint of log {checkpoint.origin!r} is signed by no key of that log"
        )
    return checkpoint


def verify_signed_tree_head(signed: SignedTreeHead, key: VerifyingKey) -> TreeHead:
    """The head if ``key``, named as the log's origin, signed its checkpoint; else raise."""
    checkpoint = verify_checkpoint(signed.note, [NoteKey(signed.origin, key)])
    if checkpoint != signed.checkpoint:
        raise SignatureError("the signed checkpoint is not the checkpoint of this head")
    return signed.head
