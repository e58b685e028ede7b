"""deploy/: the Dockerfile, the compose file and the systemd units run `xxgk` commands that
exist, with options that exist, and the example settings name only what the code reads.

What can be checked here without building an image, a Docker daemon or the network:
`docker compose config` (or docker-compose) when installed, `systemd-analyze verify` when
installed; both are skipped with the reason otherwise.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from scheduler.runs import STOP_GRACE

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
ENV_EXAMPLE = DEPLOY / "xxgk.env.example"
TOML_EXAMPLE = DEPLOY / "xxgk.toml.example"
XXGK = Path(sys.executable).with_name("xxgk")
INSTALLED_XXGK = "/opt/xxgk/bin/xxgk"  # where docs/operations.md installs it
SOURCE_PACKAGES = ("xxgk", "archive", "crawler", "parsers", "scheduler")
# The image's services, and the bundled third-party ones.
XXGK_SERVICES = {"migrate", "scheduler", "worker", "web", "xxgk"}
OTHER_SERVICES = {"postgres", "redis", "minio", "minio-init"}
TEST_SERVICES = {"postgresql", "redis-server"}  # in the Makefile for `make test` only


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def units() -> dict[str, configparser.ConfigParser]:
    parsed = {}
    for path in sorted(UNITS.iterdir()):
        parser = configparser.ConfigParser(interpolation=None, strict=True)
        parser.optionxform = str  # systemd keys are case-sensitive
        parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
        parsed[path.name] = parser
    return parsed


def assert_real_commands(commands: dict[str, list[str]]) -> None:
    """Every argument list is a real `xxgk` subcommand with real options: `xxgk ARGS --help`
    exits 0 (Click parses every option named before the eager --help answers). In this
    process, on the console script's own app: a subprocess per command costs seconds."""
    from typer.testing import CliRunner

    from xxgk.cli import app

    runner = CliRunner()
    wrong = {}
    for where, args in commands.items():
        result = runner.invoke(app, [*args, "--help"])
        if result.exit_code != 0:
            wrong[where] = f"xxgk {' '.join(args)}: {result.output.strip()[-300:]}"
    assert not wrong, wrong


def duration_seconds(text: str) -> float:
    units_ = {"s": 1, "m": 60, "h": 3600}
    return sum(float(n) * units_[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)([smh])", text))


def env_example_names() -> list[str]:
    """Every variable of the env example, set or commented out."""
    return re.findall(r"^#?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"),
                      re.MULTILINE)


@cache
def source_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for package in SOURCE_PACKAGES
                     for p in sorted((ROOT / package).rglob("*.py")))


# --- docker-compose.yml ---------------------------------------------------------------------

def test_compose_has_every_role_and_runs_real_commands() -> None:
    services = compose()["services"]
    assert set(services) == XXGK_SERVICES | OTHER_SERVICES
    commands = {}
    for name in XXGK_SERVICES:
        service = services[name]
        assert service["image"].startswith("${XXGK_IMAGE:-xxgk-archive")
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert "xxgk-data:/data" in service["volumes"]
        if "command" in service:
            commands[name] = service["command"]
        test = service.get("healthcheck", {}).get("test", [])
        if test[:2] == ["CMD", "xxgk"]:
            commands[f"{name} healthcheck"] = test[2:]
    assert set(commands) >= {"migrate", "scheduler", "worker", "web", "scheduler healthcheck"}
    assert_real_commands(commands)


def test_compose_startup_order_and_health() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for needed, how in service.get("depends_on", {}).items():
            assert needed in services, (name, needed)
            if how["condition"] == "service_healthy":
                assert "healthcheck" in services[needed], needed
            if how["condition"] == "service_completed_successfully":
                assert services[needed]["restart"] == "no", needed
    for name in ("scheduler", "worker", "web"):
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
    assert {"postgres", "redis", "minio"} <= {n for n, s in services.items() if "healthcheck" in s}


