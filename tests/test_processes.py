"""Processes that start and stop cleanly, run as an operator runs them: a busy port or a bad
option refused in one line with exit 2, and SIGTERM or Ctrl-C to ``saylau demo`` leaving no
server listening and no helper process behind."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.serving import SAYLAU, free_port


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def assert_one_line_refusal(done: subprocess.CompletedProcess[str], starts: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(starts), lines[0]


@contextlib.contextmanager
def listener() -> Iterator[int]:
    """A port some other program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_serve_refuses_a_busy_port_in_one_line(tmp_path: Path) -> None:
    with listener() as port:
        done = run(
            [*SAYLAU, "serve", "--port", str(port), "--db", f"sqlite:///{tmp_path}/s.db"], tmp_path
        )
    assert_one_line_refusal(done, "saylau: field 'port': must be free on 127.0.0.1")
    assert str(port) in done.stderr
    assert not (tmp_path / "s.db").exists(), "a refused server must write nothing"


def test_demo_refuses_a_busy_port_before_counting(tmp_path: Path) -> None:
    with listener() as port:
        done = run(
            [*SAYLAU, "demo", "--port", str(port), "--db", f"sqlite:///{tmp_path}/d.db"], tmp_path
        )
    assert_one_line_refusal(done, "saylau: field 'port': must be free")
    assert not (tmp_path / "d.db").exists()


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["demo", "--precincts", "200"], "saylau: field 'precincts': must be at least 223"),
        (["demo", "--night", "1999"], "saylau: field 'night': must be one of"),
        (["demo", "--seed", "-1"], "saylau: field 'seed': must be 0 or more"),
        (["demo", "--port", "70000"], "saylau: field 'port': must be between 1 and 65535"),
        (["serve", "--workers", "-1"], "saylau: field 'workers': must be at least 1"),
        (["serve", "--port", "0"], "saylau: field 'port': must be between 1 and 65535"),
        (["serve", "--host", "no-such-host.invalid"], "saylau: field 'host':"),
        (["synth", "--out", "out", "--precincts", "200"], "saylau: field 'precincts'"),
        (["synth", "--out", "out", "--night", "1999"], "saylau: field 'night'"),
        (["synth", "--out", "out", "--seed", "-1"], "saylau: field 'seed'"),
        (["synth", "--out", "out", "--stuffed", "2"], "saylau: field 'share'"),
    ],
)
def test_a_bad_option_ends_in_one_line_and_exit_2(
    tmp_path: Path, args: list[str], starts: str
) -> None:
    extra = [] if args[0] == "synth" or "--port" in args else ["--port", str(free_port())]
    database = [] if args[0] == "synth" else ["--db", f"sqlite:///{tmp_path}/x.db"]
    done = run([*SAYLAU, *args, *extra, *database], tmp_path)
    assert_one_line_refusal(done, starts)
    assert not (tmp_path / "x.db").exists(), "a refused command must change nothing"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["serve", "--port", "abc"], "saylau: serve: Invalid value for '--port'"),
        (["demo", "--precincts", "many"], "saylau: demo: Invalid value for '--precincts'"),
        (["serve", "--no-such-option"], "saylau: serve: No such option: --no-such-option"),
        (["no-such-command"], "saylau: No such command 'no-such-command'"),
        (["decide"], "saylau: decide: Missing argument"),
    ],
)
def test_an_argument_the_parser_refuses_is_one_line_too(
    tmp_path: Path, args: list[str], starts: str
) -> None:
    """Errors found before our code runs (types, unknown names) read like our own refusals."""
    assert_one_line_refusal(run([*SAYLAU, *args], tmp_path), starts)


def test_help_still_prints_usage_and_exits_0(tmp_path: Path) -> None:
    done = run([*SAYLAU, "serve", "--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "--port" in done.stdout


def parents() -> dict[int, int]:
    """Each living process's parent, from /proc."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            found[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return found


def descendants(root: int) -> set[int]:
    """Every living process below ``root``."""
    parent_of = parents()
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parent_of.items() if parent in frontier} - found
        found |= frontier
    return found


def grandchildren(root: int) -> set[int]:
    parent_of = parents()
    children = {pid for pid, parent in parent_of.items() if parent == root}
    return {pid for pid, parent in parent_of.items() if parent in children}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_demo_stops_the_server_and_its_chart_helper(
    tmp_path: Path, signum: signal.Signals
) -> None:
    port = free_port()
    log = tmp_path / "demo.log"
    command = [*SAYLAU, "demo", "--precincts", "240", "--night", "2022-presidential"]
    command += ["--db", f"sqlite:///{tmp_path}/demo.db", "--port", str(port)]
    with log.open("wb") as out:
        demo = subprocess.Popen(
            command, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 120
        while "Serving on" not in log.read_text() and time.monotonic() < deadline:
            assert demo.poll() is None, log.read_text()
            time.sleep(0.3)
        assert "Serving on" in log.read_text(), log.read_text()
        banner = log.read_text()
        assert f"Saylau serving http://127.0.0.1:{port}/" in banner
        assert "1 worker" in banner
        page = httpx.get(
            f"http://127.0.0.1:{port}/kk/presidential-2022-synthetic/president/", timeout=60
        )
        assert page.status_code == 200
        assert "<svg" in page.text  # drawn by the chart helper process
        below = descendants(demo.pid)
        assert len(below) >= 2, "the server and its chart helper run below the demo"
        demo.send_signal(signum)
        assert demo.wait(timeout=20) == 0, log.read_text()
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in below) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in below if alive(pid)], "a helper outlived the demo"
        assert port_is_free(port)
        text = log.read_text()
        assert "Traceback" not in text
        assert "leaked" not in text, "helpers must be shut down in order, not killed"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(demo.pid, signal.SIGKILL)
        demo.wait()


def test_sigterm_to_serve_with_two_workers_leaves_no_helper(tmp_path: Path) -> None:
    """The server alone, as a service manager stops it: SIGTERM to its main process only."""
    database = f"sqlite:///{tmp_path}/night.db"
    night = ["--precincts", "240", "--night", "2022-presidential", "--no-serve"]
    counted = run([*SAYLAU, "demo", *night, "--db", database], tmp_path)
    assert counted.returncode == 0, counted.stderr
    port = free_port()
    log = tmp_path / "serve.log"
    command = [*SAYLAU, "serve", "--db", database, "--port", str(port), "--workers", "2"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        page = f"http://127.0.0.1:{port}/kk/presidential-2022-synthetic/president/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                # each worker draws its own charts: ask until both have a helper
                assert "<svg" in httpx.get(page, timeout=30).text
                if len(grandchildren(server.pid)) >= 2:  # a chart helper below each worker
                    break
            time.sleep(0.2)
        assert len(grandchildren(server.pid)) >= 2, log.read_text()
        below = descendants(server.pid)
        banner = log.read_text()
        assert f"Saylau serving http://127.0.0.1:{port}/" in banner
        assert "2 workers" in banner
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0, log.read_text()
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in below) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in below if alive(pid)], "a helper outlived the server"
        assert port_is_free(port)
        assert "leaked" not in log.read_text()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_a_bench_without_wrk_says_so_in_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    environment = os.environ | {"PATH": str(empty)}
    done = run([sys.executable, str(REPO / "bench" / "site_bench.py")], tmp_path, environment)
    assert_one_line_refusal(done, "bench: wrk is needed")
    assert "Debian package 'wrk'" in done.stderr
