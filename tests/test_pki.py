"""The national PKI as a signing citizen meets it: chains to the configured root on the
signing time, revocation before and after signing, the IIN in the subject, and signatures
bound to one petition's id and text."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
from collections.abc import Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import verification
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saylau.pki import authority
from saylau.pki.authority import Authority, Citizen, Revocation, TestPki
from saylau.pki.chain import Trust, load_anchors, load_crls, trust_from_paths
from saylau.pki.messages import MESSAGES
from saylau.pki.refusal import Rule, SignatureRefused
from saylau.pki.signing import (
    SignedEnvelope,
    VerifiedSigner,
    sign,
    signed_bytes,
    text_sha256,
    verify_signature,
)
from saylau.register.iin import Sex, encode

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
SIGNED = dt.datetime(2025, 6, 2, 9, 30, tzinfo=dt.UTC)
PETITION = "petition-7"
TEXT = "Ауыл мектебіне спорт залын салу.\nПостроить спортзал при сельской школе."
IIN = encode(dt.date(1990, 5, 17), Sex.FEMALE, 1234)
#: Hypothesis over a module's authority: the fixture is the same for every example.
FIXTURED = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def pki() -> TestPki:
    return authority.create_test_pki(START)


@pytest.fixture(scope="module")
def other_pki() -> TestPki:
    """A second authority with the same names but other keys: an impostor."""
    return authority.create_test_pki(START, root_key=authority.bulk_key())


def citizen(
    issuer: Authority,
    iin: str = IIN,
    *,
    not_before: dt.datetime = START,
    not_after: dt.datetime | None = None,
    subject: x509.Name | None = None,
) -> Citizen:
    return authority.issue_citizen(
        issuer,
        subject or authority.citizen_subject(iin, "НУРЛАНОВА", "АЙГЕРИМ", "САКЕНОВНА"),
        not_before,
        not_after=not_after,
        key=authority.bulk_key(),
    )


def trust_of(
    pki: TestPki, revoked: list[Revocation] | None = None, crl_on: dt.datetime = START
) -> Trust:
    return Trust(
        [pki.root.certificate],
        [
            authority.revocation_list(pki.intermediate, revoked or [], crl_on),
            authority.revocation_list(
                pki.root, [], crl_on, next_update=crl_on + dt.timedelta(days=5 * 365)
            ),
        ],
    )


def envelope_of(pki: TestPki, holder: Citizen, on: dt.datetime = SIGNED) -> SignedEnvelope:
    return sign(PETITION, TEXT, on, holder.key, holder.certificate, [pki.intermediate.certificate])


def refused(check: Callable[[], object]) -> SignatureRefused:
    with pytest.raises(SignatureRefused) as caught:
        check()
    return caught.value


def later_crl(pki: TestPki, revoked: list[Revocation] | None = None) -> Trust:
    """A trust whose intermediate's list is current on the signing time."""
    return trust_of(pki, revoked, crl_on=SIGNED - dt.timedelta(days=1))


# --------------------------------------------------------------------------------------------
# A good signature


def test_a_good_signature_names_the_signer_as_the_law_allows(pki: TestPki) -> None:
    holder = citizen(pki.intermediate)
    signer = verify_signature(envelope_of(pki, holder), PETITION, TEXT, later_crl(pki), SIGNED)
    assert signer == VerifiedSigner(
        iin=IIN,
        birth_date=dt.date(1990, 5, 17),
        display_name="Айгерим Н.",
        certificate_serial=f"{holder.certificate.serial_number:x}",
        certificate_not_before=START,
        issuer=pki.intermediate.certificate.subject.rfc4514_string(),
        signed_at=SIGNED,
    )


def test_the_subject_is_written_as_nca_writes_it(pki: TestPki) -> None:
    subject = citizen(pki.intermediate).certificate.subject
    assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "IIN" + IIN
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "НУРЛАНОВА АЙГЕРИМ"
    assert subject.get_attributes_for_oid(NameOID.GIVEN_NAME)[0].value == "САКЕНОВНА"
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "KZ"


