"""The lock files: every dependency the project declares is pinned with hashes, the product's
lock and the development lock agree, every installer installs from them, and the environment
the suite runs in is exactly the locked one (a fresh machine gets what the suite was green
with, not whatever was released since)."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
PYWB_LOCK = ROOT / "deploy" / "pywb.lock"
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) for the pins whose markers hold here."""
    pins: dict[str, tuple[str, int]] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := _PIN.match(line):
            name, version, marker = match.groups()
            current = None
            if marker and not Marker(marker).evaluate():
                continue
            current = canonicalize_name(name)
            pins[current] = (version, 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return [Requirement(text) for text in [*project["dependencies"], *extras]]


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK, PYWB_LOCK], ids=lambda p: p.name)
def test_every_pin_carries_hashes(lock: Path) -> None:
    pins = locked(lock)
    assert pins
    assert not [name for name, (_, hashes) in pins.items() if hashes == 0]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pins = locked(DEV_LOCK)
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in {DEV_LOCK.name}"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), \
            f"{requirement}: locked {pins[name][0]}"


def test_the_product_lock_is_the_development_lock_without_the_test_tools() -> None:
    runtime, dev = locked(RUNTIME_LOCK), locked(DEV_LOCK)
    assert runtime.keys() < dev.keys()
    assert {name: runtime[name][0] for name in runtime} == \
        {name: dev[name][0] for name in runtime}
    assert {"pytest", "moto", "hypothesis"}.isdisjoint(runtime)


def test_this_environment_is_the_locked_one() -> None:
    """Run by the suite itself: a setup that resolved anything instead of the lock fails."""
    wrong = {}
    for name, (version, _) in locked(DEV_LOCK).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (installed, version)
    assert not wrong, f"installed vs locked: {wrong}"


def test_every_installer_installs_from_a_lock_with_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"pip install .*--require-hashes --no-deps -r \$\(DEV_LOCK\)", makefile)
    assert re.search(r"pip install .*--no-deps --no-build-isolation -e \.", makefile)
    assert "pip install --quiet -e" not in makefile and "--upgrade pip" not in makefile
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "--require-hashes --no-deps -r /src/requirements.lock" in dockerfile
    pywb = (ROOT / "deploy" / "pywb-venv.sh").read_text(encoding="utf-8")
    assert "--require-hashes" in pywb and "pywb.lock" in pywb
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "pip install" not in ci
