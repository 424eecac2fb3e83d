"""``manage.py screen_file``: the command-line contract other tools rely on."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

PROJECT_DIR = Path(__file__).resolve().parents[3]
WATCHLISTS = PROJECT_DIR / ".." / "shared" / "fixtures" / "watchlists"

QUERIES = (
    "id,name,birth_date,nationality,gender\n"
    "P1,Fernando MALDONADO ESCOBAR,1961-05-16,CO,M\n"
    "P2,Keisha Brown,1988-04-02,JM,F\n"
    "P3,Floribert Ndjabu,1971-05-23,CD,M\n"
)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("screen_file", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def queries(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.csv"
    path.write_text(QUERIES, encoding="utf-8")
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_screens_a_manifest_against_ofac(tmp_path: Path, queries: Path) -> None:
    out = tmp_path / "hits.jsonl"
    stdout, _ = run(
        "--watchlist", str(WATCHLISTS / "ofac_sdn.csv"), "--queries", str(queries), "--out", str(out)
    )
    result = lines(out)
    assert [r["query_id"] for r in result] == ["P1", "P2", "P3"]
    assert result[0]["matches"][0]["entity_id"] == "ofac-10286"
    assert result[1]["matches"] == []
    assert result[2]["matches"] == []  # a UN-listed person is not on this OFAC extract
    assert "3 queries screened against 8699 entities: 1 with matches" in stdout


def test_un_list_named_by_the_flag(tmp_path: Path, queries: Path) -> None:
    out = tmp_path / "hits.jsonl"
    run(
        "--watchlist", str(WATCHLISTS / "UN_consolidated.xml"),
        "--queries", str(queries),
        "--out", str(out),
        "--watchlist-format", "un",
        "--threshold", "0.9",
    )  # fmt: skip
    match = lines(out)[2]["matches"][0]
    assert match["entity_id"] == "un-CDi.021"
    assert match["score"] >= 0.9
    assert "identical" in match["explanation"]


def test_ftm_queries(tmp_path: Path) -> None:
    queries = tmp_path / "crew.ftm.json"
    queries.write_text(
        json.dumps({"id": "crew-7", "schema": "Vessel", "properties": {"name": ["Sand Swan"]}}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "hits.jsonl"
    run("--watchlist", str(WATCHLISTS / "ofac_sdn.csv"), "--queries", str(queries), "--out", str(out))
    assert lines(out)[0]["matches"][0]["entity_id"] == "ofac-4243"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--watchlist", "/nonexistent/list.json"], "list.json: file not found"),
        (["--watchlist-format", "xls"], "invalid choice: 'xls'"),
        (["--threshold", "1.5"], "1.5 is not between 0 and 1"),
    ],
)
def test_clear_errors(tmp_path: Path, queries: Path, args: list[str], message: str) -> None:
    base = {
        "--watchlist": str(WATCHLISTS / "csl.csv"),
        "--queries": str(queries),
        "--out": str(tmp_path / "o"),
    }
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    with pytest.raises(CommandError, match=message):
        run(*[x for pair in base.items() for x in pair])


def test_bad_query_row_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,birth_date\nP1,Ana Diaz,1990\nP2,Luis Rey,12/31/1990\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad.csv, line 3: birth_date '12/31/1990' is not YYYY-MM-DD"):
        run("--watchlist", str(WATCHLISTS / "csl.csv"), "--queries", str(bad), "--out", str(tmp_path / "o"))


def test_help_documents_the_default_threshold() -> None:
    from caribclear.screening.management.commands.screen_file import Command

    text = Command().create_parser("manage.py", "screen_file").format_help()
    assert "default 0.8" in text
    assert "--watchlist-format" in text


def test_a_worker_killed_for_memory_is_a_clear_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alarm: None
) -> None:
    from caribclear.screening.engine import batch
    from caribclear.screening.tests.engine.test_batch import _killed_like_out_of_memory

    manifest = tmp_path / "big.csv"
    rows = [f"Q{i},Keisha Brown,1988-04-02,JM,F" for i in range(1000)]
    manifest.write_text("id,name,birth_date,nationality,gender\n" + "\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(batch, "_screen_chunk", _killed_like_out_of_memory)
    with pytest.raises(CommandError, match=r"worker process died.*fewer workers or more memory"):
        run(
            "--watchlist", str(WATCHLISTS / "ofac_sdn.csv"), "--queries", str(manifest),
            "--out", str(tmp_path / "out.jsonl"), "--workers", "2", "--quiet",
        )  # fmt: skip


def _fresh_checkout_env() -> dict[str, str]:
    """The environment of a command-line user who set nothing of CaribClear's."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CARIBCLEAR_") and k != "DJANGO_SETTINGS_MODULE"
    }


def test_runs_from_a_fresh_checkout_without_a_web_secret(tmp_path: Path, queries: Path) -> None:
    out = tmp_path / "hits.jsonl"
    done = subprocess.run(
        [sys.executable, "manage.py", "screen_file", "--quiet", "--watchlist", str(WATCHLISTS / "ofac_sdn.csv"),
         "--queries", str(queries), "--out", str(out), "--workers", "1"],
        cwd=PROJECT_DIR, env=_fresh_checkout_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert lines(out)[0]["matches"][0]["entity_id"] == "ofac-10286"


def test_other_commands_without_a_secret_say_in_one_line_what_to_set() -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_DIR, env=_fresh_checkout_env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert done.stderr.strip() == "Set CARIBCLEAR_SECRET_KEY (or CARIBCLEAR_DEBUG=1 for a local demo)."