def test_the_envelope_survives_json(pki: TestPki) -> None:
    envelope = envelope_of(pki, citizen(pki.intermediate))
    again = SignedEnvelope.from_json(json.loads(json.dumps(envelope.to_json())))
    assert again == envelope
    assert verify_signature(again, PETITION, TEXT, later_crl(pki), SIGNED).iin == IIN


def test_the_signed_bytes_bind_id_text_and_time() -> None:
    digest = text_sha256(TEXT)
    message = signed_bytes(PETITION, digest, "2025-06-02T09:30:00Z")
    assert message == (
        b"saylau-petition-signature/1\npetition:petition-7\n"
        + f"text-sha256:{digest}\n".encode()
        + b"signed-at:2025-06-02T09:30:00Z\n"
    )
    assert refused(lambda: signed_bytes("a\nb", digest, "x")).field == "petition_id"


def test_an_ecdsa_key_signs_too(pki: TestPki) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = authority.issue_citizen(
        pki.intermediate, authority.citizen_subject(IIN, "НУРЛАНОВА", "АЙГЕРИМ"), START, key=None
    ).certificate
    # A certificate for another key: the ECDSA signature must not pass under the RSA key.
    envelope = sign(PETITION, TEXT, SIGNED, key, certificate, [pki.intermediate.certificate])
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, later_crl(pki), SIGNED))
    assert (error.field, error.rule) == ("envelope.algorithm", Rule.ENVELOPE_FORM)


# --------------------------------------------------------------------------------------------
# The chain


def test_a_chain_to_an_unknown_root_is_refused(pki: TestPki, other_pki: TestPki) -> None:
    envelope = envelope_of(other_pki, citizen(other_pki.intermediate))
    trust = Trust([authority.create_test_pki(START, name="Elsewhere CA").root.certificate])
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, trust, SIGNED))
    assert (error.field, error.rule) == ("chain[0]", Rule.UNKNOWN_ROOT)


def test_an_impostor_with_the_same_names_is_refused(pki: TestPki, other_pki: TestPki) -> None:
    # The impostor's intermediate has the real one's name but another key.
    holder = citizen(other_pki.intermediate)
    envelope = envelope_of(other_pki, holder)
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, later_crl(pki), SIGNED))
    assert (error.field, error.rule) == ("chain[0]", Rule.CHAIN_BROKEN)
    # The real intermediate offered with a certificate it never signed: the leaf's link fails.
    forged = sign(
        PETITION, TEXT, SIGNED, holder.key, holder.certificate, [pki.intermediate.certificate]
    )
    error = refused(lambda: verify_signature(forged, PETITION, TEXT, later_crl(pki), SIGNED))
    assert (error.field, error.rule) == ("certificate", Rule.CHAIN_BROKEN)


def test_a_missing_intermediate_is_an_unknown_root(pki: TestPki) -> None:
    holder = citizen(pki.intermediate)
    envelope = sign(PETITION, TEXT, SIGNED, holder.key, holder.certificate)
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, later_crl(pki), SIGNED))
    assert (error.field, error.rule) == ("certificate", Rule.UNKNOWN_ROOT)


def test_a_citizen_cannot_issue_certificates(pki: TestPki) -> None:
    holder = citizen(pki.intermediate)
    as_authority = Authority(holder.certificate, holder.key)
    victim = citizen(as_authority, encode(dt.date(1985, 1, 2), Sex.MALE, 7))
    envelope = sign(
        PETITION,
        TEXT,
        SIGNED,
        victim.key,
        victim.certificate,
        [holder.certificate, pki.intermediate.certificate],
    )
    trust = later_crl(pki)
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, trust, SIGNED))
    assert (error.field, error.rule) == ("chain[0]", Rule.NOT_AUTHORITY)


