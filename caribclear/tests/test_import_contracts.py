"""The layer contracts in pyproject.toml fail the build when an import runs back up or closes a loop.

Each case copies the project's Python files to a temporary directory, adds one offending import and runs
lint-imports there with the project's own contracts; the untouched copy must pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(
        ROOT / "caribclear",
        target / "caribclear",
        ignore=lambda _dir, names: (
            [n for n in names if not (n.endswith(".py") or "." not in n)]
            + [n for n in names if n in ("__pycache__", "static", "templates", "locale")]
        ),
    )
    return target


def lint(where: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *(arg for c in contracts for arg in ("--contract", c))],
        cwd=where,
        env={**os.environ, "PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_project_keeps_its_contracts(copy: Path) -> None:
    result = lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("caribclear.core.refs", "import caribclear.accounts.models", "layers"),
        ("caribclear.vessels.services", "from caribclear.clearance import models", "layers"),
        ("caribclear.screening.models", "from caribclear.risk import choices", "screening-knows-no-risk"),
        (
            "caribclear.risk.models",
            "from caribclear.intel import choices",
            "screening-risk-know-no-declaration",
        ),
        ("caribclear.intel.choices", "from caribclear.intel import services", "no-cycles"),
    ],
)
def test_an_import_that_runs_back_up_or_loops_fails(
    copy: Path, module: str, line: str, contract: str
) -> None:
    assert lint(copy, contract).returncode == 0
    path = copy / (module.replace(".", "/") + ".py")
    original = path.read_text()
    path.write_text(f"{original}\n{line}\n")
    try:
        result = lint(copy, contract)
    finally:
        path.write_text(original)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout and module.rsplit(".", 1)[1] in result.stdout, result.stdout
