"""The `xxgk` console script: installed, documented, and resolving its data home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

XXGK = Path(sys.executable).with_name("xxgk")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(XXGK), *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_help_lists_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "政府信息公开工作年度报告" in result.stdout
    assert "info" in result.stdout


def test_home_option_wins_over_environment(tmp_path: Path) -> None:
    result = run("info", "--json", "--home", str(tmp_path / "a"),
                 env={"XXGK_HOME": str(tmp_path / "b")})
    facts = json.loads(result.stdout)
    assert facts["home"] == str(tmp_path / "a")
    assert facts["database_url"] == f"sqlite:///{tmp_path / 'a' / 'xxgk.sqlite3'}"
    assert facts["archive_dir"] == str(tmp_path / "a" / "archive")


def test_environment_home_and_database_url(tmp_path: Path) -> None:
    env = {"XXGK_HOME": str(tmp_path / "b"),
           "XXGK_DATABASE_URL": "postgresql+psycopg://127.0.0.1/xxgk"}
    facts = json.loads(run("info", "--json", env=env).stdout)
    assert facts["home"] == str(tmp_path / "b")
    assert facts["database_url"] == "postgresql+psycopg://127.0.0.1/xxgk"
    assert facts["home_exists"] is False  # reading never creates the home


def test_default_home_is_relative_to_working_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("XXGK_HOME", "XXGK_DATABASE_URL")}
    result = subprocess.run([str(XXGK), "info", "--json"], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=60)
    assert json.loads(result.stdout)["home"] == str(tmp_path / "xxgk-data")
