"""The Merkle log against every published RFC 6962 / RFC 9162 vector, and its properties.

The vectors live in ../shared/standards/merkle beside the repository and are read from there;
each test that needs them skips when the folder is absent. The property tests compare the module
with a direct transcription of the RFC's recursive definitions kept here, so that the iterative
code is checked against the text and not against itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.ledger import (
    EMPTY_ROOT,
    HASH_SIZE,
    Checkpoint,
    EncodingError,
    Frontier,
    LedgerError,
    MerkleLog,
    NoteKey,
    ProofError,
    SignatureError,
    SigningKey,
    TreeHead,
    VerifyingKey,
    consistency_proof,
    consistency_proof_ranges,
    generate_key_pair,
    inclusion_proof,
    inclusion_proof_ranges,
    is_valid_subtree,
    leaf_hash,
    node_hash,
    open_note,
    parse_private_key,
    private_key_text,
    root_from_inclusion_proof,
    root_hash,
    sign_note,
    sign_tree_head,
    subtree_consistency_proof,
    subtree_inclusion_proof,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
    verify_signed_tree_head,
)

STANDARDS = Path(__file__).resolve().parents[2] / "shared" / "standards"
VECTOR_FILE = STANDARDS / "merkle" / "vectors-published.json"
ABSENT = f"{VECTOR_FILE} is absent: the shared standards are not beside the repository"
VECTORS: dict[str, Any] | None = (
    json.loads(VECTOR_FILE.read_text(encoding="utf-8")) if VECTOR_FILE.is_file() else None
)
KNOWN_POLICIES = {None, "allow_empty_first"}


def _params(section: str) -> list[Any]:
    """One pytest param per published entry, or one skipped param when the file is absent."""
    if VECTORS is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=ABSENT), id="absent")]
    return [
        pytest.param(entry, id=f"{i}-{entry.get('source', entry.get('name'))}")
        for i, entry in enumerate(VECTORS[section])
    ]


def _vectors() -> dict[str, Any]:
    if VECTORS is None:
        pytest.skip(ABSENT)
    return VECTORS


def _hashes(hexes: Sequence[str]) -> list[bytes]:
    return [bytes.fromhex(h) for h in hexes]


def _leaf_set(name: str) -> list[bytes]:
    return [leaf_hash(bytes.fromhex(leaf)) for leaf in _vectors()["leaf_sets"][name]["leaves"]]


def _sources(leaves: list[bytes]) -> dict[str, Any]:
    """The three ways a caller can hand over leaf hashes: a list, a reader, a log."""
    return {
        "list": leaves,
        "reader": lambda start, end: leaves[start:end],
        "log": MerkleLog(leaves),
    }


# ---------------------------------------------------------------------------------------------
# The RFC's recursive definitions, transcribed, as an independent oracle


def ref_k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1 over leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = ref_k(len(leaves))
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def ref_path(m: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, as the leaf ranges of its hashes."""
    if hi - lo == 1:
        return []
    k = ref_k(hi - lo)
    if m < k:
        return [*ref_path(m, lo, lo + k), (lo + k, hi)]
    return [*ref_path(m - k, lo + k, hi), (lo, lo + k)]


def ref_subproof(m: int, lo: int, hi: int, b: bool) -> list[tuple[int, int]]:
    """SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1, as leaf ranges."""
    if m == hi - lo:
        return [] if b else [(lo, hi)]
    k = ref_k(hi - lo)
    if m <= k:
        return [*ref_subproof(m, lo, lo + k, b), (lo + k, hi)]
    return [*ref_subproof(m - k, lo + k, hi, False), (lo, lo + k)]


def inclusion_shape(index: int, size: int) -> tuple[str, ...]:
    """Which side each path hash joins on: all the verifier learns from (index, size)."""
    return tuple("L" if hi <= index else "R" for _, hi in ref_path(index, 0, size))


def consistency_shape(size1: int, size2: int) -> tuple[bool, tuple[str, ...]]:
    """Whether root1 is prepended and which hashes fold into the old root too (L) or not (R)."""
    power = size1 & (size1 - 1) == 0
    ranges = ([(0, size1)] if power else []) + ref_subproof(size1, 0, size2, True)
    return power, tuple("L" if hi <= size1 else "R" for _, hi in ranges[1:])


