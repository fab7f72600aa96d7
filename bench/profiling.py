"""Where the time of a submission goes: py-spy samples of the workers split by stage, and the
database's own view (what its sessions are doing, sampled from pg_stat_activity).

The workers' samples are taken with waits included (``--idle``), so a stage's share is wall
time spent in it by the threads that serve requests (and the part of it spent waiting for the
database's answer, lock waits included); threads with nothing to do are counted apart as idle.
The first matching stage from the innermost frame outwards names a sample.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

#: (stage, markers in a frame): the innermost frame that carries a marker names the sample.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "idle",
        (
            "Condition.wait (threading.py",
            "select (selectors.py",
            "_recv (multiprocessing",
            # the event loop itself (uvloop, native): waiting for sockets unless a frame
            # further in says otherwise
            "Runner.run (asyncio/runners.py",
        ),
    ),
    ("commit (fsync)", ("Session.commit", "SessionTransaction.commit", "Connection.commit")),
    ("ledger lock (wait and query)", ("lock (ledgering.py",)),
    ("signing the head", ("sign_tree_head",)),
    ("totals update", ("apply_deltas (running.py",)),
    ("ledger append (leaves, frontier)", ("append (ledgering.py",)),
    ("current state of the pairs", ("_load_known (submission.py",)),
    ("storing rows", ("insert_rows (bulk.py",)),
    ("authentication", ("authenticate (auth.py", "authenticate_many (auth.py")),
    ("catalog", ("catalog (context.py",)),
    ("checks (definition, relations)", ("_prepare (submission.py", "check (submission.py")),
    ("grouping and hand-over", ("(intake.py",)),
    ("rest of the transaction", ("_store (submission.py", "submit_group (submission.py")),
    ("request parsing and response (FastAPI, pydantic)", ("(fastapi/", "(pydantic")),
    ("HTTP server (uvicorn, event loop)", ("(uvicorn/", "(h11", "(httptools", "(asyncio/")),
)
#: The innermost frame of a thread that waits for the database's answer.
DATABASE_WAIT = "Connection.wait (psycopg/"

RAW = ("--rate", "50", "--format", "raw", "--output")


def stage_of(stack: str) -> str:
    frames = stack.split(";")
    for frame in reversed(frames):
        for stage, markers in STAGES:
            if any(marker in frame for marker in markers):
                return stage
    return "other"


def split_samples(files: list[Path]) -> dict[str, Any]:
    """Share of samples per stage (idle apart), over every worker's raw py-spy output."""
    counts: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    for file in files:
        for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, number = line.rpartition(" ")
            if number.isdigit():
                stage = stage_of(stack)
                counts[stage] += int(number)
                if stack.rsplit(";", 1)[-1].startswith(DATABASE_WAIT):
                    waiting[stage] += int(number)
    idle = counts.pop("idle", 0)
    busy = sum(counts.values()) or 1
    return {
        "samples_busy": busy,
        "samples_idle": idle,
        "share_of_busy": {k: round(v / busy, 3) for k, v in counts.most_common()},
        "of_which_waiting_for_the_database": {
            k: round(v / busy, 3) for k, v in waiting.most_common()
        },
    }


class DatabaseSampler:
    """What the database's sessions of one database are doing, sampled every 20 ms."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg", "postgresql")
        self.name = self.url.rsplit("/", 1)[1]
        self.counts: Counter[str] = Counter()
        self.samples = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.stopping.wait(0.02):
                rows = connection.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (self.name,),
                ).fetchall()
                self.samples += 1
                for state, kind, event in rows:
                    if state == "active":
                        self.counts[f"{kind}:{event}" if kind else "running"] += 1
                    elif state == "idle in transaction":
                        self.counts["idle in transaction (waiting for the worker)"] += 1

    def figures(self) -> dict[str, Any]:
        samples = self.samples or 1
        return {
            "samples": self.samples,
            "mean_sessions": {k: round(v / samples, 2) for k, v in self.counts.most_common(8)},
        }


def worker_pids(server: subprocess.Popen[bytes]) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
    )
    pids = [int(pid) for pid in found.stdout.split()]
    # uvicorn's supervisor has its workers and multiprocessing's resource tracker as children
    return [pid for pid in pids if "resource_tracker" not in _command(pid)]


def _command(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    return ""


@contextlib.contextmanager
def profiled(
    server: subprocess.Popen[bytes], url: str, folder: Path | None, into: dict[str, Any]
) -> Iterator[None]:
    """py-spy on every worker and the database sampler while the block runs; the split by
    stage is put in ``into``."""
    if folder is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    outputs = [folder / f"worker-{pid}.txt" for pid in worker_pids(server)]
    spies = [
        subprocess.Popen(
            [
                spy,
                "record",
                "--pid",
                out.stem.split("-")[1],
                "--idle",
                "--nonblocking",
                *RAW,
                str(out),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for out in outputs
    ]
    sampler = DatabaseSampler(url)
    sampler.thread.start()
    time.sleep(1)
    try:
        yield
    finally:
        sampler.stopping.set()
        sampler.thread.join(timeout=10)
        for process in spies:
            process.send_signal(signal.SIGINT)
        for process in spies:
            process.wait(timeout=120)
        into["workers"] = split_samples([out for out in outputs if out.exists()])
        into["database"] = sampler.figures()
