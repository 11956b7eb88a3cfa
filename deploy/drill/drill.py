"""The deploy drill CI runs after the suites (issue 19): the production layout of ``deploy/`` on
this machine, exercised end to end over HTTPS, then broken on purpose.

It creates its own PostgreSQL primary and streaming replica clusters on ports 55432/55433
(``pg_createcluster``, ``pg_basebackup``; the machine's cluster on 5432 is left alone), uses Redis
database 14, starts gunicorn (``deploy/gunicorn.conf.py``) behind nginx (``deploy/nginx/
gonghui.conf`` with a self-signed certificate), an RQ worker and the scheduler, all with
``GONGHUI_ENV=production``. Then:

* smoke: readiness, a log-in, a 10,000-row roster imported through the worker, the dashboard
  (served by the replica, as the request's JSON log line says), a redemption at the counter, and
  an overdue appeal escalated by the scheduler;
* drills: the worker killed in the middle of an import, the replica stopped, the primary
  restarted during a burst of redemptions, an upload over nginx's limit.

Each outcome is printed; everything started is stopped at the end. Run as root:
``.venv/bin/python deploy/drill/drill.py`` (``deploy/drill/run.sh`` installs what it needs).
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "drill"
BIN = ROOT / ".venv" / "bin"
PG_VERSION = sorted(os.listdir("/etc/postgresql"))[-1] if Path("/etc/postgresql").exists() else ""
PRIMARY, PRIMARY_PORT = "ghdrillp", 55432
REPLICA, REPLICA_PORT = "ghdrillr", 55433
HTTPS_PORT = 8443
REDIS_URL = "redis://127.0.0.1:6379/14"
ORIGIN = f"https://localhost:{HTTPS_PORT}"
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def run(*command: str, env: dict[str, str] | None = None, quiet: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 — our own fixed commands
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    if not quiet and result.stdout.strip():
        print(result.stdout.strip()[-2000:], flush=True)
    return result.stdout


def as_postgres(*command: str) -> str:
    return run("runuser", "-u", "postgres", "--", *command, quiet=True)


# --- PostgreSQL primary and streaming replica -----------------------------------------------


def drop_clusters() -> None:
    for name in (REPLICA, PRIMARY):
        if Path(f"/etc/postgresql/{PG_VERSION}/{name}").exists():
            subprocess.run(  # noqa: S603
                ["/usr/bin/pg_dropcluster", "--stop", PG_VERSION, name],
                capture_output=True,
                check=False,
            )


def pg(name: str, action: str, *extra: str) -> None:
    run("pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, name, action, *extra, quiet=True)


def make_clusters() -> None:
    drop_clusters()
    archive = VAR / "wal-archive"
    archive.mkdir(parents=True, exist_ok=True)
    shutil.chown(archive, "postgres", "postgres")
    run(
        "pg_createcluster", PG_VERSION, PRIMARY, "-p", str(PRIMARY_PORT), "--start-conf",
        "manual", "--", "--auth-local=trust", "--auth-host=trust", "--no-sync", quiet=True,
    )  # fmt: skip
    conf = Path(f"/etc/postgresql/{PG_VERSION}/{PRIMARY}/conf.d/drill.conf")
    conf.write_text(
        "listen_addresses = '127.0.0.1'\nwal_level = replica\nmax_wal_senders = 5\n"
        "hot_standby = on\narchive_mode = on\n"
        f"archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'\n"
        "shared_buffers = '256MB'\n"
    )
    pg(PRIMARY, "start")
    as_postgres("createdb", "-p", str(PRIMARY_PORT), "gonghui")
    run(
        "pg_createcluster", PG_VERSION, REPLICA, "-p", str(REPLICA_PORT), "--start-conf",
        "manual", "--", "--auth-local=trust", "--auth-host=trust", "--no-sync", quiet=True,
    )  # fmt: skip
    data = Path(f"/var/lib/postgresql/{PG_VERSION}/{REPLICA}")
    for entry in data.iterdir():  # an empty data directory, owned by postgres, for the copy
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    as_postgres(
        "pg_basebackup", "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
        "-D", str(data), "-R", "-X", "stream", "--no-sync", "--checkpoint=fast",
    )  # fmt: skip
    Path(f"/etc/postgresql/{PG_VERSION}/{REPLICA}/conf.d/drill.conf").write_text(
        "listen_addresses = '127.0.0.1'\nhot_standby = on\nhot_standby_feedback = on\n"
    )
    pg(REPLICA, "start")
    streaming = ""
    for _ in range(60):
        streaming = psql(PRIMARY_PORT, "SELECT state FROM pg_stat_replication")
        if "streaming" in streaming:
            break
        time.sleep(0.5)
    assert "streaming" in streaming, "the replica does not stream from the primary"
    say(f"PostgreSQL {PG_VERSION}: primary :{PRIMARY_PORT}, replica :{REPLICA_PORT} streaming")


def psql(port: int, sql: str, database: str = "postgres") -> str:
    return as_postgres("psql", "-p", str(port), "-d", database, "-Atc", sql).strip()


# --- The application's processes ----------------------------------------------------------


def app_env() -> dict[str, str]:
    keys = VAR / "keys.json"
    if not keys.exists():
        keys.write_text(
            json.dumps(
                {
                    "SECRET_KEY": secrets.token_urlsafe(64),
                    "GONGHUI_PII_KEY": __import__("base64")
                    .urlsafe_b64encode(os.urandom(32))
                    .decode(),
                }
            )
        )
        keys.chmod(0o600)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "GONGHUI_"))}
    return {
        **base,
        **json.loads(keys.read_text()),
        "GONGHUI_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/gonghui",
        "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/gonghui",
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": "localhost",
        "CSRF_TRUSTED_ORIGINS": ORIGIN,
        "GONGHUI_TRUSTED_PROXIES": "1",
        "GONGHUI_VAR_DIR": str(VAR / "app"),
        "GONGHUI_LOG_FORMAT": "json",
        "GONGHUI_REQUEST_LOG": "1",
        "GONGHUI_LOG_LEVEL": "INFO",
        "GONGHUI_BIND": f"unix:{VAR / 'gunicorn.sock'}",
        "GONGHUI_WORKERS": "2",
        "GONGHUI_REPLICA_CHECK_SECONDS": "1",
        "GONGHUI_SCHEDULER_LOCK": "redis",
    }


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc: no psutil needed)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Stack:
    """The processes the drill starts, each with its log file; all stopped at the end."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.env = app_env()

    def start(self, name: str, command: list[str], **env: str) -> subprocess.Popen[bytes]:
        log = open(VAR / f"{name}.log", "ab")  # noqa: SIM115 — closed with the process
        process = subprocess.Popen(  # noqa: S603
            command, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
        self.processes[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            if sig == signal.SIGKILL:  # a lost machine: its children die too (RQ's work horse
                for child in descendants(process.pid):  # runs in a process group of its own)
                    os.kill(child, signal.SIGKILL)
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.kill(name)

    def manage(self, *args: str) -> str:
        return run(str(BIN / "gonghui"), *args, env=self.env, quiet=True)

    def gunicorn(self) -> None:
        (VAR / "metrics").mkdir(exist_ok=True)
        self.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py"),
             "gonghui.wsgi:application"],
            PROMETHEUS_MULTIPROC_DIR=str(VAR / "metrics"),
        )  # fmt: skip

    def worker(self) -> None:
        self.start(
            "worker",
            [str(BIN / "gonghui"), "rqworker", "--job-class", "django_tasks_rq.Job", "default"],
        )

    def scheduler(self, name: str = "scheduler") -> None:
        self.start(name, [str(BIN / "gonghui"), "scheduler"])

    def nginx(self) -> None:
        certificate = VAR / "tls.crt"
        key = VAR / "tls.key"
        run(
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(key), "-out", str(certificate), quiet=True,
        )  # fmt: skip
        site = (ROOT / "deploy/nginx/gonghui.conf").read_text()
        replacements = {
            "unix:/run/gonghui/gunicorn.sock": f"unix:{VAR / 'gunicorn.sock'}",
            "listen 80;": "listen 127.0.0.1:8080;",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{HTTPS_PORT} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "gonghui.example.cn": "localhost",
            "/etc/ssl/gonghui/fullchain.pem": str(certificate),
            "/etc/ssl/gonghui/privkey.pem": str(key),
            "/opt/gonghui/deploy/nginx": str(ROOT / "deploy/nginx"),
            "/var/lib/gonghui/static/": f"{VAR / 'app' / 'static'}/",
        }
        for production, drill in replacements.items():
            assert production in site, f"deploy/nginx/gonghui.conf lost {production!r}"
            site = site.replace(production, drill)
        (VAR / "nginx-site.conf").write_text(site)
        user = "user root;\n" if os.geteuid() == 0 else ""
        (VAR / "nginx.conf").write_text(
            f"{user}worker_processes 1;\ndaemon off;\npid {VAR / 'nginx.pid'};\n"
            f"error_log {VAR / 'nginx-error.log'} warn;\nevents {{ worker_connections 512; }}\n"
            "http {\n  include /etc/nginx/mime.types;\n"
            f"  access_log {VAR / 'nginx-access.log'};\n"
            f"  client_body_temp_path {VAR / 'nginx-body'};\n"
            f"  proxy_temp_path {VAR / 'nginx-proxy'};\n"
            f"  include {VAR / 'nginx-site.conf'};\n}}\n"
        )
        run("nginx", "-t", "-c", str(VAR / "nginx.conf"), quiet=True)
        self.start("nginx", ["nginx", "-c", str(VAR / "nginx.conf")])


