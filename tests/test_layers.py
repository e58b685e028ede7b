"""The layering of docs/architecture.md holds: `lint-imports` checks the contracts in
pyproject.toml ([tool.importlinter]) over every import of the product packages, those made
inside functions included. A part that imports one above it (the archive reaching for the
parsers' models, the base for the scheduler) fails here, naming the chain of imports; so do
two modules or sub-packages of one package that import each other, even through others
(archive/read and archive/write, say: the writer may read, the reader never writes)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_no_part_imports_a_layer_above_it() -> None:
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_the_contract_covers_every_product_package() -> None:
    """A new top-level package or a part left out of the layers would be checked by nothing."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    linter = config["tool"]["importlinter"]
    packages = set(config["tool"]["setuptools"]["packages"]["find"]["include"])
    assert {f"{name}*" for name in linter["root_packages"]} == packages
    (layers,) = [c["layers"] for c in linter["contracts"] if c["type"] == "layers"]
    named = {part.strip().split(".")[0] for layer in layers
             for part in layer.replace(":", "|").split("|")}
    assert named == set(linter["root_packages"])
