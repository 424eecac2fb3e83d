from __future__ import annotations

import io
import json
import os
import signal
from pathlib import Path

import pytest

from caribclear.screening.engine import (
    Entity,
    Index,
    InputError,
    Match,
    WorkerError,
    batch,
    screen_file,
    screen_many,
)

QUERIES = (
    "id,name,birth_date,nationality,gender\n"
    "T1,Fernando Maldonado Escobar,1961-05-16,CO,M\n"
    "T2,Ana Lucia Perez,1990-01-01,JM,F\n"
    "T3,NORIEGA MANUEL ANTONIO,,PA,M\n"
)


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_screen_file_against_ofac(tmp_path: Path, watchlists: Path) -> None:
    queries = tmp_path / "q.csv"
    queries.write_text(QUERIES, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    progress = io.StringIO()
    summary = screen_file(watchlists / "ofac_sdn.csv", queries, out, progress=progress)
    lines = read_lines(out)
    assert [line["query_id"] for line in lines] == ["T1", "T2", "T3"]
    assert lines[0]["matches"][0]["entity_id"] == "ofac-10286"
    assert lines[0]["matches"][0]["score"] >= 0.95
    assert "maldonado=maldonado" in lines[0]["matches"][0]["explanation"]
    assert lines[1]["matches"] == []
    assert lines[2]["matches"][0]["entity_id"] == "ofac-1572"
    assert set(lines[0]["matches"][0]) == {"entity_id", "score", "explanation"}
    assert summary.queries == 3 and summary.queries_with_matches == 2
    assert "3/3" in progress.getvalue()


def test_threshold_is_applied(tmp_path: Path, watchlists: Path) -> None:
    queries = tmp_path / "q.csv"
    queries.write_text(QUERIES + "T4,Felicidad Noriega Perez,,,\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    screen_file(watchlists / "ofac_sdn.csv", queries, out, threshold=0.5, progress=None)
    low = read_lines(out)
    assert low[3]["matches"][0]["entity_id"] == "ofac-1910"  # SIEIRO DE NORIEGA, Felicidad
    assert 0.5 <= low[3]["matches"][0]["score"] < 0.8
    screen_file(watchlists / "ofac_sdn.csv", queries, out, progress=None)
    assert read_lines(out)[3]["matches"] == []


def test_bad_input_is_reported(tmp_path: Path, watchlists: Path) -> None:
    queries = tmp_path / "q.csv"
    queries.write_text("id,name\nA1,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"q.csv, line 2: record 'A1' has no name"):
        screen_file(watchlists / "csl.csv", queries, tmp_path / "o.jsonl", progress=None)
    with pytest.raises(InputError, match="file not found"):
        screen_file(tmp_path / "missing.json", queries, tmp_path / "o.jsonl", progress=None)


def test_parallel_results_equal_sequential_ones() -> None:
    entities = [
        Entity(f"E{i}", "Person", (f"{first} {last}",), (f"{1950 + i % 40}-0{1 + i % 9}-1{i % 9}",))
        for i, (first, last) in enumerate(
            (f, s)
            for f in ["Maria", "Jose", "Ana", "Luis", "Pedro", "Rosa", "Juan", "Elena"]
            for s in ["Garcia", "Lopez", "Perez", "Diaz", "Ramos", "Cruz", "Vega", "Rojas", "Mora", "Soto"]
        )
    ]
    index = Index.build(entities)
    queries = [
        Entity(f"Q{i}", "Person", (e.names[0].upper(),), e.birth_dates) for i, e in enumerate(entities)
    ]
    queries = queries * 6  # 480 queries: enough to use worker processes
    sequential = list(screen_many(index, queries, workers=1))
    parallel = list(screen_many(index, queries, workers=2))
    assert parallel == sequential
    assert all(ms and ms[0].entity_id == entities[i % len(entities)].id for i, ms in enumerate(parallel))


_screen_chunk = batch._screen_chunk


def _killed_like_out_of_memory(args: tuple[list[Entity], float, int]) -> list[list[Match]]:
    """A worker's share of the queries, ended by SIGKILL as the kernel's out-of-memory killer does."""
    if any(q.id == "Q250" for q in args[0]):
        os.kill(os.getpid(), signal.SIGKILL)
    return _screen_chunk(args)


def test_a_worker_that_dies_stops_the_run_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, alarm: None
) -> None:
    index = Index.build([Entity("E1", "Person", ("Maria Garcia",), ("1970-03-05",))])
    queries = [Entity(f"Q{i}", "Person", ("Maria Garcia",)) for i in range(1000)]
    monkeypatch.setattr(batch, "_screen_chunk", _killed_like_out_of_memory)
    with pytest.raises(WorkerError, match=r"died before finishing.*fewer workers"):
        list(screen_many(index, queries, workers=2))


def test_the_calling_process_screens_a_share_beside_its_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers are this process and one forked from it (each forked worker holds a copy of the pages
    of the index it touches): both screen, and the results come back in order."""
    index = Index.build([Entity(f"E{i}", "Person", (f"Maria Garcia{i}",)) for i in range(50)])
    queries = [Entity(f"Q{i}", "Person", (f"Maria Garcia{i % 50}",)) for i in range(4000)]
    here: list[str] = []
    screen_all = index.screen_all

    def counted(queries: list[Entity], threshold: float = 0.8, limit: int = 10) -> list[list[Match]]:
        here.extend(q.id for q in queries)  # only this process's list grows: a worker appends to its own copy
        return screen_all(queries, threshold, limit)

    monkeypatch.setattr(index, "screen_all", counted)
    results = list(screen_many(index, queries, workers=2))
    assert [ms[0].entity_id for ms in results] == [f"E{i % 50}" for i in range(4000)]
    assert 0 < len(here) < len(queries)
