"""``manage.py screen_file``: screen a file of people or vessels against a watchlist file.

A thin wrapper: the work is done by :func:`caribclear.screening.engine.batch.screen_file`.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from caribclear.screening.engine import (
    DEFAULT_LIMIT,
    DEFAULT_THRESHOLD,
    FORMATS,
    InputError,
    WorkerError,
    screen_file,
)


def _threshold(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a number") from exc
    if not 0.0 <= number <= 1.0:
        raise ArgumentTypeError(f"{value} is not between 0 and 1")
    return number


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a whole number") from exc
    if number < 1:
        raise ArgumentTypeError(f"{value} is less than 1")
    return number


class Command(BaseCommand):
    help = (
        "Screen queries (FollowTheMoney JSON lines, or CSV with id,name,birth_date,nationality,gender) "
        "against a watchlist (FollowTheMoney JSON lines, OFAC SDN CSV, UN consolidated XML, US CSL CSV or "
        "a lookout CSV) and write one JSON line per query, in input order: "
        '{"query_id": ..., "matches": [{"entity_id": ..., "score": ..., "explanation": ...}]}.'
    )
    # From file to file through the engine alone (no database, model, URL or template): the project's system
    # checks have nothing to say about it, and cost a run about 4 CPU-seconds (and 10 s of waiting on a busy
    # machine) before it starts.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--watchlist",
            required=True,
            type=Path,
            help="watchlist file; for OFAC give sdn.csv (alt.csv and add.csv are read from beside it)",
        )
        parser.add_argument("--queries", required=True, type=Path, help="file of people/vessels to screen")
        parser.add_argument("--out", required=True, type=Path, help="JSON-lines file to write")
        parser.add_argument(
            "--threshold",
            type=_threshold,
            default=DEFAULT_THRESHOLD,
            help=(
                f"lowest score reported, 0 to 1 (default {DEFAULT_THRESHOLD}: against a 100,000-person list "
                "in bench/screening it finds over 97%% of listed people under typical spelling variants "
                "and alerts on fewer than 1 in 1,000 random travellers; lower it to see more, weaker "
                "candidates)"
            ),
        )
        parser.add_argument(
            "--watchlist-format",
            choices=sorted(FORMATS),
            default=None,
            help="format of the watchlist (default: detected from its content)",
        )
        parser.add_argument(
            "--limit",
            type=_positive,
            default=DEFAULT_LIMIT,
            help=f"most matches written per query (default {DEFAULT_LIMIT})",
        )
        parser.add_argument(
            "--workers", type=_positive, default=None, help="processes to use (default: all cores)"
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = screen_file(
                options["watchlist"],
                options["queries"],
                options["out"],
                threshold=options["threshold"],
                watchlist_format=options["watchlist_format"],
                limit=options["limit"],
                workers=options["workers"],
                progress=None if options["quiet"] else sys.stderr,
            )
        except (InputError, WorkerError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{summary.queries} queries screened against {summary.watchlist.entity_count} entities: "
            f"{summary.queries_with_matches} with matches, {summary.matches} matches written to "
            f"{options['out']} ({summary.seconds_reading + summary.seconds_indexing:.1f}s reading and "
            f"indexing, {summary.seconds_screening:.1f}s screening)"
        )