# --- HTTPS client -----------------------------------------------------------------------


class Browser:
    """An HTTPS client through nginx that keeps cookies (a logged-in officer)."""

    def __init__(self) -> None:
        self.context = ssl.create_default_context(cafile=str(VAR / "tls.crt"))
        self.cookies: dict[str, str] = {}
        self.local = threading.local()

    def connection(self) -> http.client.HTTPSConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPSConnection(
                "localhost", HTTPS_PORT, context=self.context, timeout=60
            )
            self.local.conn = conn
        return conn

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"Origin": ORIGIN, "Referer": ORIGIN + "/", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = self.connection()
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self.local.conn = None
            raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def login(self, username: str, password: str) -> None:
        self.request("GET", "/accounts/login/")
        form = urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            }
        ).encode()
        status, _, _ = self.request(
            "POST",
            "/accounts/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302 and "sessionid" in self.cookies, f"log-in failed: {status}"


class Api:
    def __init__(self, browser: Browser, token: str) -> None:
        self.browser = browser
        self.token = token

    def call(
        self, method: str, path: str, payload: Any = None, **headers: str
    ) -> tuple[int, dict[str, Any]]:
        body = json.dumps(payload).encode() if payload is not None else None
        status, _, data = self.browser.request(
            method,
            path,
            body,
            {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                **headers,
            },
        )
        try:
            return status, json.loads(data or b"{}")
        except ValueError:
            return status, {"raw": data[:200].decode(errors="replace")}

    def upload(self, path: str, filename: str, content: bytes, fields: dict[str, str]) -> Any:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.browser.request(
            "POST",
            path,
            b"".join(parts),
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Authorization": f"Bearer {self.token}",
            },
        )


