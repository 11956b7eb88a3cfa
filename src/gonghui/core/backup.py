"""Backup and restore of the whole database: SQLite through its online backup API (consistent
while the server runs), PostgreSQL through pg_dump / pg_restore (custom format)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection


class BackupError(RuntimeError):
    pass


def _pg_env(params: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(params["NAME"])]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"未找到 {name}：请安装与数据库服务器版本一致的 PostgreSQL 客户端")
    return path


def backup(out: Path) -> Path:
    """Write a consistent copy of the database to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = sqlite3.connect(out)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        cmd = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), *args]
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode:
            raise BackupError(result.stderr.strip())
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    os.chmod(out, 0o600)  # it holds encrypted personal data and the audit trail
    return out


def restore(source: Path) -> None:
    """Replace the database's content with the backup in ``source``."""
    if not source.is_file():
        raise BackupError(f"找不到备份文件：{source}")
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        connection.close()  # pg_restore --clean must not wait on our own locks
        cmd = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(source),
        ]
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode:
            raise BackupError(result.stderr.strip())
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")