def test_compose_scheduler_standby_and_clean_stops() -> None:
    services = compose()["services"]
    scheduler, worker = services["scheduler"], services["worker"]
    assert scheduler["deploy"]["replicas"] >= 2
    # Replicas share a hostname (a run left by one is this host's to the other), workers
    # must not (a worker's id is host:pid).
    assert scheduler["hostname"]
    assert "hostname" not in worker
    assert worker["deploy"]["replicas"] >= 2
    for service in (scheduler, worker):
        assert duration_seconds(service["stop_grace_period"]) >= STOP_GRACE + 20
        assert service["shm_size"]  # Chromium


def test_compose_config_validates() -> None:
    """The compose tool itself accepts the file (interpolation, schema, merge keys)."""
    if shutil.which("docker") and subprocess.run(
            ["docker", "compose", "version"], check=False, capture_output=True).returncode == 0:
        tool = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        tool = ["docker-compose"]
    else:
        pytest.skip("neither `docker compose` nor docker-compose is installed")
    result = subprocess.run(
        [*tool, "-p", "xxgk", "-f", str(DEPLOY / "docker-compose.yml"), "config"],
        check=False, capture_output=True, text=True, timeout=60,
        env={**os.environ, "XXGK_ENV_FILE": ENV_EXAMPLE.name})
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)
    assert set(resolved["services"]) == XXGK_SERVICES | OTHER_SERVICES
    assert resolved["services"]["scheduler"]["environment"]["XXGK_DATABASE_URL"].startswith(
        "postgresql+psycopg://")


# --- Dockerfile and .dockerignore -------------------------------------------------------

def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def test_image_installs_runtime_packages_and_runs_xxgk_unprivileged() -> None:
    text = dockerfile()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"^SYSTEM_PACKAGES := (.*?)(?<!\\)$", makefile,
                       re.MULTILINE | re.DOTALL).group(1)
    runtime = set(listed.replace("\\", " ").split()) - TEST_SERVICES
    install = re.search(r"apt-get install ([^&]*)", text).group(1).replace("\\", " ").split()
    assert runtime <= set(install), runtime - set(install)
    assert not TEST_SERVICES & set(install)
    assert re.search(r"pip install --no-deps --no-build-isolation /src\b", text)
    assert re.search(r"pip install --require-hashes --no-deps -r /src/requirements.lock", text)
    assert "[dev]" not in text and "requirements-dev.lock" not in text
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (.*)$", text, re.MULTILINE).group(1))
    assert entrypoint[-1] == "xxgk"
    user = re.findall(r"^USER (\S+)$", text, re.MULTILINE)[-1]
    assert user.split(":")[0] not in ("root", "0")
    assert re.search(r"^ENV [^#]*XXGK_HOME=/data", text, re.MULTILINE)
    assert 'VOLUME ["/data"]' in text


