"""The container and what surrounds it, as far as this machine allows.

Base images cannot be pulled here, so the image itself is never built: the Dockerfile is parsed
and linted (hadolint), compose.yaml is read as YAML, and the entrypoint, the health check and the
nginx configuration are run for real outside a container, against a fresh SQLite file or, when
DATABASE_URL is PostgreSQL (scripts/with-postgres.sh), a fresh database on that server.
"""

from __future__ import annotations

import fnmatch
import http.client
import importlib.util
import ipaddress
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import psycopg
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from tests.conftest import ROOT
from tests.integration.servers import free_port
from together import conf

ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
HEALTHCHECK = ROOT / "deploy" / "healthcheck.py"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "default.conf.template"
BIN = Path(sys.executable).parent
COMMANDS = ["web", "worker", "migrate", "backup", "shell", "together"]


# --- databases and the entrypoint -------------------------------------------------------------


@contextmanager
def fresh_database(folder: Path):
    """A database nobody has used: a new SQLite file, or a new database on the test PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{folder / 'together.sqlite3'}"
        return
    name = "container_" + secrets.token_hex(4)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def environment(folder: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    """What a production container is given: no DEBUG, a proxy in front that says it was HTTPS."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(folder),  # gunicorn's control socket goes under $HOME/.gunicorn
        "SECRET_KEY": "container-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(folder / "static"),
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "TRUSTED_PROXIES": "127.0.0.1",
        "MAX_REQUEST_MB": "1",
        "GUNICORN_WORKERS": "1",
        **extra,
    }
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return {name: value for name, value in env.items() if value is not None}


def run(*args: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(ENTRYPOINT), *args], env=env, capture_output=True, text=True, timeout=timeout)


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        reply = connection.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    finally:
        connection.close()


@contextmanager
def entrypoint_web(env: dict[str, str], log: Path):
    """``entrypoint.sh web`` on a free port, its output in ``log``; yields the port once /healthz answers."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(ENTRYPOINT), "web"], env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                if get(port, "/healthz", **{"X-Forwarded-Proto": "https"})[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError("entrypoint.sh web did not start:\n" + log.read_text())
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One ``entrypoint.sh web`` on a database it has just migrated, shared by this module."""
    folder = tmp_path_factory.mktemp("container")
    with fresh_database(folder) as url:
        env = environment(folder, url)
        with entrypoint_web(env, folder / "web.log") as port:
            yield {"port": port, "env": env, "folder": folder}


# --- refusing to start ------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_missing_secret_key_or_database_is_a_clear_error_and_starts_nothing(tmp_path, command, missing):
    database = tmp_path / "never.sqlite3"
    env = environment(tmp_path, f"sqlite:///{database}")
    for value in (None, ""):
        env[missing] = value
        env = {name: v for name, v in env.items() if v is not None}
        result = run(command, "file.backup" if command == "backup" else "check", env=env)
        assert result.returncode == 1
        assert result.stderr.startswith(f"entrypoint: {missing} is not set")
        assert "nothing was started" in result.stderr
        assert "Traceback" not in result.stderr
        assert not database.exists()
        assert not (tmp_path / "static").exists()


