"""Where the shared real files are (read from there, never copied)."""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures"


def shared_file(*parts: str) -> bytes:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"the shared fixture is missing: {path}")
    return path.read_bytes()
