"""Who may see the valuation database.

- Lines, loads, rates files and rates, cases and their documents, UN Comtrade extracts and their mirror
  figures: officials of the administration that loaded or opened them, and nobody else (raw declarations
  never leave their administration; a mirror figure is an input each administration chooses and loads for
  its own country, like its exchange rates).
- Cells (statistics): every official of a member administration, but only cells the pooling rule allows
  (``settings.VALUATION_POOLING``: at least N lines from at least K importers, no importer above the
  share); a cell that fails it does not exist for anyone, so no page, API answer or check can show it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caribclear.core.visibility import administration_id, is_official, register

from .models import (
    Case,
    CaseDocument,
    Cell,
    DeclarationLine,
    ExchangeRate,
    ImportBatch,
    MirrorFigure,
    MirrorFile,
    RatesFile,
)
from .pooling import pooling_rule


def _own(reader: Any, qs: QuerySet[Any], field: str = "administration_id") -> QuerySet[Any]:
    if not is_official(reader):
        return qs.none()
    return qs.filter(**{field: administration_id(reader)})


@register(DeclarationLine)
def lines(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _own(reader, qs)


@register(ImportBatch)
def batches(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _own(reader, qs)


@register(RatesFile)
def rates_files(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _own(reader, qs)


@register(ExchangeRate)
def rates(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _own(reader, qs)


@register(Case)
def cases(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _own(reader, qs)


@register(CaseDocument)
def case_documents(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _own(reader, qs, "case__administration_id")


@register(Cell)
def cells(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if not is_official(reader):
        return qs.none()
    rule = pooling_rule()
    return qs.filter(n__gte=rule.min_lines, importers__gte=rule.min_importers, top_share__lte=rule.max_share)


@register(MirrorFile)
def mirror_files(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _own(reader, qs)


@register(MirrorFigure)
def mirror_figures(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _own(reader, qs)