def test_an_authority_certificate_cannot_sign_a_petition(pki: TestPki) -> None:
    intermediate = pki.intermediate
    subject = authority.citizen_subject(IIN, "НУРЛАНОВА", "АЙГЕРИМ")
    fake = Citizen(intermediate.certificate, intermediate.key)
    assert fake.certificate.subject != subject
    envelope = sign(PETITION, TEXT, SIGNED, fake.key, fake.certificate, [])
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, later_crl(pki), SIGNED))
    assert error.rule in (Rule.NO_IIN, Rule.KEY_USAGE)
    assert (
        refused(lambda: later_crl(pki).validate(fake.certificate, [], SIGNED)).rule
        is Rule.KEY_USAGE
    )


# --------------------------------------------------------------------------------------------
# Validity on the signing time


def test_an_expired_certificate_is_refused_and_one_second_earlier_accepted(pki: TestPki) -> None:
    end = SIGNED - dt.timedelta(seconds=1)
    holder = citizen(pki.intermediate, not_after=end)
    trust = later_crl(pki)
    error = refused(
        lambda: verify_signature(envelope_of(pki, holder), PETITION, TEXT, trust, SIGNED)
    )
    assert (error.field, error.rule) == ("certificate", Rule.EXPIRED)
    assert error.values["required"] == end
    earlier = envelope_of(pki, holder, end)
    assert verify_signature(earlier, PETITION, TEXT, trust, end).iin == IIN


def test_a_certificate_not_yet_valid_is_refused(pki: TestPki) -> None:
    holder = citizen(pki.intermediate, not_before=SIGNED + dt.timedelta(seconds=1))
    error = refused(
        lambda: verify_signature(envelope_of(pki, holder), PETITION, TEXT, later_crl(pki), SIGNED)
    )
    assert (error.field, error.rule) == ("certificate", Rule.NOT_YET_VALID)


def test_an_expired_intermediate_is_refused(pki: TestPki) -> None:
    late = SIGNED.replace(year=2036)
    holder = citizen(pki.intermediate, not_before=late - dt.timedelta(days=30))
    trust = trust_of(pki, crl_on=late - dt.timedelta(days=1))
    envelope = envelope_of(pki, holder, late)
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, trust, late))
    assert (error.field, error.rule) == ("chain[0]", Rule.EXPIRED)


# --------------------------------------------------------------------------------------------
# Revocation


def test_revoked_before_signing_is_refused_after_signing_still_counts(pki: TestPki) -> None:
    before, at, after = (citizen(pki.intermediate) for _ in range(3))
    trust = later_crl(
        pki,
        [
            Revocation(before.certificate.serial_number, SIGNED - dt.timedelta(hours=1)),
            Revocation(at.certificate.serial_number, SIGNED),
            Revocation(after.certificate.serial_number, SIGNED + dt.timedelta(seconds=1)),
        ],
    )
    for holder in (before, at):
        envelope = envelope_of(pki, holder)
        with pytest.raises(SignatureRefused) as caught:
            verify_signature(envelope, PETITION, TEXT, trust, SIGNED)
        assert (caught.value.field, caught.value.rule) == ("certificate", Rule.REVOKED)
    assert verify_signature(envelope_of(pki, after), PETITION, TEXT, trust, SIGNED).iin == IIN


def test_a_revoked_intermediate_is_refused(pki: TestPki) -> None:
    revoked_intermediate = authority.revocation_list(
        pki.root,
        [Revocation(pki.intermediate.certificate.serial_number, START)],
        SIGNED - dt.timedelta(days=1),
    )
    trust = later_crl(pki)
    trust.add_crl(revoked_intermediate)
    envelope = envelope_of(pki, citizen(pki.intermediate))
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, trust, SIGNED))
    assert (error.field, error.rule) == ("chain[0]", Rule.REVOKED)


