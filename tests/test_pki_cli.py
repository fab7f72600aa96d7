"""``saylau pki``: a test authority in a folder that the verifier trusts as configured, and
bad input answered with one line, exit code 2 and nothing changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from typer.testing import CliRunner

from saylau.cli import app
from saylau.pki.chain import ANCHORS_ENV, CRLS_ENV, trust_from_paths, trust_from_settings
from saylau.pki.refusal import Rule, SignatureRefused
from saylau.pki.signing import VerifiedSigner, sign, verify_signature

IIN = "900517412346"
SIGNED = dt.datetime(2025, 6, 2, 9, 30, tzinfo=dt.UTC)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["pki", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "nca"
    assert run("init", str(path), "--at", "2025-01-01")[0] == 0
    return path


def files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def citizen_signs(folder: Path, certificate_file: Path) -> VerifiedSigner:
    certificate = x509.load_pem_x509_certificate(certificate_file.read_bytes())
    key_file = certificate_file.with_suffix(".key.pem")
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    issuing = x509.load_pem_x509_certificate((folder / "ca" / "issuing.pem").read_bytes())
    envelope = sign("p-1", "text", SIGNED, key, certificate, [issuing])
    trust = trust_from_paths(folder / "anchors", folder / "crl")
    return verify_signature(envelope, "p-1", "text", trust, SIGNED)


def test_an_issued_citizen_signs_until_revoked(folder: Path) -> None:
    code, out, _ = run(
        "issue",
        str(folder),
        "--iin",
        IIN,
        "--surname",
        "Нурланова",
        "--first-name",
        "Айгерим",
        "--at",
        "2025-01-01",
    )
    assert code == 0
    serial = out.split()[1].rstrip(":")
    [certificate_file] = (folder / "citizens").glob(f"{IIN}-{serial}.pem")
    assert (certificate_file.with_suffix(".key.pem").stat().st_mode & 0o777) == 0o600
    assert run("publish", str(folder), "--at", "2025-06-01")[0] == 0
    signer = citizen_signs(folder, certificate_file)
    assert signer.display_name == "Айгерим Н."
    assert run("revoke", str(folder), serial, "--at", "2025-06-01T12:00")[0] == 0
    with pytest.raises(SignatureRefused) as caught:
        citizen_signs(folder, certificate_file)
    assert caught.value.rule is Rule.REVOKED


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("issue", "--iin", "900517412345", "--surname", "A", "--first-name", "B"), "iin"),
        (("issue", "--iin", IIN, "--surname", " ", "--first-name", "B"), "surname"),
        (("issue", "--iin", IIN, "--surname", "A", "--first-name", "B", "--days", "0"), "days"),
        (("revoke", "abc"), "serial"),
        (("revoke", "xyz"), "serial"),
        (("publish", "--days", "0"), "days"),
        (("publish", "--at", "June"), "at"),
        (("init",), "folder"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    folder: Path, args: tuple[str, ...], field: str
) -> None:
    before = files(folder)
    command, *rest = args
    code, out, err = run(command, str(folder), *rest)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and f"'{field}'" in err
    assert files(folder) == before


def test_a_folder_that_is_no_authority_is_refused(tmp_path: Path) -> None:
    code, _, err = run("publish", str(tmp_path))
    assert code == 2 and "'folder'" in err


def test_the_service_trusts_the_folder_through_its_settings(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ANCHORS_ENV, raising=False)
    with pytest.raises(LookupError, match=ANCHORS_ENV):
        trust_from_settings()
    monkeypatch.setenv(ANCHORS_ENV, str(folder / "anchors"))
    monkeypatch.setenv(CRLS_ENV, str(folder / "crl"))
    trust = trust_from_settings()
    root = x509.load_pem_x509_certificate((folder / "anchors" / "root.pem").read_bytes())
    assert trust.anchors == (root,)