def test_image_copies_only_what_dockerignore_lets_in() -> None:
    allowed = {line[1:].rstrip("/") for line in
               (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.startswith("!")}
    copied = [source for line in re.findall(r"^COPY (?!--from)(.*)$", dockerfile(), re.MULTILINE)
              for source in line.split()[:-1]]
    assert set(copied) == allowed
    for source in copied:
        assert (ROOT / source).exists(), source
    assert {"tests", ".venv", "xxgk-data"}.isdisjoint(allowed)


# --- systemd units ---------------------------------------------------------------------------

def test_units_run_real_commands_as_xxgk() -> None:
    parsed = units()
    assert set(parsed) == {"xxgk-scheduler.service", "xxgk-worker@.service",
                           "xxgk-web.service", "xxgk-status.service", "xxgk-status.timer"}
    commands = {}
    for name, unit in parsed.items():
        if not name.endswith(".service"):
            continue
        service = unit["Service"]
        program, *args = shlex.split(service["ExecStart"])
        assert program == INSTALLED_XXGK, name
        commands[name] = args
        assert service["User"] == "xxgk"
        assert service["EnvironmentFile"] == "/etc/xxgk/xxgk.env"
        home = re.search(r"XXGK_HOME=(\S+)", service["Environment"]).group(1)
        assert service["ReadWritePaths"] == home == service["WorkingDirectory"]
        assert service["ProtectSystem"] == "strict" and service["NoNewPrivileges"] == "yes"
        # Chromium's JIT and LibreOffice need writable+executable memory.
        assert "MemoryDenyWriteExecute" not in service
    assert_real_commands(commands)
    assert parsed["xxgk-status.timer"]["Timer"]["OnUnitActiveSec"]


def test_long_running_units_stop_cleanly_and_restart() -> None:
    parsed = units()
    for name in ("xxgk-scheduler.service", "xxgk-worker@.service"):
        service = parsed[name]["Service"]
        assert service["Restart"] == "always"
        assert service["KillSignal"] == "SIGTERM" and service["KillMode"] == "mixed"
        assert float(service["TimeoutStopSec"]) >= STOP_GRACE + 20


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    # verify checks that ExecStart's program exists: point it at this venv's xxgk.
    names = []
    for path in UNITS.iterdir():
        text = path.read_text(encoding="utf-8").replace(INSTALLED_XXGK, str(XXGK))
        name = path.name.replace("@.", "@1.")  # a template is verified through an instance
        (tmp_path / name).write_text(text, encoding="utf-8")
        names.append(name)
    result = subprocess.run([tool, "verify", *names], check=False, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    # Unknown keys and bad values are only warnings (exit code 0): read them too.
    ours = [line for line in (result.stdout + result.stderr).splitlines()
            if any(name in line for name in names)]
    assert result.returncode == 0 and not ours, result.stdout + result.stderr


# --- example settings ------------------------------------------------------------------------

def test_env_example_names_only_variables_something_reads() -> None:
    compose_text = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    names = env_example_names()
    assert len(names) == len(set(names))
    for name in names:
        if name.startswith(("XXGK_", "AWS_")):
            read = f'"{name}"' in source_text()
            assert read, f"{name}: no code reads it"
        else:  # the bundled services' own variables
            assert name in compose_text, f"{name}: not used by docker-compose.yml"
        assert name in operations, f"{name}: not described in docs/operations.md"


def test_env_example_is_plain_key_value_lines_and_consistent() -> None:
    """systemd's EnvironmentFile and compose's env_file read it alike: no quotes, no
    spaces, no `export`."""
    settings = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\s'\"]*", line), line
            key, value = line.split("=", 1)
            settings[key] = value
    database = urlsplit(settings["XXGK_DATABASE_URL"])
    assert (database.username, database.password, database.path[1:]) == (
        settings["POSTGRES_USER"], settings["POSTGRES_PASSWORD"], settings["POSTGRES_DB"])
    assert settings["AWS_ACCESS_KEY_ID"] != settings["MINIO_ROOT_USER"]


def test_settings_example_loads_and_matches_the_env_example(tmp_path: Path) -> None:
    """Every key of the settings file, the commented ones included, is one load_config
    knows, and each becomes a variable that the env example has too."""
    full = tmp_path / "full.toml"
    full.write_text(re.sub(r"^# (\w+ = )", r"\1", TOML_EXAMPLE.read_text(encoding="utf-8"),
                           flags=re.MULTILINE), encoding="utf-8")
    # load_config sets only unset variables: each file from the same clean environment.
    script = ("import json, os, sys; from pathlib import Path; "
              "from scheduler.config import load_config; base = dict(os.environ); out = []\n"
              "for p in sys.argv[1:]:\n"
              "    os.environ.clear(); os.environ.update(base); out.append(load_config(Path(p)))\n"
              "print(json.dumps(out))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "AWS_"))}
    result = subprocess.run([sys.executable, "-c", script, str(TOML_EXAMPLE), str(full)],
                            check=False, capture_output=True, text=True, timeout=60,
                            cwd=ROOT, env=clean)
    assert result.returncode == 0, result.stderr
    as_shipped, everything = json.loads(result.stdout)
    assert as_shipped["XXGK_S3_BUCKET"] == "xxgk-archive"
    assert as_shipped["XXGK_SMTP_TO"] == "archivists@example.org"
    assert set(as_shipped) < set(everything)
    assert set(everything) <= set(env_example_names())
