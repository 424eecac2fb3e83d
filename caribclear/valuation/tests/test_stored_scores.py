"""The score stored on each new line is the one checking that line gives: the line is compared with the cells
of its own heading, even when two headings loaded together both fall back to their HS4 cells in one unit."""

from __future__ import annotations

import pytest

from caribclear.valuation import services
from caribclear.valuation.models import DeclarationLine
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
        DeclarationLine.objects.filter(pk__in=[coffee[0].pk, phones[0].pk]).values_list("pk", "score")
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
    cheap[0].refresh_from_db()
    honest[0].refresh_from_db()
    assert cheap[0].score is not None and cheap[0].score >= FLAG_SCORE  # a tenth of its heading's price
    assert honest[0].score is not None and honest[0].score < FLAG_SCORE
