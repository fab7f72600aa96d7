"""nginx for the benches, run from a temporary folder: its own configuration, port, pid file,
logs and cache, in the foreground under the bench, never as the system's service.

Two servers are written here. ``static_site`` serves a folder of files as a results site
published as files would be (gzip_static: each file's gzip copy made once). ``front``
is the documented deployment of README's "Behind nginx": nginx carries the public reads
from its cache (the answers' own Cache-Control decides for how long) and passes everything
else to ``saylau serve``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from benchlib import free_port

NGINX = "nginx"

MAIN = """\
daemon off;
master_process on;
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    types {{ text/html html; application/json json; }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
{http}
}}
"""

STATIC = """\
    server {{
        listen 127.0.0.1:{port};
        root {folder}/www;
        gzip_static on;
        gzip_vary on;
        location / {{
            add_header Cache-Control "public, max-age=5";
            add_header Access-Control-Allow-Origin "*";
        }}
    }}
"""

# The deployment README documents ("Behind nginx"): public reads from nginx's cache, for as
# long as the answer's Cache-Control allows (5 s for results), rebuilt by one request in the
# background while readers get the previous copy; writes and the desk pass straight through.
FRONT = """\
    proxy_cache_path {folder}/cache levels=1:2 keys_zone=saylau:16m max_size=1g
                     inactive=10m use_temp_path=off;
    upstream saylau {{
        server 127.0.0.1:{upstream};
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://saylau;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffers 64 16k;
            proxy_cache saylau;
            # pages name the site by the address they were asked at
            proxy_cache_key $scheme$http_host$request_uri;
            proxy_no_cache $http_authorization;  # a credential's answer is never shared
            proxy_cache_bypass $http_authorization;
            proxy_cache_lock on;
            proxy_cache_use_stale updating error timeout http_503;
            proxy_cache_background_update on;
            proxy_cache_revalidate on;
        }}
        location /desk {{
            proxy_pass http://saylau;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
"""


def require_nginx() -> None:
    """Stop in one line, before a database is made, when nginx (the bar the site is held
    to: the same bytes served as a file) is not installed."""
    if shutil.which(NGINX) is None and not Path("/usr/sbin/nginx").exists():
        sys.stderr.write("bench: nginx is needed and not on PATH (Debian package 'nginx')\n")
        raise SystemExit(2)


def _binary() -> str:
    return shutil.which(NGINX) or "/usr/sbin/nginx"


@contextmanager
def running(http: str, workers: int, files: dict[str, bytes] | None = None) -> Iterator[str]:
    """nginx with the ``http`` block (``{port}`` and ``{folder}`` filled in) and ``files``
    under ``{folder}/www``; yields its base URL and stops it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="saylau-nginx-"))
    folder.chmod(0o755)  # nginx's workers run as another user and read www/
    port = free_port()
    for name, body in (files or {}).items():
        target = folder / "www" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        for parent in target.relative_to(folder).parents:
            (folder / parent).chmod(0o755)
        target.chmod(0o644)
    config = folder / "nginx.conf"
    block = http.format(port=port, folder=folder)
    config.write_text(MAIN.format(workers=workers, folder=folder, http=block))
    process = subprocess.Popen([_binary(), "-p", str(folder), "-c", str(config)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (folder / "error.log").read_text()
                        if (folder / "error.log").exists()
                        else ""
                    )
                    raise RuntimeError(f"nginx did not start:\n{log}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()  # SIGTERM: nginx's fast shutdown, workers included
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