def _flip(value: bytes, position: int, mask: int) -> bytes:
    changed = bytearray(value)
    changed[position] ^= mask
    return bytes(changed)


# ---------------------------------------------------------------------------------------------
# Published vectors


def test_vector_file_has_every_section_the_readme_promises() -> None:
    data = _vectors()
    assert len(data["inclusion"]) == 133
    assert len(data["consistency"]) == 130
    assert {a["name"] for a in data["accumulated"]} == {
        "subtree_hashes",
        "subtree_inclusion_proofs",
        "subtree_consistency_proofs",
    }
    assert {e.get("policy") for e in data["consistency"]} <= KNOWN_POLICIES
    assert set(data["leaf_sets"]) == {"ct8", "cctv16", "py4"}


@pytest.mark.parametrize("entry", _params("hashes"))
def test_published_hasher_vector(entry: dict[str, Any]) -> None:
    kind = entry["kind"]
    if kind == "empty":
        got = EMPTY_ROOT
        assert root_hash([]) == got
    elif kind == "leaf":
        got = leaf_hash(bytes.fromhex(entry["data"]))
    else:
        assert kind == "node"
        got = node_hash(bytes.fromhex(entry["left"]), bytes.fromhex(entry["right"]))
    assert got.hex() == entry["hash"]


@pytest.mark.parametrize("entry", _params("roots"))
def test_published_root(entry: dict[str, Any]) -> None:
    leaves = _leaf_set(entry["leaves"])
    size = entry["tree_size"]
    assert root_hash(leaves[:size]).hex() == entry["root"]
    assert MerkleLog(leaves).root(size).hex() == entry["root"]
    assert ref_mth(leaves[:size]).hex() == entry["root"]
    frontier = Frontier()
    for leaf in leaves[:size]:
        frontier.append(leaf)
    assert frontier.root().hex() == entry["root"]
    if "leaf_hash" in entry:
        assert leaves[size - 1].hex() == entry["leaf_hash"]


@pytest.mark.parametrize("entry", _params("nodes"))
def test_published_node_hash(entry: dict[str, Any]) -> None:
    leaves = _leaf_set(entry["leaves"])
    start, end = entry["start"], entry["end"]
    assert end - start == 1 << entry["level"]
    assert start == entry["index"] << entry["level"]
    assert MerkleLog(leaves).subtree_root(start, end).hex() == entry["hash"]
    assert root_hash(leaves[start:end]).hex() == entry["hash"]


@pytest.mark.parametrize("entry", _params("inclusion"))
def test_published_inclusion_probe(entry: dict[str, Any]) -> None:
    index, size = entry["leaf_index"], entry["tree_size"]
    leaf = bytes.fromhex(entry["leaf_hash"])
    root = bytes.fromhex(entry["root"])
    path = _hashes(entry["path"])
    if "source_valid" in entry:
        assert entry["source_valid"] != entry["valid"]
    if "leaf_data" in entry:
        assert leaf_hash(bytes.fromhex(entry["leaf_data"])) == leaf

    if entry["valid"]:
        verify_inclusion(index, size, leaf, path, root)
        assert root_from_inclusion_proof(index, size, leaf, path) == root
    else:
        with pytest.raises(ProofError):
            verify_inclusion(index, size, leaf, path, root)

    if "tree" in entry:
        assert entry["valid"] is True
        leaves = _leaf_set(entry["tree"])
        assert leaves[index] == leaf
        assert root_hash(leaves[:size]) == root
        for how, source in _sources(leaves).items():
            assert inclusion_proof(index, size, source) == path, how


@pytest.mark.parametrize("entry", _params("consistency"))
def test_published_consistency_probe(entry: dict[str, Any]) -> None:
    size1, size2 = entry["size1"], entry["size2"]
    root1, root2 = bytes.fromhex(entry["root1"]), bytes.fromhex(entry["root2"])
    proof = _hashes(entry["proof"])
    policy = entry.get("policy")
    assert policy in KNOWN_POLICIES
    allow = policy == "allow_empty_first"
    if "source_valid" in entry:
        assert entry["source_valid"] != entry["valid"]

    if entry["valid"]:
        verify_consistency(size1, size2, root1, root2, proof, allow_empty_first=allow)
    else:
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, root1, root2, proof, allow_empty_first=allow)

    if allow:
        # The strict default differs from the policy only for an empty old tree.
        if size1 == 0 or not entry["valid"]:
            with pytest.raises(ProofError):
                verify_consistency(size1, size2, root1, root2, proof)
        else:
            verify_consistency(size1, size2, root1, root2, proof)

    if "tree" in entry:
        assert entry["valid"] is True
        leaves = _leaf_set(entry["tree"])
        assert root_hash(leaves[:size1]) == root1
        assert root_hash(leaves[:size2]) == root2
        for how, source in _sources(leaves).items():
            assert consistency_proof(size1, size2, source) == proof, how