def test_usage_and_unknown_commands(tmp_path):
    env = environment(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    nothing = run(env=env)
    assert nothing.returncode == 64
    assert "entrypoint.sh web [GUNICORN OPTIONS]" in nothing.stderr
    assert "entrypoint.sh backup FILE" in nothing.stderr
    unknown = run("serve", env=env)
    assert unknown.returncode == 64
    assert unknown.stderr.startswith("entrypoint: unknown command 'serve'")
    no_file = run("backup", env=env)
    assert no_file.returncode == 1
    assert "backup needs one argument, the file to write" in no_file.stderr
    bad_switch = run("web", env={**env, "MIGRATE_ON_START": "maybe"})
    assert bad_switch.returncode == 1
    assert "MIGRATE_ON_START must be true or false (got 'maybe')" in bad_switch.stderr
    assert not (tmp_path / "db.sqlite3").exists()


def test_without_migrating_on_start_an_old_database_is_refused_until_migrated(tmp_path):
    with fresh_database(tmp_path) as url:
        env = environment(tmp_path, url, MIGRATE_ON_START="false")
        refused = run("web", env=env)
        assert refused.returncode == 1
        assert "MIGRATE_ON_START is false and the database is not up to date" in refused.stderr
        assert "run 'entrypoint.sh migrate' first" in refused.stderr
        assert "Applying" not in refused.stdout + refused.stderr

        migrated = run("migrate", env=env)
        assert migrated.returncode == 0, migrated.stderr
        assert "transforming-together.yaml: loaded as transforming-together version 1" in migrated.stdout

        with entrypoint_web(env, tmp_path / "web.log") as port:
            assert get(port, "/healthz", **{"X-Forwarded-Proto": "https"})[::2] == (200, b"ok")
        output = (tmp_path / "web.log").read_text()
        assert "Applying" not in output
        assert "transforming-together.yaml: unchanged, already stored as transforming-together version 1" in output


# --- a running service ------------------------------------------------------------------------


def test_web_migrates_loads_the_framework_and_serves_pages_and_static_files(service):
    port = service["port"]
    https = {"X-Forwarded-Proto": "https"}
    assert get(port, "/healthz", **https)[::2] == (200, b"ok")

    status, _, page = get(port, "/", **https)
    assert status == 200
    assert b"Transforming Together" in page
    stylesheet = re.search(rb'href="(/static/build/app\.[0-9a-f]{12}\.css)"', page)
    script = re.search(rb'src="(/static/js/init\.[0-9a-f]{12}\.mjs)"', page)
    assert stylesheet and script, "collectstatic ran: pages link the hashed names"
    status, headers, css = get(port, stylesheet.group(1).decode(), **https, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-type"].startswith("text/css")
    assert headers["content-encoding"] == "gzip"
    assert "immutable" in headers["cache-control"]
    assert len(css) > 1000
    assert get(port, script.group(1).decode(), **https)[0] == 200

    # Production settings are in force: plain HTTP that did not come through the proxy is redirected.
    status, headers, _ = get(port, "/")
    assert status == 301
    assert headers["location"].startswith("https://")

    listed = run("together", "framework", "list", env=service["env"])
    assert listed.returncode == 0, listed.stderr
    assert re.search(
        r"^transforming-together v1 .* from transforming-together\.yaml  current$", listed.stdout, re.MULTILINE
    )


def test_backup_while_the_service_runs(service):
    target = service["folder"] / "backups" / "first.backup"
    target.parent.mkdir(exist_ok=True)
    result = run("backup", str(target), env=service["env"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Backed up to {target}")
    assert target.stat().st_size > 10_000


def _healthcheck(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(HEALTHCHECK)], env=env, capture_output=True, text=True, timeout=30)


def test_the_image_health_check_passes_on_a_healthy_service_and_fails_without_one(service, tmp_path):
    env = {**service["env"], "GUNICORN_BIND": f"0.0.0.0:{service['port']}"}
    assert _healthcheck(env).returncode == 0
    # Without the proxy's header the service redirects to HTTPS, which is not healthy.
    redirected = _healthcheck({**env, "SECURE_PROXY_SSL_HEADER": ""})
    assert redirected.returncode == 1
    assert "/healthz answered 301" in redirected.stderr
    nobody = _healthcheck({**env, "GUNICORN_BIND": f"0.0.0.0:{free_port()}"})
    assert nobody.returncode == 1
    assert "did not answer" in nobody.stderr


def _load_healthcheck():
    spec = importlib.util.spec_from_file_location("healthcheck", HEALTHCHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("bind", "expected"),
    [
        ("0.0.0.0:8000", ("127.0.0.1", 8000)),
        ("[::]:8080", ("127.0.0.1", 8080)),
        ("10.1.2.3:9000", ("10.1.2.3", 9000)),
        ("127.0.0.1:8000,[::1]:8000", ("127.0.0.1", 8000)),
    ],
)
def test_health_check_asks_where_gunicorn_listens(bind, expected):
    assert _load_healthcheck().target({"GUNICORN_BIND": bind}) == expected


def test_health_check_asks_as_the_proxy_would():
    healthcheck = _load_healthcheck()
    assert healthcheck.headers({"ALLOWED_HOSTS": "*,.review.example.gov.uk"}) == {"Host": "review.example.gov.uk"}
    assert healthcheck.headers({"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}) == {
        "Host": "localhost",
        "X-Forwarded-Proto": "https",
    }


def _has_worker_command() -> bool:
    listed = subprocess.run(
        [str(BIN / "together"), "help", "--commands"],
        env={**os.environ, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return "worker" in listed.stdout.split()


def test_worker_runs_until_stopped(service):
    if not _has_worker_command():
        pytest.skip("`together worker` is not in this version of the service (the background queue adds it)")
    worker = subprocess.Popen(
        [str(ENTRYPOINT), "worker"],
        env=service["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        time.sleep(5)
        assert worker.poll() is None, worker.stdout.read().decode()
    finally:
        worker.terminate()
        worker.wait(timeout=60)


# --- nginx ------------------------------------------------------------------------------------


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is missing: scripts/ensure-system-packages.sh installs it (make install)")
    pytest.skip("nginx is not installed (scripts/ensure-system-packages.sh installs it with apt as root)")


def _certificate(folder: Path) -> Path:
    tls = folder / "tls"
    tls.mkdir(exist_ok=True)
    if not (tls / "fullchain.pem").exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
            + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tls / "privkey.pem")]
            + ["-out", str(tls / "fullchain.pem")],
            check=True,
            capture_output=True,
        )
    return tls


def _site(folder: Path, upstream: int, http_port: int, https_port: int, max_mb: int) -> Path:
    """The compose file's nginx site, with what the nginx image and Docker's network would supply
    (MAX_REQUEST_MB, the web service's address, the certificates) filled in for this machine."""
    text = NGINX_TEMPLATE.read_text()
    assert set(re.findall(r"\$\{(\w+)\}", text)) == {"MAX_REQUEST_MB"}, "only what NGINX_ENVSUBST_FILTER lets through"
    replacements = {
        "${MAX_REQUEST_MB}": str(max_mb),
        "server web:8000;": f"server 127.0.0.1:{upstream};",
        "listen 80 default_server;": f"listen 127.0.0.1:{http_port} default_server;",
        "listen 443 ssl default_server;": f"listen 127.0.0.1:{https_port} ssl default_server;",
        "/etc/nginx/tls/": f"{_certificate(folder)}/",
        "/var/log/nginx/access.log": str(folder / "access.log"),
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    (folder / "site.conf").write_text(text)
    main = folder / "nginx.conf"
    temporary = "".join(
        f"    {directive} {folder / name};\n"
        for directive, name in [
            ("client_body_temp_path", "body"),
            ("proxy_temp_path", "proxy"),
            ("fastcgi_temp_path", "fastcgi"),
            ("uwsgi_temp_path", "uwsgi"),
            ("scgi_temp_path", "scgi"),
        ]
    )
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        + f"events {{ worker_connections 64; }}\nhttp {{\n{temporary}    include {folder}/site.conf;\n}}\n"
    )
    return main


@contextmanager
def nginx_in_front(folder: Path, upstream: int, max_mb: int = 1):
    binary = _nginx()
    http_port, https_port = free_port(), free_port()
    config = _site(folder, upstream, http_port, https_port, max_mb)
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise AssertionError("nginx did not start: " + process.stderr.read().decode()) from None
                time.sleep(0.1)
        context = ssl.create_default_context(cafile=str(folder / "tls" / "fullchain.pem"))
        yield http_port, https_port, context
    finally:
        process.terminate()
        process.wait(timeout=30)


def _https(port, context, method, path, body=None, headers=None):
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        reply = connection.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    finally:
        connection.close()


def test_nginx_accepts_the_configuration(tmp_path):
    config = _site(tmp_path, free_port(), free_port(), free_port(), 50)
    result = subprocess.run(
        [_nginx(), "-t", "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


class _Recorder(BaseHTTPRequestHandler):
    """An upstream that notes what nginx passed on."""

    seen: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args):
        pass


def test_nginx_passes_the_client_and_the_scheme_on_and_buffers_whole_requests(tmp_path):
    _Recorder.seen = []
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        with nginx_in_front(tmp_path, upstream.server_address[1]) as (_, https_port, context):
            # Sent in chunks of unknown total length: nginx reads it all, then passes it on whole.
            chunks = (part for part in (b"first,", b"second,", b"third"))
            status, _, _ = _https(
                https_port,
                context,
                "POST",
                "/i/secret-token-abc/",
                body=chunks,
                headers={"Host": "review.example.gov.uk", "X-Forwarded-For": "6.6.6.6"},
            )
            # The same links in Welsh, under /cy/, keep their secrets out of the log too.
            for path in ("/cy/i/welsh-secret-token/", "/cy/resume/0b5e0c1e-2f4a-4a4e-9d1e-1c2b3a4d5e6f/welsh-key/"):
                _https(https_port, context, "POST", path, body=b"x", headers={"Host": "review.example.gov.uk"})
    finally:
        upstream.shutdown()
    assert status == 204
    headers, body = _Recorder.seen[0]
    assert body == b"first,second,third"
    assert headers["Content-Length"] == str(len(body))
    assert "Transfer-Encoding" not in headers
    assert headers["Host"] == "review.example.gov.uk"
    assert headers["X-Forwarded-Proto"] == "https"
    # nginx adds the address it saw last, where the service looks first (from the right).
    assert headers["X-Forwarded-For"] == "6.6.6.6, 127.0.0.1"
    log = (tmp_path / "access.log").read_text()
    assert '"POST /i/.../" 204' in log
    assert "secret-token-abc" not in log
    assert '"POST /cy/i/.../"' in log and '"POST /cy/resume/0b5e0c1e-2f4a-4a4e-9d1e-1c2b3a4d5e6f/.../"' in log
    assert "welsh-secret-token" not in log and "welsh-key" not in log
    assert "127.0.0.1" not in log


def test_nginx_in_front_of_the_service(service):
    folder = service["folder"] / "nginx"
    folder.mkdir()
    with nginx_in_front(folder, service["port"], max_mb=1) as (http_port, https_port, context):
        status, _, body = _https(https_port, context, "GET", "/healthz")
        assert (status, body) == (200, b"ok")
        status, _, page = _https(https_port, context, "GET", "/")
        assert status == 200
        stylesheet = re.search(rb'href="(/static/build/app\.[0-9a-f]{12}\.css)"', page).group(1).decode()
        status, headers, _ = _https(https_port, context, "GET", stylesheet)
        assert status == 200
        assert headers["content-type"].startswith("text/css")
        assert "immutable" in headers["cache-control"]

        # Larger than MAX_REQUEST_MB: refused by nginx, before it reaches the service.
        status, headers, _ = _https(https_port, context, "POST", "/", body=b"x" * (1024 * 1024 + 1))
        assert status == 413
        assert "gunicorn" not in headers.get("server", "")

        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        plain.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
        reply = plain.getresponse()
        assert reply.status == 301
        assert reply.getheader("Location") == "https://127.0.0.1/healthz"
        plain.close()


# --- compose.yaml, the env file, the Dockerfile -----------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_the_database_web_worker_and_nginx(compose):
    services = compose["services"]
    assert set(services) == {"db", "web", "worker", "nginx"}
    assert services["web"]["command"] == ["web"]
    assert services["worker"]["command"] == ["worker"]
    assert services["worker"]["healthcheck"] == {"disable": True}
    assert services["web"]["image"] == services["worker"]["image"]
    assert services["web"]["build"] == "."
    for name in ("web", "worker"):
        assert services[name]["env_file"] == "deploy/together.env"
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://together:${POSTGRES_PASSWORD")
        assert services[name]["environment"]["DATABASE_URL"].endswith("@db:5432/together")
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["web"]["condition"] == "service_healthy"

    # PostgreSQL keeps its data in a volume, on a network nothing outside reaches.
    db = services["db"]
    named, _, mount = db["volumes"][0].partition(":")
    assert mount == "/var/lib/postgresql/data"
    assert named in compose["volumes"]
    assert db["networks"] == ["back"]
    assert compose["networks"]["back"]["internal"] is True
    assert "back" not in services["nginx"]["networks"]
    assert "ports" not in db

    # The image's pg_dump (Debian bookworm's postgresql-client, 15) must be at least the server's.
    assert db["image"].startswith("postgres:15")


def test_compose_trusts_nginx_alone_and_gives_both_the_same_body_limit(compose):
    services = compose["services"]
    nginx_address = ipaddress.ip_address(services["nginx"]["networks"]["front"]["ipv4_address"])
    subnet = ipaddress.ip_network(compose["networks"]["front"]["ipam"]["config"][0]["subnet"])
    assert nginx_address in subnet
    web = services["web"]["environment"]
    assert web["TRUSTED_PROXIES"] == str(nginx_address)
    assert web["SECURE_PROXY_SSL_HEADER"] == "X-Forwarded-Proto"
    assert "X-Forwarded-Proto $scheme" in NGINX_TEMPLATE.read_text()

    default = conf.read({"SECRET_KEY": "k"})["MAX_REQUEST_MB"]
    limit = "${MAX_REQUEST_MB:-" + str(default) + "}"
    assert web["MAX_REQUEST_MB"] == services["nginx"]["environment"]["MAX_REQUEST_MB"] == limit
    assert "client_max_body_size ${MAX_REQUEST_MB}m;" in NGINX_TEMPLATE.read_text()
    assert services["nginx"]["environment"]["NGINX_ENVSUBST_FILTER"] == "^MAX_REQUEST_MB$$"
    mounts = services["nginx"]["volumes"]
    assert "./deploy/nginx/default.conf.template:/etc/nginx/templates/default.conf.template:ro" in mounts


def _env_file(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_example_env_holds_no_secret_and_only_real_settings():
    example = _env_file(ROOT / "deploy" / "example.env")
    declared = {setting.name for setting in conf.SETTINGS}
    for_compose = {"POSTGRES_PASSWORD", "MIGRATE_ON_START"}
    assert set(example) <= declared | for_compose
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "EMAIL_HOST_PASSWORD"):
        assert example[name] == "", f"{name} is left for the operator to fill in"
    service = {name: value for name, value in example.items() if name not in for_compose}
    values = conf.read({**service, "SECRET_KEY": "k" * 50})
    assert values["MAX_REQUEST_MB"] == conf.read({"SECRET_KEY": "k"})["MAX_REQUEST_MB"]
    assert example["MIGRATE_ON_START"] == "true"
    for secret in ("deploy/together.env", "deploy/tls/privkey.pem"):
        ignored = subprocess.run(["git", "check-ignore", "--quiet", secret], cwd=ROOT)
        assert ignored.returncode == 0, f"{secret} is never committed"


def _dockerignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern that matches the path, or a folder above it, decides."""
    ignored = False
    for pattern in patterns:
        excluded = not pattern.startswith("!")
        pattern = pattern.lstrip("!")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes) or (
            pattern.startswith("**/") and any(fnmatch.fnmatchcase(part, pattern[3:]) for part in parts)
        ):
            ignored = excluded
    return ignored


@pytest.fixture(scope="module")
def dockerfile():
    return DockerfileParser(str(ROOT / "Dockerfile"))


def _final_stage(dockerfile) -> list[dict]:
    structure = dockerfile.structure
    last_from = max(i for i, step in enumerate(structure) if step["instruction"] == "FROM")
    return structure[last_from:]


def test_dockerfile_builds_from_the_lock_and_runs_unprivileged(dockerfile):
    assert dockerfile.baseimage == "python:3.11-slim-bookworm"
    steps = dockerfile.structure
    froms = [step["value"] for step in steps if step["instruction"] == "FROM"]
    assert len(froms) == 3, "assets, Python environment, runtime"
    runs = " ".join(step["value"] for step in steps if step["instruction"] == "RUN")
    assert "npm ci" in runs and "npm run build" in runs
    assert "uv sync --frozen --no-dev" in runs

    final = _final_stage(dockerfile)
    final_runs = " ".join(step["value"] for step in final if step["instruction"] == "RUN")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "postgresql-client"):
        assert package in final_runs
    assert "gcc" not in final_runs, "the compiler stays in the build stage"
    users = [step["value"] for step in final if step["instruction"] == "USER"]
    assert users, "the image names its user"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert any(step["instruction"] == "EXPOSE" and step["value"].split() == ["8000"] for step in final), "EXPOSE 8000"
    healthcheck = [step["value"] for step in final if step["instruction"] == "HEALTHCHECK"]
    assert len(healthcheck) == 1
    assert "/app/deploy/healthcheck.py" in healthcheck[0]
    assert '"/healthz"' in HEALTHCHECK.read_text()
    entrypoint = [step["value"] for step in final if step["instruction"] == "ENTRYPOINT"]
    assert entrypoint == ['["/app/deploy/entrypoint.sh"]']
    environment = dockerfile.envs
    assert environment["GUNICORN_BIND"] == "0.0.0.0:8000"
    assert not [name for name in environment if re.search("SECRET|PASSWORD|DATABASE_URL", name)]


def test_dockerfile_copies_only_what_dockerignore_lets_in(dockerfile):
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for step in dockerfile.structure:
        if step["instruction"] != "COPY" or step["value"].startswith("--from"):
            continue
        *sources, _ = step["value"].split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not _dockerignored(source, patterns), f"{source} is left out of the build by .dockerignore"
    for kept_out in ("deploy/together.env", "deploy/example.env", "var/together.sqlite3", ".git/config", "tests"):
        assert _dockerignored(kept_out, patterns), kept_out
    assert _dockerignored("src/together/static/build/app.css", patterns)
    assert not _dockerignored("src/together/settings.py", patterns)


def test_dockerfile_and_scripts_pass_their_linters():
    hadolint = subprocess.run([str(BIN / "hadolint"), str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert hadolint.returncode == 0, hadolint.stdout + hadolint.stderr
    scripts = [ENTRYPOINT, ROOT / "scripts" / "ensure-system-packages.sh"]
    shellcheck = subprocess.run([str(BIN / "shellcheck"), *map(str, scripts)], capture_output=True, text=True)
    assert shellcheck.returncode == 0, shellcheck.stdout
