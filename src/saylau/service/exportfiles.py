"""Open-data files built once per ledger size and then served from disk.

A download is a pure function of the ledger's state, and the ledger's size names that state
(every accepted protocol, correction and certification is an entry). So each (election,
contest, level, format) is built at most once per tree size into the data directory, and
every later request for the same size is a file read: building the NIST file of a national
night takes seconds and tens of megabytes, serving it takes a ``sendfile``.

Several workers and threads may ask at once: the builders of one file queue on a lock
file, the one holding it builds, the others find the file when they get the lock. Files
appear by ``rename`` only when complete (a crash leaves at most a temporary file, removed
later), each with a small sidecar holding its stamp, written first. Older sizes are
removed once a newer one exists, keeping the previous one for readers that just found it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from saylau.publication import Stamp
from saylau.publication.formats import check_format, check_level
from saylau.service import exports, proofs
from saylau.service.context import Context

DATA_DIR = "SAYLAU_DATA_DIR"
KEEP = 2  # tree sizes kept per file: the newest, and the one a reader may still be opening


def data_dir(ctx: Context) -> Path:
    """``SAYLAU_DATA_DIR``, else beside a SQLite database file, else a folder per database
    in the system's temporary directory (the files are a cache: rebuilt if lost)."""
    explicit = os.environ.get(DATA_DIR)
    if explicit:
        return Path(explicit)
    url = make_url(str(ctx.engine.url))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database).resolve()
        return database.with_name(database.name + "-data")
    label = f"{url.host}-{url.port}-{url.database}"
    return _private(Path(tempfile.gettempdir()) / f"saylau-data-{os.geteuid()}-{_safe(label)}")


def _private(folder: Path) -> Path:
    """``folder`` in a shared temporary directory, made and kept private to this user: a
    folder someone else made first (or opened to others) could hold planted downloads."""
    folder.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise PermissionError(
            f"{folder} is not a folder private to this service (owner {info.st_uid}, mode "
            f"{stat.S_IMODE(info.st_mode):o}): set {DATA_DIR} to a folder of its own"
        )
    return folder


def _safe(text: str) -> str:
    """A file-name part for an id: readable, and unique through a short hash of the id."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', text)[:40]}-{digest}"


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A built download on disk and what its response says about it."""

    path: Path
    media_type: str
    filename: str
    stamp: Stamp
    etag: str
    length: int


def export_file(
    ctx: Context, election_id: str, contest_id: str, fmt: str, level: str = "precinct"
) -> ExportFile:
    """The download at the ledger's current size (or a later one): built now if no worker
    built it yet."""
    check_format(fmt)
    check_level(level)
    with ctx.sessions() as session:
        size = proofs.ledger_size(session, election_id)
    folder = data_dir(ctx) / "exports" / _safe(election_id)
    key = f"{_safe(contest_id)}-{level}-{fmt}"
    found = _newest(folder, key, size)
    if found is not None:
        return found
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / f".{key}.lock"):
        found = _newest(folder, key, size)  # built while this one waited for the lock
        if found is not None:
            return found
        download = exports.export(ctx, election_id, contest_id, fmt, level)
        built = download.stamp.tree_size  # the state it was read in: the size or a later one
        _write(folder, key, built, download)
        _collect(folder, key)
    found = _load(folder, key, built)
    assert found is not None, "a file written under the lock is there"
    return found


def _sizes(folder: Path, key: str) -> list[int]:
    """The tree sizes a file of ``key`` is on disk for, newest first."""
    pattern = re.compile(re.escape(key) + r"-(\d+)\.bin")
    try:
        names = [path.name for path in folder.iterdir()]
    except FileNotFoundError:
        return []
    return sorted((int(m.group(1)) for n in names if (m := pattern.fullmatch(n))), reverse=True)


def _newest(folder: Path, key: str, at_least: int) -> ExportFile | None:
    """The newest file of ``key`` at ``at_least`` entries or more: just as current."""
    for size in _sizes(folder, key):
        if size < at_least:
            return None
        found = _load(folder, key, size)
        if found is not None:
            return found
    return None


def _paths(folder: Path, key: str, size: int) -> tuple[Path, Path]:
    body = folder / f"{key}-{size}.bin"
    return body, body.with_suffix(".json")


def _load(folder: Path, key: str, size: int) -> ExportFile | None:
    body, meta = _paths(folder, key, size)
    try:
        length = body.stat().st_size
        described: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return ExportFile(
        path=body,
        media_type=described["media_type"],
        filename=described["filename"],
        stamp=Stamp(**described["stamp"]),
        etag=described["etag"],
        length=length,
    )


def _write(folder: Path, key: str, size: int, download: exports.Download) -> None:
    """The sidecar first, then the body: a body on disk always has its stamp beside it."""
    body, meta = _paths(folder, key, size)
    described = {
        "media_type": download.media_type,
        "filename": download.filename,
        "stamp": download.stamp.as_json(),
        "etag": f'"{hashlib.sha256(download.body).hexdigest()[:32]}"',
    }
    _atomic(meta, json.dumps(described).encode())
    _atomic(body, download.body)


def _atomic(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _collect(folder: Path, key: str) -> None:
    """Remove all but the newest ``KEEP`` sizes of one file, and leftover temporary files."""
    sizes = _sizes(folder, key)
    for size in sizes[KEEP:]:
        body, meta = _paths(folder, key, size)
        body.unlink(missing_ok=True)  # the body first: without it the sidecar is ignored
        meta.unlink(missing_ok=True)
    for leftover in folder.glob(f".{key}-*.tmp"):
        leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path``: across processes, and across threads too (each
    opens its own file description)."""
    with path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
