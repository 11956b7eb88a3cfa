"""`gonghui demo` migrates, seeds once, serves a Chinese login page and prints the accounts."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


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


def test_gonghui_demo_serves_the_login_page_and_prints_accounts(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GONGHUI_ENV")}
    env["GONGHUI_VAR_DIR"] = str(tmp_path / "var")
    process = subprocess.Popen(
        [sys.executable, "-m", "gonghui.cli", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = wait_for_login_page(f"http://127.0.0.1:{port}/accounts/login/", process)
        assert "用户名或手机号码" in page and 'lang="zh-CN"' in page
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in output
    assert re.search(r"js_admin\s+\S+\s+管理员\s+ZZJS\s+county", output), output
    assert (tmp_path / "var" / "gonghui.sqlite3").exists()