def test_real_ct_log_audit_path() -> None:
    """Leaf 848049 of a 3,630,887-entry CT log: a deep, unbalanced path from a real log."""
    (entry,) = [
        e for e in _vectors()["inclusion"] if e["tree_size"] == 3630887 and e["valid"] is True
    ]
    index, size = entry["leaf_index"], entry["tree_size"]
    assert index == 848049
    leaf = leaf_hash(bytes.fromhex(entry["leaf_data"]))
    assert leaf.hex() == entry["leaf_hash"]
    path = _hashes(entry["path"])
    root = bytes.fromhex(entry["root"])
    assert len(path) == 22 == len(inclusion_proof_ranges(index, size))
    verify_inclusion(index, size, leaf, path, root)
    for other_index in (index - 1, index + 1, index ^ 1, index + (1 << 23)):
        with pytest.raises(ProofError):
            verify_inclusion(other_index, size, leaf, path, root)
    for i in range(len(path)):
        tampered = [*path]
        tampered[i] = _flip(tampered[i], 31, 0x80)
        with pytest.raises(ProofError):
            verify_inclusion(index, size, leaf, tampered, root)
    with pytest.raises(ProofError, match="needs exactly 22"):
        verify_inclusion(index, size, leaf, path[:-1], root)


@pytest.mark.parametrize("entry", _params("accumulated"))
def test_accumulated_digest(entry: dict[str, Any]) -> None:
    """Rebuild the rolling digest over every subtree hash or proof for trees up to 130 leaves."""
    top = entry["max_size"]
    log = MerkleLog(leaf_hash(bytes([i])) for i in range(top))
    digest = hashlib.sha256()

    def hexes(proof: list[bytes]) -> str:
        return "".join(" " + h.hex() for h in proof)

    def subtrees(limit: int) -> list[tuple[int, int]]:
        return [
            (start, end)
            for end in range(limit + 1)
            for start in range(end + 1)
            if is_valid_subtree(start, end)
        ]

    name = entry["name"]
    if name == "subtree_hashes":
        for start, end in subtrees(top):
            subtree = log.subtree_root(start, end)
            if start == 0:
                assert subtree == root_hash(log.leaf_hashes(0, end))
            digest.update(f"[{start}, {end}) {subtree.hex()}\n".encode())
    elif name == "subtree_inclusion_proofs":
        for start, end in subtrees(top):
            for index in range(start, end):
                proof = subtree_inclusion_proof(index, start, end, log)
                if start == 0:
                    assert proof == inclusion_proof(index, end, log)
                digest.update(f"{index} [{start}, {end}){hexes(proof)}\n".encode())
    else:
        assert name == "subtree_consistency_proofs"
        for n in range(top + 1):
            for start, end in subtrees(n):
                proof = subtree_consistency_proof(start, end, n, log)
                if start == 0 and end > 0:
                    assert proof == consistency_proof(end, n, log)
                digest.update(f"[{start}, {end}) {n}{hexes(proof)}\n".encode())
    assert digest.hexdigest() == entry["sha256"]


# ---------------------------------------------------------------------------------------------
# Verifier edge cases spelled out


LEAVES = [leaf_hash(b"record %d" % i) for i in range(16)]
LOG = MerkleLog(LEAVES)


def test_verifier_rejects_wrong_lengths_with_a_reason() -> None:
    path = LOG.inclusion_proof(5, 11)
    root = LOG.root(11)
    verify_inclusion(5, 11, LEAVES[5], path, root)
    with pytest.raises(ProofError, match="leaf hash must be 32 bytes"):
        verify_inclusion(5, 11, LEAVES[5][:31], path, root)
    with pytest.raises(ProofError, match="proof element 1 must be 32 bytes"):
        verify_inclusion(5, 11, LEAVES[5], [path[0], path[1] + b"\x00", *path[2:]], root)
    with pytest.raises(ProofError, match="has 5 hashes"):
        verify_inclusion(5, 11, LEAVES[5], [*path, root], root)
    with pytest.raises(ProofError, match="outside a tree of 11"):
        verify_inclusion(11, 11, LEAVES[5], path, root)
    with pytest.raises(ProofError, match="root must be 32 bytes"):
        verify_inclusion(5, 11, LEAVES[5], path, root[:16])