def test_without_a_current_revocation_list_nothing_is_accepted(pki: TestPki) -> None:
    envelope = envelope_of(pki, citizen(pki.intermediate))
    no_list = Trust([pki.root.certificate])
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, no_list, SIGNED))
    assert (error.field, error.rule) == ("certificate", Rule.REVOCATION_UNKNOWN)
    stale = trust_of(pki)  # published on START, next update a week later
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, stale, SIGNED))
    assert (error.field, error.rule) == ("certificate", Rule.REVOCATION_STALE)
    lenient = Trust([pki.root.certificate], require_revocation=False)
    assert verify_signature(envelope, PETITION, TEXT, lenient, SIGNED).iin == IIN


def test_a_revocation_list_not_signed_by_its_issuer_is_refused(
    pki: TestPki, other_pki: TestPki
) -> None:
    holder = citizen(pki.intermediate)
    envelope = envelope_of(pki, holder)
    # A newer list of the same name that clears nothing: ignored, the genuine one counts.
    revoked = [Revocation(holder.certificate.serial_number, START)]
    trust = later_crl(pki, revoked)
    trust.add_crl(authority.revocation_list(other_pki.intermediate, [], SIGNED))
    assert refused(lambda: verify_signature(envelope, PETITION, TEXT, trust, SIGNED)).rule is (
        Rule.REVOKED
    )
    # Only a forged list: the issuer's revocations are unknown.
    forged_only = Trust(
        [pki.root.certificate],
        [
            authority.revocation_list(other_pki.intermediate, [], SIGNED),
            authority.revocation_list(pki.root, [], SIGNED),
        ],
    )
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, forged_only, SIGNED))
    assert (error.field, error.rule) == ("certificate", Rule.REVOCATION_UNKNOWN)


def test_two_keys_of_one_authority_name_each_verify_their_citizens(pki: TestPki) -> None:
    """A key rollover: a second issuing certificate of the same name under the same root."""
    rolled = authority.create_test_pki(START, root_key=pki.root.key)
    old_citizen, new_citizen = citizen(pki.intermediate), citizen(rolled.intermediate)
    chain = [pki.intermediate.certificate, rolled.intermediate.certificate]
    on = SIGNED - dt.timedelta(days=1)
    trust = later_crl(pki)
    trust.add_crl(authority.revocation_list(rolled.intermediate, [], on))
    for holder in (old_citizen, new_citizen, old_citizen):
        envelope = sign(PETITION, TEXT, SIGNED, holder.key, holder.certificate, chain)
        signer = verify_signature(envelope, PETITION, TEXT, trust, SIGNED)
        assert signer.certificate_serial == f"{holder.certificate.serial_number:x}"
    revoked = [Revocation(new_citizen.certificate.serial_number, on)]
    trust.add_crl(authority.revocation_list(rolled.intermediate, revoked, on, number=2))
    envelope = sign(PETITION, TEXT, SIGNED, new_citizen.key, new_citizen.certificate, chain)
    assert refused(lambda: verify_signature(envelope, PETITION, TEXT, trust, SIGNED)).rule is (
        Rule.REVOKED
    )


def test_a_newer_list_replaces_an_older_one(pki: TestPki) -> None:
    holder = citizen(pki.intermediate)
    trust = later_crl(pki)
    envelope = envelope_of(pki, holder)
    assert verify_signature(envelope, PETITION, TEXT, trust, SIGNED).iin == IIN
    revoked = [Revocation(holder.certificate.serial_number, SIGNED - dt.timedelta(minutes=5))]
    trust.add_crl(authority.revocation_list(pki.intermediate, revoked, SIGNED, number=2))
    trust.add_crl(authority.revocation_list(pki.intermediate, [], START))  # older: ignored
    assert refused(lambda: verify_signature(envelope, PETITION, TEXT, trust, SIGNED)).rule is (
        Rule.REVOKED
    )


# --------------------------------------------------------------------------------------------
# What was signed


