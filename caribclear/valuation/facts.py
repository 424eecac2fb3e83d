"""The valuation score as a fact risk criteria can test, for every kind of declaration that gives goods
lines with declared values (``DeclarationKind.declared_values``): registered with core, so risk never
imports this app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from caribclear.core.declarations import BOOL, NUMBER, DeclarationKind, FactProvider, Facts, fact
from caribclear.core.models import Declaration

from . import readers, services


class ValuationFacts(FactProvider):
    key = "valuation"
    fact_specs = (
        fact(
            "valuation_score",
            _(
                "Valuation risk score of a goods line (robust deviations below the region's median; 0 if not below)"
            ),
            NUMBER,
        ),
        fact("valuation_flagged", _("A goods line is flagged as possibly under-valued"), BOOL),
    )

    def facts(self, kind: DeclarationKind, declaration: Declaration, record: Any) -> Facts:
        scores: list[Any] = []
        for value in kind.declared_values(record):
            try:
                line = readers.check_line(
                    declaration=declaration.reference,
                    line=value.line[:20] or "1",
                    date=value.date or declaration.created_at.date(),
                    hs_code=value.hs_code,
                    origin=value.origin,
                    quantity=value.quantity,
                    unit=value.unit if value.quantity is not None else "",
                    net_mass_kg=value.net_mass_kg,
                    value=value.value,
                    currency=value.currency,
                    importer=value.importer_id or "-",
                    exporter=value.exporter_id,
                    incoterm=value.incoterm,
                    description=value.description,
                )
                check = services.line_check(
                    administration_id=declaration.administration_id, line=line, mirror=False
                )
            except (readers.LineError, ValueError):
                continue  # a line that cannot be scored gives no score (the filing's own checks report it)
            if check.result.level is not None:
                scores.append(Decimal(str(check.score)))
        if not scores:
            return {}
        return {
            "valuation_score": scores,
            "valuation_flagged": [max(scores) >= Decimal(str(services.scoring.FLAG_SCORE))],
        }
