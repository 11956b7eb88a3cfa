"""`gonghui demo` migrates, seeds once, serves a Chinese login page and prints the accounts; it
runs the web server, a task worker and the scheduler as child processes and stops them all on
SIGTERM or Ctrl-C (SIGINT to the terminal's process group), leaving no orphan."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_login_page(url: str, process: subprocess.Popen[str], timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "gonghui demo exited early"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.2)  # polling a starting server, not waiting for a result
    raise AssertionError("the demo server did not answer in time")


def children_of(pid: int) -> dict[int, str]:
    """The live child processes of ``pid`` and their command lines (from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found[int(entry.name)] = cmdline
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop", ["sigterm", "ctrl-c"])
def test_gonghui_demo_serves_the_login_page_and_prints_accounts(tmp_path: Path, stop: str) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GONGHUI_ENV")}
    env["GONGHUI_VAR_DIR"] = str(tmp_path / "var")
    process = subprocess.Popen(
        [sys.executable, "-m", "gonghui.cli", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        page = wait_for_login_page(f"http://127.0.0.1:{port}/accounts/login/", process)
        assert "用户名或手机号码" in page and 'lang="zh-CN"' in page
        children = children_of(process.pid)
        commands = " | ".join(children.values())
        assert len(children) == 3, commands
        worker = "rqworker" if env.get("REDIS_URL") else "db_worker"  # the demo's task backend
        assert "runserver" in commands and worker in commands and "scheduler" in commands
    finally:
        if stop == "ctrl-c":
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole group
        else:
            process.terminate()  # SIGTERM to the demo alone: it stops its children
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert not [pid for pid in children if alive(pid)], "orphan processes left running"
    assert "演示已停止" in output
    assert f"http://127.0.0.1:{port}/" in output
    assert re.search(r"js_admin\s+\S+\s+管理员\s+ZZJS\s+县\(区\)总工会", output), output
    assert "每 15 分钟：逾期诉求升级到上级工会" in output
    assert (tmp_path / "var" / "gonghui.sqlite3").exists()