def test_consistency_policies() -> None:
    root0, root5 = LOG.root(0), LOG.root(5)
    assert root0 == EMPTY_ROOT
    assert LOG.consistency_proof(0, 5) == []
    with pytest.raises(ProofError, match="allow_empty_first"):
        verify_consistency(0, 5, root0, root5, [])
    verify_consistency(0, 5, root0, root5, [], allow_empty_first=True)
    verify_consistency(0, 0, root0, root0, [], allow_empty_first=True)
    with pytest.raises(ProofError, match="must be empty"):
        verify_consistency(0, 5, root0, root5, [root5], allow_empty_first=True)
    with pytest.raises(ProofError, match="SHA-256"):
        verify_consistency(0, 5, root5, root5, [], allow_empty_first=True)
    verify_consistency(5, 5, root5, root5, [])
    with pytest.raises(ProofError, match="must be empty"):
        verify_consistency(5, 5, root5, root5, [root5])
    with pytest.raises(ProofError, match="different roots"):
        verify_consistency(5, 5, root5, root0, [])
    with pytest.raises(ProofError, match="larger"):
        verify_consistency(6, 5, root5, root5, [])
    with pytest.raises(ProofError, match="need exactly"):
        verify_consistency(3, 5, LOG.root(3), root5, [])


def test_tree_size_is_not_authenticated_by_an_inclusion_proof() -> None:
    """A proof for leaf 0 of 5 passes as leaf 0 of 6, 7 or 8: size must come from a signed head."""
    proof = LOG.inclusion_proof(0, 5)
    root5 = LOG.root(5)
    for size in (6, 7, 8):
        assert inclusion_shape(0, size) == inclusion_shape(0, 5)
        verify_inclusion(0, size, LEAVES[0], proof, root5)
    for size in (4, 9):
        assert inclusion_shape(0, size) != inclusion_shape(0, 5)
        with pytest.raises(ProofError):
            verify_inclusion(0, size, LEAVES[0], proof, root5)


def test_generation_reads_only_the_subtrees_it_needs() -> None:
    reads: list[tuple[int, int]] = []

    def reader(start: int, end: int) -> list[bytes]:
        reads.append((start, end))
        return LEAVES[start:end]

    proof = inclusion_proof(6, 13, reader)
    assert reads == inclusion_proof_ranges(6, 13) == ref_path(6, 0, 13)
    assert sum(end - start for start, end in reads) == 12  # every leaf but the proven one
    assert proof == LOG.inclusion_proof(6, 13)
    reads.clear()
    assert consistency_proof(6, 13, reader) == LOG.consistency_proof(6, 13)
    assert reads == consistency_proof_ranges(6, 13) == ref_subproof(6, 0, 13, True)


def test_generation_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="outside"):
        inclusion_proof(4, 4, LEAVES)
    with pytest.raises(ValueError, match="exceeds"):
        inclusion_proof(0, 17, LEAVES)
    with pytest.raises(ValueError, match="size1 <= size2"):
        consistency_proof(5, 4, LEAVES)
    with pytest.raises(ValueError, match="returned 1 hashes"):
        inclusion_proof(0, 4, lambda start, end: LEAVES[:1])
    with pytest.raises(ValueError, match="not a valid subtree"):
        subtree_consistency_proof(1, 3, 4, LEAVES)
    with pytest.raises(ValueError, match="32 bytes"):
        MerkleLog().append_leaf_hash(b"short")
    with pytest.raises(ValueError, match="perfect subtrees"):
        Frontier(3, [LEAVES[0]])
    with pytest.raises(ValueError, match="outside"):
        LOG.inclusion_proof(0, 17)


# ---------------------------------------------------------------------------------------------
# Properties over random trees


def distinct_leaves(salt: bytes, n: int) -> list[bytes]:
    """Distinct leaves, so a proof can only verify where the tree shape really matches."""
    return [leaf_hash(salt + i.to_bytes(4, "big")) for i in range(n)]


