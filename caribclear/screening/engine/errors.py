"""Errors about input files, precise enough for a person to fix the file, and about runs that cannot finish."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """A file that cannot be read as asked: says which file, which line and what is wrong."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class WorkerError(RuntimeError):
    """A worker process died before it finished its share of the queries: the run has no complete result.

    Most often the operating system ended it for want of memory (each worker shares the index with its
    parent until it writes to it): fewer workers, or a machine with more memory, will finish.
    """
