"""Each petition's signatures in an append-only log of salted commitments: receipts a signer
can check with their IIN, counts anyone can check, withdrawals that only add leaves."""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau import ledger
from saylau.ledger import NoteKey, SigningKey
from saylau.petitions.receipts import (
    SALT_SIZE,
    Count,
    EntryKind,
    LogEntry,
    PetitionLog,
    Receipt,
    ReceiptError,
    b64_leaf,
    check_count,
    check_growth,
    check_receipt,
    commitment,
    count_entries,
    entry_from_b64,
    signature_entry,
)

PETITION = "petition-7"
IINS = ("900517412346", "851231300125", "020304500017", "770101400035")
KEY = SigningKey.from_bytes(bytes(range(32)))


def log_key(petition: str = PETITION) -> NoteKey:
    return NoteKey(PetitionLog(petition).origin, KEY.verifying_key)


def test_a_signer_checks_the_receipt_with_their_iin_and_nobody_else_can() -> None:
    log = PetitionLog(PETITION)
    index, salt = log.sign(IINS[0])
    log.sign(IINS[1])
    receipt = log.receipt(index, salt, log.head(KEY, timestamp=1))
    checkpoint = check_receipt(receipt, IINS[0], log_key())
    assert (checkpoint.size, checkpoint.origin) == (2, "saylau.kz/petitions/petition-7")
    with pytest.raises(ReceiptError) as caught:
        check_receipt(receipt, IINS[1], log_key())
    assert caught.value.field == "receipt.inclusion_proof"


def test_the_public_leaf_carries_no_iin() -> None:
    log = PetitionLog(PETITION)
    _, salt = log.sign(IINS[0])
    leaf = log.entries[0].leaf()
    assert IINS[0].encode() not in leaf and len(leaf) == 33
    # Without the salt, trying every IIN does not find the leaf: the salt is what hides it.
    other_salt = bytes(SALT_SIZE)
    assert signature_entry(PETITION, IINS[0], other_salt).leaf() != leaf
    assert signature_entry(PETITION, IINS[0], salt).leaf() == leaf


def test_a_receipt_survives_json_and_refuses_tampering() -> None:
    log = PetitionLog(PETITION)
    for iin in IINS:
        log.sign(iin)
    index, salt = log.sign(IINS[0])  # the same citizen's second leaf: its own salt
    receipt = log.receipt(index, salt, log.head(KEY, timestamp=5))
    again = Receipt.from_json(json.loads(json.dumps(receipt.to_json())))
    assert again == receipt
    assert check_receipt(again, IINS[0], log_key()).size == 5
    moved = dataclasses.replace(receipt, leaf_index=0)
    with pytest.raises(ReceiptError):
        check_receipt(moved, IINS[0], log_key())
    smaller = dataclasses.replace(receipt, tree_size=4)
    with pytest.raises(ReceiptError) as caught:
        check_receipt(smaller, IINS[0], log_key())
    assert caught.value.field == "receipt.tree_size"
    posing = dataclasses.replace(receipt, withdraws=0)
    with pytest.raises(ReceiptError) as caught:
        check_receipt(posing, IINS[0], log_key())
    assert caught.value.field == "receipt.withdraws"
    other_salt = dataclasses.replace(receipt, salt=bytes(SALT_SIZE))
    with pytest.raises(ReceiptError):
        check_receipt(other_salt, IINS[0], log_key())


def test_a_head_the_log_did_not_sign_or_of_another_petition_is_refused() -> None:
    log = PetitionLog(PETITION)
    index, salt = log.sign(IINS[0])
    forged = log.receipt(index, salt, log.head(SigningKey.generate(), timestamp=1))
    with pytest.raises(ReceiptError) as caught:
        check_receipt(forged, IINS[0], log_key())
    assert caught.value.field == "receipt.signed_head"
    # The same key signs every petition's log; a head of petition-8 does not pass for 7.
    other = PetitionLog("petition-8")
    other.append(signature_entry(PETITION, IINS[0], salt))
    misplaced = other.receipt(0, salt, other.head(KEY, timestamp=1))
    misplaced = dataclasses.replace(misplaced, petition_id=PETITION)
    with pytest.raises(ReceiptError) as caught:
        check_receipt(misplaced, IINS[0], log_key("petition-8"))
    assert "not of petition" in str(caught.value)