@st.composite
def tree_and_index(draw: st.DrawFn) -> tuple[list[bytes], int]:
    n = draw(st.integers(1, 80))
    return distinct_leaves(draw(st.binary(max_size=8)), n), draw(st.integers(0, n - 1))


@st.composite
def tree_and_sizes(draw: st.DrawFn) -> tuple[list[bytes], int, int]:
    n = draw(st.integers(2, 80))
    size1 = draw(st.integers(1, n - 1))
    return distinct_leaves(draw(st.binary(max_size=8)), n), size1, n


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=6), max_size=70), st.integers(0, 70))
def test_incremental_appends_match_batch_roots(records: list[bytes], restart: int) -> None:
    log = MerkleLog()
    frontier = Frontier()
    hashes: list[bytes] = []
    for record in records:
        index = log.append(record)
        assert frontier.append(leaf_hash(record)) == index
        hashes.append(leaf_hash(record))
        assert len(frontier.hashes) == frontier.size.bit_count()
        assert frontier.root() == log.root() == root_hash(hashes) == ref_mth(hashes)
    assert log.frontier().hashes == frontier.hashes
    for size in range(len(hashes) + 1):
        assert log.root(size) == ref_mth(hashes[:size])
    # A frontier persisted at any size and restored carries on to the same roots.
    cut = min(restart, len(hashes))
    saved = Frontier()
    for h in hashes[:cut]:
        saved.append(h)
    restored = Frontier(saved.size, saved.hashes)
    for h in hashes[cut:]:
        restored.append(h)
    assert restored.root() == frontier.root()


@settings(max_examples=150, deadline=None)
@given(tree_and_index(), st.integers(1, 255), st.integers(0, 100), st.integers(1, 100))
def test_inclusion_proofs_verify_and_tampering_fails(
    case: tuple[list[bytes], int], mask: int, other_index: int, other_size: int
) -> None:
    leaves, index = case
    n = len(leaves)
    log = MerkleLog(leaves)
    root = log.root()
    proof = log.inclusion_proof(index)
    assert proof == [ref_mth(leaves[lo:hi]) for lo, hi in ref_path(index, 0, n)]
    assert proof == inclusion_proof(index, n, leaves)
    verify_inclusion(index, n, leaves[index], proof, root)

    for i, element in enumerate(proof):
        for position in range(HASH_SIZE):
            tampered = [*proof]
            tampered[i] = _flip(element, position, mask)
            with pytest.raises(ProofError):
                verify_inclusion(index, n, leaves[index], tampered, root)
    for position in range(HASH_SIZE):
        with pytest.raises(ProofError):
            verify_inclusion(index, n, _flip(leaves[index], position, mask), proof, root)
        with pytest.raises(ProofError):
            verify_inclusion(index, n, leaves[index], proof, _flip(root, position, mask))
    with pytest.raises(ProofError):
        verify_inclusion(index, n, leaves[index], [*proof, root], root)
    if proof:
        with pytest.raises(ProofError):
            verify_inclusion(index, n, leaves[index], proof[:-1], root)

    # Another index in the same tree never verifies.
    for wrong in {other_index % n, (index + 1) % n, index ^ 1} - {index}:
        with pytest.raises(ProofError):
            verify_inclusion(wrong, n, leaves[index], proof, root)
    # Another size verifies exactly when it gives the path the same shape (README note 5).
    for size in {other_size, n + 1, n - 1, 2 * n} - {n}:
        fits = index < size and inclusion_shape(index, size) == inclusion_shape(index, n)
        if fits:
            verify_inclusion(index, size, leaves[index], proof, root)
        else:
            with pytest.raises(ProofError):
                verify_inclusion(index, size, leaves[index], proof, root)


