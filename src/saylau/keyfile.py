"""The log's signing key in a file that only the service can read, never in the database.

The file holds one line in the form Go's ``golang.org/x/mod/sumdb/note`` writes
(``PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>``). It is created with mode 0600, and
a file that its group or others may read is refused: a key anyone else could have copied
must not sign an election. Every worker over one database reads the same file, so they all
sign with the same key; a hardware module or KMS can take its place by implementing
:class:`saylau.ledger.Signer`.

Where the file is: ``SAYLAU_SIGNING_KEY``, else ``ledger-signing.key`` beside a SQLite
database, else ``var/ledger-signing.key``. Only the default place is created on first use
(so ``./run demo`` needs no step); a path that was configured must already hold a key.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from saylau import ledger

ENV = "SAYLAU_SIGNING_KEY"
COSIGNING_ENV = "SAYLAU_COSIGNING_KEYS"
DEFAULT_NAME = "ledger-signing.key"
KEY_NAME = "saylau.kz"
"""The name inside the key file; heads are signed under the log's origin as key name."""


class KeyFileError(Exception):
    """The key file is missing, unreadable, too open or not a key; the message says which."""


def default_path(database_url: str | None) -> Path:
    """Beside a SQLite database file, else under ``var/`` of the working directory."""
    if database_url:
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(str(url.database)).resolve().parent / DEFAULT_NAME
    return Path("var") / DEFAULT_NAME


def configured_path(database_url: str | None, option: str | Path | None = None) -> Path:
    """The key file to use and whether it was chosen (option or environment) or defaulted."""
    chosen = option or os.environ.get(ENV)
    return Path(chosen) if chosen else default_path(database_url)


def is_configured(option: str | Path | None = None) -> bool:
    return bool(option or os.environ.get(ENV))


def generate(path: Path, name: str = KEY_NAME) -> ledger.SigningKey:
    """Write a new key to ``path`` (mode 0600); refuse if a file is already there.

    The key is written to a private temporary file and linked into place, so two processes
    racing to create it end with one complete key that both then read.
    """
    key = ledger.SigningKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ledger.private_key_text(name, key) + "\n"
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise KeyFileError(f"{path} already exists; a key is never overwritten") from None
    finally:
        os.unlink(temporary)
    return key


def replace(path: Path, name: str = KEY_NAME) -> ledger.SigningKey:
    """Write a new key over ``path`` atomically (rotation); the old file is renamed aside."""
    key = ledger.SigningKey.generate()
    text = ledger.private_key_text(name, key) + "\n"
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    return key


def load(path: Path) -> ledger.SigningKey:
    """Read the key, refusing a file that its group or others can read or write."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeyFileError(
            f"no signing key at {path}; create one with 'saylau ledger key generate'"
        ) from None
    if not stat.S_ISREG(mode):
        raise KeyFileError(f"{path} is not a regular file")
    if mode & 0o077:
        raise KeyFileError(
            f"{path} has mode {stat.S_IMODE(mode):04o}: a signing key must be readable only "
            f"by the service (chmod 600 {path})"
        )
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"cannot read the signing key {path}: {exc}") from None
    try:
        return ledger.parse_private_key(text)[1]
    except ledger.EncodingError as exc:
        raise KeyFileError(f"{path} is not a signing key: {exc}") from None


def load_or_create(path: Path, create: bool) -> ledger.SigningKey:
    """Load the key; create it first when ``create`` and nothing is there yet."""
    if create and not path.exists():
        with contextlib.suppress(KeyFileError):  # another process made it first: read theirs
            generate(path)
    return load(path)


class KeyFileSigner:
    """A :class:`saylau.ledger.Signer` over a key file, read when first needed.

    ``reload`` reads the file again: after a rotation the file holds the new key, and a
    worker that still signs with the old one finds out from the log's current key.
    """

    def __init__(self, path: Path, create: bool = False) -> None:
        self.path = path
        self.create = create
        self._key: ledger.SigningKey | None = None

    def _loaded(self) -> ledger.SigningKey:
        if self._key is None:
            self._key = load_or_create(self.path, self.create)
        return self._key

    def reload(self) -> None:
        self._key = None
        self._loaded()

    def public_key(self) -> bytes:
        return self._loaded().public_key()

    def sign(self, message: bytes) -> bytes:
        return self._loaded().sign(message)

    def __repr__(self) -> str:
        return f"KeyFileSigner({self.path})"


def cosigners() -> list[KeyFileSigner]:
    """Key files (``SAYLAU_COSIGNING_KEYS``, separated by the path separator) that co-sign
    every head, e.g. the retired key during a rotation's handover, so that a verifier who
    holds only the old key can still follow the log for a while."""
    paths = os.environ.get(COSIGNING_ENV, "")
    return [KeyFileSigner(Path(p)) for p in paths.split(os.pathsep) if p]


def signer_for(database_url: str | None, option: str | Path | None = None) -> KeyFileSigner:
    """The service's signer: the configured key file, or the default one created on use."""
    return KeyFileSigner(configured_path(database_url, option), create=not is_configured(option))