def test_a_changed_text_is_refused(pki: TestPki) -> None:
    envelope = envelope_of(pki, citizen(pki.intermediate))
    trust = later_crl(pki)
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT + " ", trust, SIGNED))
    assert (error.field, error.rule) == ("envelope.text_sha256", Rule.TEXT_CHANGED)
    # Claiming the new text's digest does not help: the signature covers the old one.
    claimed = dataclasses.replace(envelope, text_sha256=text_sha256(TEXT + " "))
    error = refused(lambda: verify_signature(claimed, PETITION, TEXT + " ", trust, SIGNED))
    assert (error.field, error.rule) == ("envelope.signature", Rule.SIGNATURE_INVALID)


def test_another_petition_is_refused(pki: TestPki) -> None:
    envelope = envelope_of(pki, citizen(pki.intermediate))
    trust = later_crl(pki)
    error = refused(lambda: verify_signature(envelope, "petition-8", TEXT, trust, SIGNED))
    assert (error.field, error.rule) == ("envelope.petition_id", Rule.WRONG_PETITION)
    moved = dataclasses.replace(envelope, petition_id="petition-8")
    error = refused(lambda: verify_signature(moved, "petition-8", TEXT, trust, SIGNED))
    assert (error.field, error.rule) == ("envelope.signature", Rule.SIGNATURE_INVALID)


def test_the_signing_time_must_be_near_the_time_of_receipt(pki: TestPki) -> None:
    holder = citizen(pki.intermediate)
    trust = later_crl(pki)
    old = envelope_of(pki, holder, SIGNED - dt.timedelta(minutes=11))
    error = refused(lambda: verify_signature(old, PETITION, TEXT, trust, SIGNED))
    assert (error.field, error.rule) == ("envelope.signed_at", Rule.SIGNING_TIME)
    ahead = envelope_of(pki, holder, SIGNED + dt.timedelta(minutes=3))
    assert refused(lambda: verify_signature(ahead, PETITION, TEXT, trust, SIGNED)).rule is (
        Rule.SIGNING_TIME
    )
    recent = envelope_of(pki, holder, SIGNED - dt.timedelta(minutes=9))
    assert verify_signature(recent, PETITION, TEXT, trust, SIGNED).signed_at < SIGNED
    backdated = dataclasses.replace(recent, signed_at="2025-06-02T09:25:00Z")
    assert refused(lambda: verify_signature(backdated, PETITION, TEXT, trust, SIGNED)).rule is (
        Rule.SIGNATURE_INVALID
    )


# --------------------------------------------------------------------------------------------
# The subject


def test_a_subject_without_an_iin_is_refused(pki: TestPki) -> None:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "НУРЛАНОВА АЙГЕРИМ"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        ]
    )
    envelope = envelope_of(pki, citizen(pki.intermediate, subject=subject))
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, later_crl(pki), SIGNED))
    assert (error.field, error.rule) == ("certificate.subject.serialNumber", Rule.NO_IIN)


def test_an_invalid_iin_is_refused(pki: TestPki) -> None:
    wrong = IIN[:11] + str((int(IIN[11]) + 1) % 10)
    envelope = envelope_of(pki, citizen(pki.intermediate, wrong))
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, later_crl(pki), SIGNED))
    assert (error.field, error.rule) == ("certificate.subject.serialNumber", Rule.IIN_INVALID)
    assert "check digit" in str(error)


def test_a_subject_without_a_name_is_refused(pki: TestPki) -> None:
    subject = x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, "IIN" + IIN)])
    envelope = envelope_of(pki, citizen(pki.intermediate, subject=subject))
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, later_crl(pki), SIGNED))
    assert (error.field, error.rule) == ("certificate.subject.CN", Rule.NO_NAME)


# --------------------------------------------------------------------------------------------
# Properties


@settings(FIXTURED, max_examples=40)
@given(position=st.integers(min_value=0), bit=st.integers(min_value=0, max_value=7))
def test_any_flipped_bit_of_the_signature_is_refused(pki: TestPki, position: int, bit: int) -> None:
    envelope = envelope_of(pki, citizen(pki.intermediate))
    raw = bytearray(base64.b64decode(envelope.signature))
    raw[position % len(raw)] ^= 1 << bit
    tampered = dataclasses.replace(envelope, signature=base64.b64encode(bytes(raw)).decode())
    error = refused(lambda: verify_signature(tampered, PETITION, TEXT, later_crl(pki), SIGNED))
    assert error.rule is Rule.SIGNATURE_INVALID