@settings(max_examples=150, deadline=None)
@given(tree_and_sizes(), st.integers(1, 255), st.integers(0, 100), st.integers(0, 100))
def test_consistency_proofs_verify_and_tampering_fails(
    case: tuple[list[bytes], int, int], mask: int, other1: int, other2: int
) -> None:
    leaves, size1, size2 = case
    log = MerkleLog(leaves)
    root1, root2 = log.root(size1), log.root(size2)
    proof = log.consistency_proof(size1)
    assert proof == [ref_mth(leaves[lo:hi]) for lo, hi in ref_subproof(size1, 0, size2, True)]
    assert proof == consistency_proof(size1, size2, leaves)
    verify_consistency(size1, size2, root1, root2, proof)
    verify_consistency(size1, size2, root1, root2, proof, allow_empty_first=True)

    for i, element in enumerate(proof):
        for position in range(HASH_SIZE):
            tampered = [*proof]
            tampered[i] = _flip(element, position, mask)
            with pytest.raises(ProofError):
                verify_consistency(size1, size2, root1, root2, tampered)
    for position in range(HASH_SIZE):
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, _flip(root1, position, mask), root2, proof)
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, root1, _flip(root2, position, mask), proof)
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, root1, root2, [*proof, root2])
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, root1, root2, proof[:-1])
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, root2, root1, proof)

    # Other sizes verify exactly when they give the proof the same shape (README note 5).
    shape = consistency_shape(size1, size2)
    for wrong1, wrong2 in {
        (other1, size2),
        (size1, other2),
        (size1 + 1, size2),
        (size1 - 1, size2),
        (size1, size2 + 1),
        (size1, size2 - 1),
    } - {(size1, size2)}:
        fits = 0 < wrong1 < wrong2 and consistency_shape(wrong1, wrong2) == shape
        if fits:
            verify_consistency(wrong1, wrong2, root1, root2, proof)
        else:
            with pytest.raises(ProofError):
                verify_consistency(wrong1, wrong2, root1, root2, proof)


# ---------------------------------------------------------------------------------------------
# Signed tree heads


LOG_KEY, LOG_PUBLIC = generate_key_pair()
OTHER_KEY, OTHER_PUBLIC = generate_key_pair()


