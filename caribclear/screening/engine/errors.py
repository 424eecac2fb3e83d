"""Errors about input files, precise enough for a person to fix the file."""

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
