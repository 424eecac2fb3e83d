"""The score stored on each new line is the one checking that line gives: the line is compared with the cells
of its own heading, even when two headings loaded together both fall back to their HS4 cells in one unit."""

from __future__ import annotations

from typing import Any

import pytest

from caribclear.valuation import services
from caribclear.valuation.models import DeclarationLine, LineScore
from caribclear.valuation.scoring import FLAG_SCORE

from .helpers import store_lines

pytestmark = pytest.mark.django_db
IMPORTERS = ["TIN1", "TIN2", "TIN3", "TIN4"]


def test_lines_of_two_headings_loaded_together_are_scored_against_their_own_hs4_cell(barbados):
    # Each HS6 holds 8 lines (fewer than the pooling rule's 20), each heading 24: only HS4 cells may be used.
    for heading, price in (("0901", 5.0), ("8517", 5000.0)):
        for n, origin in enumerate(("BR", "CO", "VN")):
            store_lines(
                barbados, hs=f"{heading}{n + 1}100", origin=origin, unit_value=price, count=8,
                importers=IMPORTERS, seed=n + 1, prefix=f"{heading}-{n}-", refresh=False,
            )  # fmt: skip
    services.cells_refresh()
    coffee = store_lines(
        barbados, hs="09011100", origin="BR", unit_value=5.0, count=1, importers=IMPORTERS, seed=9,
        prefix="new-coffee-", refresh=False,
    )  # fmt: skip
    phones = store_lines(
        barbados, hs="85171100", origin="BR", unit_value=5000.0, count=1, importers=IMPORTERS, seed=9,
        prefix="new-phone-", refresh=False,
    )  # fmt: skip
    services.cells_refresh(new_line_ids=[coffee[0].pk, phones[0].pk])
    scores = dict(
        DeclarationLine.objects.filter(pk__in=[coffee[0].pk, phones[0].pk]).values_list("pk", "scored__score")
    )
    # Honest prices in their own heading: not flagged (against the phones' HS4 cell the coffee was a
    # thousand times too cheap: score 138).
    assert all(score is not None and score < FLAG_SCORE for score in scores.values()), scores
    cheap = store_lines(
        barbados, hs="85171100", origin="BR", unit_value=500.0, count=1, importers=IMPORTERS, seed=10,
        prefix="cheap-phone-", refresh=False,
    )  # fmt: skip
    honest = store_lines(
        barbados, hs="09011100", origin="BR", unit_value=5.0, count=1, importers=IMPORTERS, seed=10,
        prefix="honest-coffee-", refresh=False,
    )  # fmt: skip
    services.cells_refresh(new_line_ids=[cheap[0].pk, honest[0].pk])
    assert LineScore.objects.get(line=cheap[0]).score >= FLAG_SCORE  # a tenth of its heading's price
    assert LineScore.objects.get(line=honest[0]).score < FLAG_SCORE


def test_scoring_many_lines_at_once_gives_each_line_the_score_one_check_gives():
    """``scoring.scores`` (joins over a day's lines) against ``scoring.score_line`` (one line, the check's
    path) on random cells, some missing, some below the pooling rule, at every level."""
    import random

    import polars as pl

    from caribclear.valuation import scoring
    from caribclear.valuation.services import _cell_key

    rng = random.Random(7)
    rule = scoring.PoolingRule()
    cells: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for heading in ("0901", "8517", "6109"):
        for level in scoring.HIERARCHY:
            for origin in ("CN", "BR"):
                for unit in ("kg", "u"):
                    if rng.random() < 0.25 or (origin == "BR" and level in ("hs6", "hs4")):
                        continue  # no such cell (HS6 and HS4 cells have no origin: one each)
                    hs6 = heading + "11"
                    cells.append(
                        {
                            "level": level, "unit": unit,
                            "hs": hs6 + "00" if level == "national" else "",
                            "hs6": hs6 if level in ("exporter", "hs6_origin", "hs6") else "",
                            "hs4": heading if level == "hs4" else "",
                            "origin": origin if level in ("exporter", "national", "hs6_origin") else "",
                            "exporter": "EXP1" if level == "exporter" else "",
                            "n": rng.choice([5, 25, 400]), "importers": rng.choice([2, 3, 9]),
                            "top_share": rng.choice([0.2, 0.6]), "median": rng.uniform(0, 8),
                            "mad": rng.choice([0.0, 0.01, 0.3]),
                        }
                    )  # fmt: skip
                    median = cells[-1]["median"]
                    cells[-1].update(
                        p1=median - 2, p2=median - 1.5, p5=median - 1, p10=median - 0.6, q1=median - 0.3
                    )
    for _i in range(400):
        heading = rng.choice(["0901", "8517", "6109", "9999"])
        lines.append(
            {
                "hs_code": heading + "11" + rng.choice(["", "00", "99"]),
                "origin": rng.choice(["CN", "BR", "US"]),
                "exporter": rng.choice(["", "EXP1", "EXP2"]),
                "unit": rng.choice(["kg", "u"]),
                "log_unit_value": rng.uniform(-2, 10),
            }
        )
    index = {_cell_key(c["level"], c): c for c in cells}
    expected = []
    for line in lines:
        keys = scoring.cell_keys(
            hs=line["hs_code"], origin=line["origin"], exporter=line["exporter"], unit=line["unit"]
        )
        found = {level: index.get(_cell_key(level, key)) for level, key in keys.items()}
        expected.append(scoring.score_line(line["log_unit_value"], found, rule).score)
    got = scoring.scores(pl.DataFrame(lines), pl.DataFrame(cells), rule).to_list()
    assert len(got) == len(expected)
    assert sum(e > 0 for e in expected) > 50  # the comparison sees real deviations, not only zeros
    assert [round(g, 2) for g in got] == pytest.approx(expected, abs=0.0101)