def test_the_published_count_is_the_log_s() -> None:
    log = PetitionLog(PETITION)
    for iin in IINS:
        log.sign(iin)
    head = log.head(KEY, timestamp=1).note
    assert check_count(head, PETITION, log.entries, 4, log_key()) == Count(4, 0)
    with pytest.raises(ReceiptError) as caught:
        check_count(head, PETITION, log.entries, 5, log_key())
    assert caught.value.field == "published"
    with pytest.raises(ReceiptError) as caught:
        check_count(head, PETITION, log.entries[:3], 3, log_key())
    assert caught.value.field == "entries"
    swapped = (log.entries[1], log.entries[0], *log.entries[2:])
    with pytest.raises(ReceiptError) as caught:
        check_count(head, PETITION, swapped, 4, log_key())
    assert "root" in str(caught.value)


def test_a_withdrawal_is_a_new_leaf_and_the_count_is_signatures_less_withdrawals() -> None:
    log = PetitionLog(PETITION)
    first, _ = log.sign(IINS[0])
    log.sign(IINS[1])
    before = log.head(KEY, timestamp=1)
    index, salt = log.withdraw(IINS[0], first)
    after = log.head(KEY, timestamp=2)
    assert log.size == 3 and log.count == Count(signatures=2, withdrawals=1)
    assert log.count.standing == 1
    assert check_count(after.note, PETITION, log.entries, 1, log_key()).standing == 1
    receipt = log.receipt(index, salt, after)
    assert receipt.kind is EntryKind.WITHDRAWAL and receipt.withdraws == first
    assert check_receipt(receipt, IINS[0], log_key()).size == 3
    proof = log.consistency_proof(before.head.size, after.head.size)
    assert check_growth(before.note, after.note, proof, log_key())[1].size == 3
    with pytest.raises(ReceiptError):
        log.withdraw(IINS[0], first)  # already withdrawn
    with pytest.raises(ReceiptError):
        log.withdraw(IINS[0], index)  # a withdrawal is not a signature
    assert log.size == 3


def test_a_log_with_a_baseless_withdrawal_is_refused() -> None:
    signature = signature_entry(PETITION, IINS[0], bytes(SALT_SIZE))
    withdrawal = LogEntry(EntryKind.WITHDRAWAL, bytes(32), withdraws=0)
    assert count_entries([signature, withdrawal]) == Count(1, 1)
    with pytest.raises(ReceiptError) as caught:
        count_entries([withdrawal, signature])
    assert caught.value.field == "entries[0]"
    with pytest.raises(ReceiptError):
        count_entries([signature, withdrawal, withdrawal])


def test_growth_refuses_a_log_that_changed_or_shrank() -> None:
    log = PetitionLog(PETITION)
    log.sign(IINS[0])
    log.sign(IINS[1])
    earlier = log.head(KEY, timestamp=1)
    log.sign(IINS[2])
    later = log.head(KEY, timestamp=2)
    proof = log.consistency_proof(2, 3)
    check_growth(earlier.note, later.note, proof, log_key())
    with pytest.raises(ReceiptError):
        check_growth(later.note, earlier.note, proof, log_key())
    rewritten = PetitionLog(PETITION)
    rewritten.sign(IINS[3])
    rewritten.sign(IINS[1])
    rewritten.sign(IINS[2])
    with pytest.raises(ReceiptError) as caught:
        check_growth(
            earlier.note, rewritten.head(KEY, 3).note, rewritten.consistency_proof(2), log_key()
        )
    assert caught.value.field == "proof"