@settings(FIXTURED, max_examples=40)
@given(text=st.text(max_size=200))
def test_only_the_signed_text_verifies(pki: TestPki, text: str) -> None:
    envelope = envelope_of(pki, citizen(pki.intermediate))
    if text == TEXT:
        assert verify_signature(envelope, PETITION, text, later_crl(pki), SIGNED).iin == IIN
    else:
        assert (
            refused(lambda: verify_signature(envelope, PETITION, text, later_crl(pki), SIGNED)).rule
            is Rule.TEXT_CHANGED
        )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=9)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(value=json_values)
def test_any_json_is_an_envelope_or_a_refusal_naming_its_field(value: object) -> None:
    try:
        SignedEnvelope.from_json(value)
    except SignatureRefused as error:
        assert error.field.startswith("envelope")
        assert error.rule is Rule.ENVELOPE_FORM


@settings(FIXTURED, max_examples=60)
@given(field=st.sampled_from(["signature", "certificate"]), junk=st.text(max_size=40))
def test_junk_in_the_envelope_is_refused_by_field(pki: TestPki, field: str, junk: str) -> None:
    envelope = envelope_of(pki, citizen(pki.intermediate))
    tampered = (
        dataclasses.replace(envelope, signature=junk)
        if field == "signature"
        else dataclasses.replace(envelope, certificate=junk)
    )
    error = refused(lambda: verify_signature(tampered, PETITION, TEXT, later_crl(pki), SIGNED))
    assert error.field.startswith("envelope.")
    assert error.rule in (Rule.ENVELOPE_FORM, Rule.SIGNATURE_INVALID)


@pytest.fixture(scope="module")
def chains(
    pki: TestPki, other_pki: TestPki
) -> dict[str, tuple[x509.Certificate, list[x509.Certificate]]]:
    """A good chain and broken ones: the leaf and the intermediates it offers."""
    good = citizen(pki.intermediate, not_after=START + dt.timedelta(days=400))
    impostor = citizen(other_pki.intermediate)
    as_authority = Authority(good.certificate, good.key)
    victim = citizen(as_authority, encode(dt.date(1985, 1, 2), Sex.MALE, 7))
    return {
        "good": (good.certificate, [pki.intermediate.certificate]),
        "impostor": (impostor.certificate, [other_pki.intermediate.certificate]),
        "missing": (good.certificate, []),
        "citizen issues": (victim.certificate, [good.certificate, pki.intermediate.certificate]),
    }


@settings(FIXTURED, max_examples=80)
@given(
    name=st.sampled_from(["good", "impostor", "missing", "citizen issues"]),
    seconds=st.integers(min_value=-400 * 86400, max_value=12 * 365 * 86400),
)
def test_the_chain_verdict_agrees_with_cryptography_s_own_verifier(
    pki: TestPki,
    chains: dict[str, tuple[x509.Certificate, list[x509.Certificate]]],
    name: str,
    seconds: int,
) -> None:
    """On every chain and signing time, the explicit checks accept exactly what the
    library's RFC 5280 verifier accepts (its end-entity policy relaxed to any extended key
    usage, since NCA signing certificates are not for client authentication)."""
    leaf, intermediates = chains[name]
    on = START + dt.timedelta(seconds=seconds)
    trust = Trust([pki.root.certificate], require_revocation=False)
    try:
        trust.validate(leaf, intermediates, on)
        ours = True
    except SignatureRefused:
        ours = False
    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store([pki.root.certificate]))
        .time(on)
        .extension_policies(
            ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
            ee_policy=verification.ExtensionPolicy.permit_all(),
        )
        .build_client_verifier()
    )
    try:
        verifier.verify(leaf, intermediates)
        theirs = True
    except verification.VerificationError:
        theirs = False
    assert ours == theirs
    assert ours == (name == "good" and START <= on <= leaf.not_valid_after_utc)


