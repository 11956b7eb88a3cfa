"""Issue 16 item 4: a capability change takes effect on every worker within 1 s. The matrix is
cached in the shared cache under a version token that every change replaces."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings

from gonghui.orgs.capabilities import capabilities_of, effective_matrix, forget_matrix
from gonghui.orgs.models import CapabilityOverride
from tests.conftest import REDIS_URL, Cast, fresh, redis_connection

REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                           "LOCATION": REDIS_URL}}  # fmt: skip


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a second connection reading committed rows"
)
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_racing_a_change_does_not_outlive_it(cast: Cast) -> None:
    """Another worker rebuilds the matrix from the committed rows while the change is still
    uncommitted, and stores it after the change cleared the cache: that stale matrix must not
    be what every worker reads for the next five minutes."""
    effective_matrix()
    with transaction.atomic():
        CapabilityOverride.objects.create(role="admin", level="federation", capability="reveal_pii")
        forget_matrix()

        def other_worker() -> None:
            try:
                assert "reveal_pii" not in capabilities_of("admin", "federation")
            finally:
                connection.close()

        worker = threading.Thread(target=other_worker)
        worker.start()
        worker.join()
    assert "reveal_pii" in capabilities_of("admin", "federation")
    assert fresh(cast.county_officer).has_capability("reveal_pii", cast.grassroots.path)


# Each worker reads commands on stdin, so the test orders what they do without sleeping.
_WATCH = """
import sys, time
from gonghui.accounts.models import User
pk, path = int(sys.argv[1]), sys.argv[2]
for line in sys.stdin:  # one check per line, with a fresh user object as each request loads one
    seen = User.objects.get(pk=pk).has_capability("reveal_pii", path)
    print(seen, repr(time.time()), flush=True)
"""

_CHANGE = """
import sys, time
from django.db import transaction
from gonghui.orgs.capabilities import forget_matrix
from gonghui.orgs.models import CapabilityOverride
with transaction.atomic():
    CapabilityOverride.objects.create(role="admin", level="federation", capability="reveal_pii")
    forget_matrix()
    print("pending", flush=True)
    sys.stdin.readline()  # commit when told
print("changed", repr(time.time()), flush=True)
"""


def _worker_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GONGHUI_ENV"}
    env["REDIS_URL"] = REDIS_URL
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:  # the test database lives in memory: the workers share a copy of it in a file
        path = tmp_path / "workers.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        env["DATABASE_URL"] = f"sqlite:///{path}"
    return env


def _python(code: str, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    prelude = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gonghui.settings');"
        " django.setup()\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", prelude + code, *args],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )


def _ask(process: subprocess.Popen[str], line: str = "") -> list[str]:
    assert process.stdin is not None and process.stdout is not None
    if line:
        process.stdin.write(line + "\n")
        process.stdin.flush()
    answer = process.stdout.readline()
    assert answer, process.stderr.read() if process.stderr else "no answer"
    return answer.split()


@pytest.mark.django_db(transaction=True)
def test_two_workers_see_a_matrix_change_within_a_second(cast: Cast, tmp_path: Path) -> None:
    redis_connection()  # skips where no Redis answers
    with override_settings(CACHES=REDIS_CACHE):
        forget_matrix()  # nothing a previous run cached on this Redis is read
    env = _worker_env(tmp_path)
    watcher = _python(_WATCH, str(cast.county_officer.pk), cast.grassroots.path, env=env)
    changer = _python(_CHANGE, env=env)
    try:
        # The watching worker has read (and cached) the matrix without the capability.
        assert _ask(watcher, "check")[0] == "False"
        # The other worker changes it; before it commits, the watcher checks again and so
        # rebuilds the matrix from the rows committed so far.
        assert _ask(changer) == ["pending"]
        assert _ask(watcher, "check")[0] == "False"
        word, changed = _ask(changer, "commit")
        assert word == "changed"
        while True:
            seen, at = _ask(watcher, "check")
            lag = float(at) - float(changed)
            if seen == "True":
                break
            assert lag < 1.0, "the other worker still works with the old matrix after 1 s"
        assert lag < 1.0
    finally:
        for process in (watcher, changer):
            if process.poll() is None:
                process.kill()
            process.communicate()