def test_ed25519_matches_rfc8032_test_1() -> None:
    key = SigningKey.from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    assert key.verifying_key.to_hex() == (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    )
    assert key.sign(b"").hex() == (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"
        "224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )


def test_keys_round_trip_through_bytes_and_hex() -> None:
    assert len(LOG_KEY.to_bytes()) == 32
    assert SigningKey.from_bytes(LOG_KEY.to_bytes()).to_bytes() == LOG_KEY.to_bytes()
    assert SigningKey.from_hex(LOG_KEY.to_hex()).verifying_key == LOG_PUBLIC
    assert VerifyingKey.from_bytes(LOG_PUBLIC.to_bytes()) == LOG_PUBLIC
    assert VerifyingKey.from_hex(LOG_PUBLIC.to_hex()) == LOG_PUBLIC
    assert LOG_PUBLIC != OTHER_PUBLIC
    assert LOG_KEY.to_hex() not in repr(LOG_KEY)
    with pytest.raises(EncodingError, match="32 bytes"):
        VerifyingKey.from_bytes(bytes(31))
    with pytest.raises(EncodingError, match="not hex"):
        SigningKey.from_hex("zz")


# C2SP signed notes: the vectors of golang.org/x/mod/sumdb/note (note_test.go) and of the
# signed-note specification (c2sp.org/signed-note, "Example").
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdn"
    "gotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
ENOCH_SIG = (
    "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOT"
    "GwnWLox33WWd1RvMc+QQ=\n"
)


def test_note_signer_matches_go_sumdb_note_vector() -> None:
    name, key = parse_private_key(PETER_SKEY)
    assert name == "PeterNeumann"
    assert private_key_text(name, key) == PETER_SKEY
    assert NoteKey(name, key.verifying_key).vkey() == PETER_VKEY
    assert sign_note(PETER_TEXT, [(name, key)]) == PETER_TEXT + "\n" + PETER_SIG


def test_open_note_follows_go_sumdb_note_vectors() -> None:
    peter, enoch = NoteKey.from_vkey(PETER_VKEY), NoteKey.from_vkey(ENOCH_VKEY)
    both = PETER_TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert open_note(both, [peter]) == (PETER_TEXT, [peter])
    assert open_note(both, [peter, enoch]) == (PETER_TEXT, [peter, enoch])
    with pytest.raises(SignatureError, match="no trusted key"):
        open_note(both, [])
    broken = PETER_TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(SignatureError, match="PeterNeumann\\+c74f20a3"):
        open_note(broken, [peter])
    for bad in (
        PETER_TEXT,
        PETER_TEXT + "\n",
        PETER_TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + PETER_TEXT + "\n" + PETER_SIG,
        PETER_TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Bad Name"),
        PETER_TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        PETER_TEXT + "\n" + PETER_SIG * 101,
    ):
        with pytest.raises(LedgerError):
            open_note(bad, [peter])


def test_vkey_of_the_signed_note_specification_verifies_its_example() -> None:
    key = NoteKey.from_vkey("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
    note = (
        "This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6T"
        "fXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
    )
    assert open_note(note, [key]) == ("This is an example message.\n", [key])


def test_vkeys_with_any_changed_character_are_refused() -> None:
    for i in range(len(PETER_VKEY)):
        changed = PETER_VKEY[:i] + chr(ord(PETER_VKEY[i]) + 1) + PETER_VKEY[i + 1 :]
        with pytest.raises(EncodingError):
            NoteKey.from_vkey(changed)
    with pytest.raises(EncodingError):
        NoteKey.from_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_checkpoint_text_follows_c2sp_tlog_checkpoint() -> None:
    root = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    checkpoint = Checkpoint("example.com/behind-the-sofa", 20852163, root)
    assert checkpoint.text() == (
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )
    assert Checkpoint.parse(checkpoint.text()) == checkpoint
    assert Checkpoint.parse(checkpoint.text() + "extension line\n") == checkpoint
    for bad in ("a\n01\nAA==\n", "a\n1\n", "a\n-1\n" + base64.b64encode(root).decode() + "\n"):
        with pytest.raises(EncodingError):
            Checkpoint.parse(bad)


def test_log_signs_the_head_it_serves() -> None:
    log = MerkleLog(LEAVES[:9])
    head = TreeHead.now(log.size, log.root())
    signed = sign_tree_head(head, "saylau.kz/test", [LOG_KEY])
    assert signed.note.startswith(f"saylau.kz/test\n9\n{base64.b64encode(log.root()).decode()}\n\n")
    trusted = NoteKey("saylau.kz/test", LOG_PUBLIC)
    assert verify_checkpoint(signed.note, [trusted]) == signed.checkpoint
    assert verify_signed_tree_head(signed, LOG_PUBLIC) == head
    verify_inclusion(4, head.size, LEAVES[4], log.inclusion_proof(4), head.root)
    # the same key under another log's name does not vouch for this log
    with pytest.raises(SignatureError):
        verify_checkpoint(signed.note, [NoteKey("saylau.kz/other", LOG_PUBLIC)])
    # a rotation handover: signed by the new and the old key, either one verifies
    both = sign_tree_head(head, "saylau.kz/test", [OTHER_KEY, LOG_KEY])
    assert verify_checkpoint(both.note, [trusted]) == signed.checkpoint
    assert verify_checkpoint(both.note, [NoteKey("saylau.kz/test", OTHER_PUBLIC)])


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, (1 << 64) - 1),
    st.binary(min_size=32, max_size=32),
    st.integers(0, 63),
    st.integers(1, 255),
)
def test_signed_checkpoints_verify_and_tampering_fails(
    size: int, root: bytes, position: int, mask: int
) -> None:
    origin = "saylau.kz/test"
    trusted = [NoteKey(origin, LOG_PUBLIC)]
    signed = sign_tree_head(TreeHead(size, root, 0), origin, [LOG_KEY])
    assert verify_checkpoint(signed.note, trusted) == Checkpoint(origin, size, root)

    forged = [
        Checkpoint(origin, size ^ 1, root),
        Checkpoint(origin, (size + 1) % (1 << 64), root),
        Checkpoint(origin, size, _flip(root, position % 32, mask)),
        Checkpoint("saylau.kz/tesu", size, root),
    ]
    signature_lines = signed.note.split("\n\n", 1)[1]
    for checkpoint in forged:
        with pytest.raises(SignatureError):
            verify_checkpoint(checkpoint.text() + "\n" + signature_lines, trusted)
    raw = base64.b64decode(signature_lines.split()[-1])
    flipped = base64.b64encode(_flip(raw, 4 + position, mask)).decode()
    with pytest.raises(SignatureError):
        verify_checkpoint(signed.note.replace(signature_lines.split()[-1], flipped), trusted)
    with pytest.raises(SignatureError):
        verify_checkpoint(signed.note, [NoteKey(origin, OTHER_PUBLIC)])
    with pytest.raises(SignatureError):
        verify_checkpoint(
            sign_tree_head(TreeHead(size, root, 0), origin, [OTHER_KEY]).note, trusted
        )