def test_bulk_citizens_have_distinct_valid_iins_and_verify(pki: TestPki) -> None:
    iins = authority.distinct_iins(30, dt.date(2000, 2, 28))
    assert len(set(iins)) == 30
    trust = later_crl(pki)
    for holder in authority.bulk_citizens(pki.intermediate, iins, START):
        signer = verify_signature(envelope_of(pki, holder), PETITION, TEXT, trust, SIGNED)
        assert signer.iin in iins and signer.birth_date >= dt.date(2000, 2, 28)


def test_every_rule_has_a_message() -> None:
    assert {rule.value for rule in Rule} == set(MESSAGES)


# --------------------------------------------------------------------------------------------
# Configuration


def test_anchors_and_lists_load_from_files(pki: TestPki, tmp_path: pytest.TempPathFactory) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    anchors = tmp_path / "anchors"  # type: ignore[operator]
    anchors.mkdir()
    (anchors / "root.pem").write_bytes(pki.root.certificate.public_bytes(Encoding.PEM))
    (anchors / "notes.txt").write_text("not a certificate")
    crls = tmp_path / "crl"  # type: ignore[operator]
    crls.mkdir()
    on = SIGNED - dt.timedelta(days=1)
    (crls / "intermediate.crl").write_bytes(
        authority.revocation_list(pki.intermediate, [], on).public_bytes(Encoding.DER)
    )
    (crls / "root.crl").write_bytes(
        authority.revocation_list(pki.root, [], on).public_bytes(Encoding.PEM)
    )
    assert load_anchors(anchors) == [pki.root.certificate]
    assert len(load_crls(crls)) == 2
    trust = trust_from_paths(anchors, crls)
    envelope = envelope_of(pki, citizen(pki.intermediate))
    assert verify_signature(envelope, PETITION, TEXT, trust, SIGNED).iin == IIN


# --------------------------------------------------------------------------------------------
# The signing key, not the login key; complete revocation lists only


def test_a_login_certificate_cannot_sign_a_petition(pki: TestPki) -> None:
    """NCA gives a citizen a login key (digitalSignature, clientAuth) beside the signing key
    (nonRepudiation): a petition's signature stands for a handwritten one, so only the
    signing key counts."""
    key = authority.bulk_key()
    login = (
        x509.CertificateBuilder()
        .subject_name(authority.citizen_subject(IIN, "НУРЛАНОВА", "АЙГЕРИМ"))
        .issuer_name(pki.intermediate.name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(START)
        .not_valid_after(START + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.intermediate.key.public_key()),
            critical=False,
        )
        .sign(pki.intermediate.key, hashes.SHA256())
    )
    envelope = sign(PETITION, TEXT, SIGNED, key, login, [pki.intermediate.certificate])
    error = refused(lambda: verify_signature(envelope, PETITION, TEXT, later_crl(pki), SIGNED))
    assert (error.field, error.rule) == ("certificate", Rule.KEY_USAGE)
    holder = citizen(pki.intermediate)
    assert verify_signature(envelope_of(pki, holder), PETITION, TEXT, later_crl(pki), SIGNED)


def test_a_delta_revocation_list_is_not_taken_for_the_whole(pki: TestPki) -> None:
    """A delta lists only what was revoked since its base: taken as the issuer's newest list
    it would let a certificate revoked in the base count again."""
    delta = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.intermediate.name)
        .last_update(SIGNED - dt.timedelta(hours=1))
        .next_update(SIGNED + dt.timedelta(days=1))
        .add_extension(x509.CRLNumber(2), critical=False)
        .add_extension(x509.DeltaCRLIndicator(1), critical=True)
        .sign(pki.intermediate.key, hashes.SHA256())
    )
    trust = later_crl(pki)
    with pytest.raises(ValueError, match="delta or a partition"):
        trust.add_crl(delta)