def api_login(username: str, password: str) -> Api:
    browser = Browser()
    status, _, data = browser.request(
        "POST",
        "/api/auth/token",
        json.dumps({"username": username, "password": password}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 200, f"token for {username}: {status} {data[:200]!r}"
    return Api(browser, json.loads(data)["token"])


# --- Data ------------------------------------------------------------------------------


def roster(rows: int, first: int, prefix: str = "演练") -> bytes:
    """A member workbook of ``rows`` new people with valid resident ID numbers."""
    import xlsxwriter
    from stdnum.cn import ric

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("会员")
    header = ["姓名", "公民身份号码", "性别", "民族", "联系电话", "入会日期"]
    for c, value in enumerate(header):
        sheet.write_string(0, c, value)
    start = dt.date(1970, 1, 1)
    for i in range(rows):
        n = first + i
        born = start + dt.timedelta(days=n // 1000)  # (birth date, sequence) unique per n
        body = f"410105{born:%Y%m%d}{n % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        cells = [f"{prefix}{n}", number, "", "汉", f"139{n % 100000000:08d}", "2021-06-01"]
        for c, value in enumerate(cells):
            sheet.write_string(i + 1, c, value)
    book.close()
    return buffer.getvalue()


def wait_job(api: Api, job: int, seconds: float, until: Callable[[dict], bool]) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status, body = api.call("GET", f"/api/jobs/{job}")
        assert status == 200, body
        if until(body):
            return body
        time.sleep(0.5)
    raise AssertionError(f"job {job} still {body.get('status')} after {seconds:.0f} s: {body}")


def request_log(request_id: str) -> dict[str, Any]:
    """The app's JSON log line of one request (gunicorn's log file)."""
    for _ in range(20):
        for line in (VAR / "gunicorn.log").read_text(errors="replace").splitlines():
            if request_id in line and '"event": "request"' in line:
                return json.loads(line)
        time.sleep(0.2)
    raise AssertionError(f"no log line for request {request_id}")


# --- The smoke test and the drills --------------------------------------------------------


class Drill:
    def __init__(self) -> None:
        self.stack = Stack()
        self.results: list[tuple[str, bool, str]] = []

    def outcome(self, name: str, ok: bool, detail: str) -> None:
        self.results.append((name, ok, detail))
        say(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")

    def check(self, name: str, step: Callable[[], str]) -> None:
        try:
            self.outcome(name, True, step())
        except Exception as exc:
            self.outcome(name, False, f"{type(exc).__name__}: {exc}")

    def setup(self) -> None:
        make_clusters()
        run("redis-cli", "-n", "14", "FLUSHDB", quiet=True)
        self.stack.manage("migrate", "--no-input")
        self.stack.manage("collectstatic", "--no-input")
        seeded = json.loads(self.stack.manage("seed_demo", "--size", "small", "--json"))
        self.accounts = {a["username"]: a for a in seeded["accounts"]}
        say(f"migrated and seeded the demo province ({len(self.accounts)} accounts)")
        self.stack.gunicorn()
        self.stack.worker()
        self.stack.scheduler()
        self.stack.scheduler("scheduler2")  # a second host's scheduler: the Redis lock decides
        self.stack.nginx()
        browser = Browser()
        for _ in range(100):
            try:
                if browser.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        say("gunicorn behind nginx (HTTPS, HTTP/2), RQ worker and scheduler started")

    def account(self, username: str) -> dict[str, str]:
        return self.accounts[username]

    # smoke
    def readiness(self) -> str:
        browser = Browser()
        status, _, data = browser.request("GET", "/readyz")
        body = json.loads(data)
        assert status == 200 and body["ready"] and body["replica"]["usable"], body
        return f"/readyz 200, replica lag {body['replica']['lag_seconds']} s"

    def dashboard(self, expect: str) -> str:
        officer = self.account("prov_admin")
        browser = Browser()
        browser.login(officer["username"], officer["password"])
        status, headers, _ = browser.request("GET", "/stats/")
        assert status == 200, status
        line = request_log(headers["x-request-id"])
        assert line["db"] == expect, line
        return f"/stats/ 200 in {line['ms']} ms, reads served by the {expect} database"

    def import_roster(self) -> str:
        chair = self.grassroots_chair()
        api = api_login(chair["username"], chair["password"])
        started = time.monotonic()
        content = roster(10_000, 100_000)
        status, _, data = api.upload(
            "/api/members/import", "演练花名册.xlsx", content, {"org": chair["org_code"]}
        )
        assert status == 202, data[:300]
        job = json.loads(data)["job"]
        body = wait_job(api, job, 300, lambda b: b["status"] in ("done", "failed"))
        assert body["status"] == "done", body
        assert body["result"]["imported"] == 10_000, body["result"]
        return f"10,000 rows imported by the worker in {time.monotonic() - started:.1f} s"

    def grassroots_chair(self) -> dict[str, str]:
        return self.account("gr_chair")

    def counter_offer(self, quota: int) -> int:
        """An approved offer of the demo merchant with room for the drill's redemptions."""
        from decimal import Decimal

        from django.utils import timezone

        from gonghui.accounts.models import User
        from gonghui.benefits.services import merchants as services
        from gonghui.benefits.services.shop import staff_merchant

        admin = User.objects.get(username="admin")
        merchant = staff_merchant(User.objects.get(username="shop01"))
        today = timezone.localdate()
        offer = services.offer_create(
            actor=admin,
            merchant=merchant,
            title="演练立减",
            kind="amount",
            value=Decimal("5"),
            valid_from=today - dt.timedelta(days=1),
            valid_until=today + dt.timedelta(days=30),
            quota=quota,
            budget=Decimal(5 * quota),
            union_share=50,
        )
        services.offer_transition(actor=admin, offer=offer, action="approve")
        return offer.pk

    def card_numbers(self, count: int) -> list[str]:
        """Active cards of the members the roster import just registered."""
        from gonghui.members.models import Card

        return list(
            Card.objects.filter(member__name__startswith="演练", status="active")
            .order_by("id")
            .values_list("number", flat=True)[:count]
        )

    def redeem(self) -> str:
        from gonghui.benefits.models import Redemption
        from gonghui.members.services.cards import card_token

        self.offer = self.counter_offer(quota=1000)
        self.cards = self.card_numbers(401)
        assert len(self.cards) == 401, f"only {len(self.cards)} active cards from the import"
        api = api_login("shop01", self.accounts["shop01"]["password"])
        token = card_token(self.cards[0])
        status, verified = api.call("POST", "/api/shop/verify", {"token": token})
        assert status == 200 and verified["valid"], verified
        key = f"drill-smoke-{uuid.uuid4().hex[:8]}"
        payload = {"token": token, "offer_id": self.offer, "bill_amount": "80"}
        status, body = api.call("POST", "/api/redemptions", payload, **{"Idempotency-Key": key})
        assert status == 201, body
        again, _ = api.call("POST", "/api/redemptions", payload, **{"Idempotency-Key": key})
        assert again == 200 and Redemption.objects.filter(client_key=key).count() == 1
        return f"verified and redeemed (discount {body['discount']}); the retry answered 200, once"

    def scheduler_escalates(self) -> str:
        """The demo's appeal past its second deadline: the schedulers (two, as on two hosts)
        catch up on start and the worker escalates it to the parent union, once."""
        from gonghui.core.models import JobRun
        from gonghui.voice.demo import OVERDUE_TITLE
        from gonghui.voice.models import Appeal

        deadline = time.monotonic() + 90
        appeal = Appeal.objects.get(title=OVERDUE_TITLE)
        while appeal.escalations == 0 and time.monotonic() < deadline:
            time.sleep(0.5)
            appeal.refresh_from_db()
        assert appeal.escalations == 1, "the overdue appeal was not escalated"
        runs = JobRun.objects.filter(job="voice.escalate_overdue")
        assert runs.count() == 1, f"{runs.count()} runs of the escalation for one cron time"
        run = runs.get()
        return (
            f"appeal escalated to {appeal.org.name} by run {run.pk} ({run.status}); "
            "two schedulers, one run"
        )

    # drills
    def replica_stopped(self) -> str:
        pg(REPLICA, "stop", "-m", "fast")
        try:
            time.sleep(1.5)  # past GONGHUI_REPLICA_CHECK_SECONDS: the app notices
            return self.dashboard(expect="default") + " with the replica stopped"
        finally:
            pg(REPLICA, "start")

    def upload_too_big(self) -> str:
        browser = Browser()
        body = b"0" * (61 * 1024 * 1024)
        status, _, data = browser.request(
            "POST", "/api/members/import", body, {"Content-Type": "application/octet-stream"}
        )
        text = data.decode("utf-8", errors="replace")
        assert status == 413 and "上传的文件过大" in text, (status, text[:200])
        return "61 MB upload: 413 with the Chinese page"

    def primary_restarted_during_a_burst(self) -> str:
        """400 redemptions by 8 keep-alive clients; the primary restarts in the middle. Each
        client retries a refused or broken request with the same Idempotency-Key until it is
        answered: every redemption must exist exactly once, none lost, none doubled."""
        from gonghui.benefits.models import Redemption
        from gonghui.members.services.cards import card_token

        api = api_login("shop01", self.accounts["shop01"]["password"])
        cards = self.cards[1:401]
        answers: dict[int, int] = {}
        retryable: dict[int, int] = {}
        lock = threading.Lock()
        restarted = threading.Event()

        def redeem(i: int) -> None:
            key = f"drill-burst-{i:04d}"
            deadline = time.monotonic() + 90
            while True:
                try:
                    status, body = api.call(
                        "POST",
                        "/api/redemptions",
                        {
                            "token": card_token(cards[i]),
                            "offer_id": self.offer,
                            "bill_amount": "60",
                        },
                        **{"Idempotency-Key": key},
                    )
                except (OSError, http.client.HTTPException):
                    status, body = 0, {}
                if status in (200, 201) or time.monotonic() > deadline:
                    break
                assert status in (0, 502, 503, 504), (status, body)  # never a 500
                with lock:
                    retryable[status] = retryable.get(status, 0) + 1
                time.sleep(0.3)
            with lock:
                answers[status] = answers.get(status, 0) + 1

        def restart_primary() -> None:
            time.sleep(1.0)
            pg(PRIMARY, "restart", "-m", "fast")
            restarted.set()

        restarter = threading.Thread(target=restart_primary)
        started = time.monotonic()
        restarter.start()
        from django.db import connections

        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(redeem, range(len(cards))))
        finally:
            restarter.join()
            # the drill's own connection died with the restart too (also when a check failed:
            # the next check must not inherit it)
            connections.close_all()
        elapsed = time.monotonic() - started
        assert restarted.is_set()
        keys = Redemption.objects.filter(client_key__startswith="drill-burst-")
        assert answers.get(200, 0) + answers.get(201, 0) == len(cards), answers
        assert keys.count() == len(cards), f"{keys.count()} rows for {len(cards)} redemptions"
        assert keys.values("client_key").distinct().count() == len(cards)
        return (
            f"{len(cards)} redemptions in {elapsed:.1f} s across a primary restart: each exactly"
            f" once; clients saw {sum(retryable.values())} retryable errors {retryable}"
        )

    def worker_killed_during_an_import(self) -> str:
        """The worker dies (SIGKILL) in the middle of a 30,000-row import: the job must end
        failed with a reason or done after a retry, never half imported or duplicated."""
        from gonghui.members.models import Member

        chair = self.grassroots_chair()
        api = api_login(chair["username"], chair["password"])
        before = Member.objects.filter(name__startswith="杀进程").count()
        content = roster(30_000, 500_000, prefix="杀进程")  # the same bytes for the retry
        status, _, data = api.upload(
            "/api/members/import", "大花名册.xlsx", content, {"org": chair["org_code"]}
        )
        assert status == 202, data[:300]
        job = json.loads(data)["job"]
        wait_job(api, job, 120, lambda b: b["status"] == "running" and b["processed"] > 0)
        self.stack.kill("worker", signal.SIGKILL)
        half = Member.objects.filter(name__startswith="杀进程").count() - before
        self.stack.worker()
        body = wait_job(api, job, 240, lambda b: b["status"] in ("done", "failed"))
        after_kill = Member.objects.filter(name__startswith="杀进程").count() - before
        outcome = body["status"]
        assert after_kill in (0, 30_000), f"{after_kill} rows after the killed import"
        if outcome == "failed":
            assert body["message"], "a failed job must say why"
            status, _, data = api.upload(
                "/api/members/import", "大花名册.xlsx", content, {"org": chair["org_code"]}
            )
            retry = json.loads(data)["job"]
            wait_job(api, retry, 300, lambda b: b["status"] in ("done", "failed"))
        total = Member.objects.filter(name__startswith="杀进程").count() - before
        assert total == 30_000, f"{total} members after the retry"
        return (
            f"killed with {half} rows visible; job {outcome}"
            f"{' (' + body['message'] + ')' if outcome == 'failed' else ''};"
            f" after the retry 30,000 members, no duplicate"
        )


def prepare_django(env: dict[str, str]) -> None:
    """The drill reads the database directly for its checks (with the app's own settings)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def main() -> int:
    if os.geteuid() != 0:
        print("drill: run as root (it creates PostgreSQL clusters and runs nginx)")
        return 2
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    drill = Drill()
    try:
        drill.setup()
        prepare_django(drill.stack.env)
        drill.check("readiness", drill.readiness)
        drill.check("dashboard from the replica", lambda: drill.dashboard(expect="replica"))
        drill.check("roster import through the worker", drill.import_roster)
        drill.check("redemption at the counter", drill.redeem)
        drill.check("scheduler escalates an overdue appeal", drill.scheduler_escalates)
        drill.check("upload over the limit", drill.upload_too_big)
        drill.check("dashboard with the replica stopped", drill.replica_stopped)
        drill.check(
            "primary restarted during a redemption burst", drill.primary_restarted_during_a_burst
        )
        drill.check("worker killed during an import", drill.worker_killed_during_an_import)
    finally:
        drill.stack.stop_all()
        drop_clusters()
    failed = [name for name, ok, _ in drill.results if not ok]
    say(f"deploy drill: {len(drill.results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
