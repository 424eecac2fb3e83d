"""Moving the lines' scores to their own table (migration 0004) loses none: migrated back, each line carries
its score again; forward, each score is in the new table once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from caribclear.valuation.models import LineScore

from .helpers import store_lines


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_scores_survive_the_move_both_ways(barbados: Any) -> None:
    importers = ["TIN1", "TIN2", "TIN3", "TIN4"]
    store_lines(barbados, hs="85171300", origin="CN", unit_value=40, count=30, importers=importers)
    store_lines(barbados, hs="85171300", origin="CN", unit_value=8, count=2, importers=importers, seed=5,
                prefix="cheap-")  # fmt: skip
    scores = dict(LineScore.objects.values_list("line_id", "score"))
    assert len(scores) == 32 and any(score >= 3 for score in scores.values())
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate([("valuation", "0003_cell_fillfactor")])
        lines = old.get_model("valuation", "DeclarationLine")
        assert dict(lines.objects.values_list("pk", "score")) == scores
    finally:
        _migrate(latest)
    assert dict(LineScore.objects.values_list("line_id", "score")) == scores
