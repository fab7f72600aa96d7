"""Before a server binds its address: the options checked, the port tried, and one line
saying where it listens, so an operator learns of a busy port in a line rather than from a
server log, and before minutes of work are spent (``saylau demo`` counts first)."""

from __future__ import annotations

import errno
import socket

from sqlalchemy.engine import make_url

from saylau.model import BadInput

PORTS = range(1, 65536)


def check_options(port: int, workers: int = 1) -> None:
    """Refuse a port outside TCP's range or fewer than one worker."""
    if port not in PORTS:
        raise BadInput("port", f"must be between {PORTS.start} and {PORTS.stop - 1}", port)
    if workers < 1:
        raise BadInput("workers", "must be at least 1", workers)


def check_free(host: str, port: int) -> None:
    """Bind the address once and let it go: a busy port or a host that is not this
    machine's is refused here, naming the option. SO_REUSEADDR as uvicorn sets it, so a
    port only lingering after a previous server (TIME_WAIT) is not called busy."""
    check_options(port)
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError):
        raise BadInput("host", "must be a name or address of this machine", host) from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                rule = f"must be free on {host}, another process listens on it"
                raise BadInput("port", rule, port) from None
            if exc.errno == errno.EACCES:
                rule = "must be 1024 or above unless the server runs with that privilege"
                raise BadInput("port", rule, port) from None
            raise BadInput("host", "must be an address of this machine", host) from None


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def banner(host: str, port: int, database: str, workers: int) -> str:
    """Where the server listens, what it serves from and with how many workers (the
    database's password is never shown)."""
    shown = make_url(database).render_as_string(hide_password=True)
    plural = "worker" if workers == 1 else "workers"
    return (
        f"Saylau serving {base_url(host, port)}/ (API {base_url(host, port)}/docs)\n"
        f"  database {shown}, {workers} {plural}; SIGTERM or Ctrl-C stops it"
    )
