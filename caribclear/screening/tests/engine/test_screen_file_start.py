"""``manage.py screen_file`` starts screening at once: it reads and writes files through the engine alone."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management.base import BaseCommand

from caribclear.screening.management.commands.screen_file import Command


def test_screen_file_starts_without_running_the_projects_system_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_checks(*args: object, **kwargs: object) -> None:
        raise AssertionError("screen_file ran the system checks")

    monkeypatch.setattr(BaseCommand, "check", no_checks)
    watchlist = tmp_path / "list.csv"
    watchlist.write_text("id,name,birth_date\nL1,Keisha Brown,1988-04-02\n", encoding="utf-8")
    queries = tmp_path / "manifest.csv"
    queries.write_text("id,name,birth_date\nP1,Keisha Brown,1988-04-02\n", encoding="utf-8")
    out = tmp_path / "hits.jsonl"
    stdout = io.StringIO()
    # as from the command line (``call_command`` skips the checks of any command)
    Command(stdout=stdout).run_from_argv(
        ["manage.py", "screen_file", "--watchlist", str(watchlist), "--queries", str(queries),
         "--out", str(out), "--quiet"]
    )  # fmt: skip
    assert "1 queries screened against 1 entities: 1 with matches" in stdout.getvalue()
