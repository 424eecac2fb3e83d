"""Shared paths for the engine tests: the real list files live in the sibling ``shared/`` checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[4] / ".." / "shared" / "fixtures" / "watchlists"


@pytest.fixture
def watchlists() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"the shared watchlist fixtures are missing: {FIXTURES}")
    return FIXTURES