def test_leaves_round_trip_the_open_data() -> None:
    entry = LogEntry(EntryKind.WITHDRAWAL, bytes(range(32)), withdraws=7)
    assert entry_from_b64(b64_leaf(entry)) == entry
    for bad in ("", "AA==", "!!!", base64_of(b"\x01" + bytes(31))):
        with pytest.raises(ReceiptError):
            entry_from_b64(bad)
    with pytest.raises(ReceiptError):
        LogEntry(EntryKind.SIGNATURE, bytes(32), withdraws=1)


def base64_of(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_commitments_are_bound_to_kind_petition_salt_and_iin() -> None:
    salt = bytes(range(SALT_SIZE))
    base = commitment(EntryKind.SIGNATURE, PETITION, IINS[0], salt)
    assert base != commitment(EntryKind.WITHDRAWAL, PETITION, IINS[0], salt)
    assert base != commitment(EntryKind.SIGNATURE, "petition-8", IINS[0], salt)
    assert base != commitment(EntryKind.SIGNATURE, PETITION, IINS[1], salt)
    assert base != commitment(EntryKind.SIGNATURE, PETITION, IINS[0], bytes(SALT_SIZE))
    for bad_iin in ("12345", "90051741234a"):
        with pytest.raises(ReceiptError):
            commitment(EntryKind.SIGNATURE, PETITION, bad_iin, salt)


@st.composite
def operations(draw: st.DrawFn) -> list[tuple[str, int]]:
    """Random signings (by one of the IINs) and withdrawals (of the n-th standing one)."""
    return draw(
        st.lists(
            st.tuples(st.sampled_from(["sign", "withdraw"]), st.integers(0, 1000)),
            min_size=1,
            max_size=40,
        )
    )


@settings(max_examples=60, deadline=None)
@given(steps=operations(), check_every=st.integers(1, 5))
def test_every_receipt_checks_and_every_head_extends_the_last(
    steps: list[tuple[str, int]], check_every: int
) -> None:
    log = PetitionLog(PETITION)
    key = log_key()
    standing: list[tuple[int, str]] = []  # (leaf index, IIN) of signatures not withdrawn
    issued: list[tuple[int, bytes, str]] = []
    signatures = withdrawals = 0
    previous = log.head(KEY, timestamp=0)
    for number, (action, pick) in enumerate(steps):
        if action == "withdraw" and standing:
            index, iin = standing.pop(pick % len(standing))
            leaf, salt = log.withdraw(iin, index)
            withdrawals += 1
        else:
            iin = IINS[pick % len(IINS)]
            leaf, salt = log.sign(iin)
            standing.append((leaf, iin))
            signatures += 1
        issued.append((leaf, salt, iin))
        if number % check_every:
            continue
        head = log.head(KEY, timestamp=number + 1)
        proof = log.consistency_proof(previous.head.size)
        check_growth(previous.note, head.note, proof, key)
        previous = head
        assert check_count(head.note, PETITION, log.entries, len(standing), key) == Count(
            signatures, withdrawals
        )
        for leaf, salt, iin in issued:
            receipt = log.receipt(leaf, salt, head)
            assert check_receipt(Receipt.from_json(receipt.to_json()), iin, key).size == log.size
    assert log.count.standing == len(standing) == signatures - withdrawals
    assert log.size == signatures + withdrawals == len(steps)


@settings(max_examples=100, deadline=None)
@given(
    value=st.dictionaries(
        st.sampled_from(["petition_id", "kind", "leaf_index", "salt", "withdraws", "x"]),
        st.none() | st.integers() | st.text(max_size=70) | st.lists(st.text(max_size=64)),
    )
)
def test_any_json_is_a_receipt_or_a_refusal_naming_its_field(value: dict[str, object]) -> None:
    try:
        Receipt.from_json(value)
    except ReceiptError as error:
        assert error.field.startswith("receipt")


def test_the_ledger_s_leaf_hash_is_used() -> None:
    entry = signature_entry(PETITION, IINS[0], bytes(SALT_SIZE))
    assert entry.leaf_hash() == ledger.leaf_hash(entry.leaf())
