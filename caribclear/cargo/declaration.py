"""The consignment as a kind of declaration: what screening and risk read of it.

Each consignment (master or house bill) discharged at a member's port is one declaration of that
administration, referenced by its MRN. Screening reads its parties, the vessel or aircraft and the carrier
(:meth:`ConsignmentKind.subjects`); risk criteria test the facts in ``fact_specs``; valuation reads the
goods lines with a declared value (:meth:`ConsignmentKind.declared_values`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from caribclear.core.declarations import (
    BOOL,
    CHOICE,
    COMPANY,
    COUNTRY,
    NUMBER,
    TEXT,
    VESSEL,
    DeclarationKind,
    DeclaredValue,
    Facts,
    Subject,
    Summary,
    fact,
)

from .choices import OPEN_STATUSES, Level, Mode, PartyRole, Status
from .models import Consignment, Manifest, Party

KEY = "cargo.consignment"

_PARTY_KIND = {
    PartyRole.CONSIGNOR: _("Consignor (shipper)"),
    PartyRole.CONSIGNEE: _("Consignee"),
    PartyRole.NOTIFY: _("Notify party"),
}


#: Per language: the parties' role labels (as ``get_role_display`` gives them) and the carrier's label.
_LABELS: dict[str | None, tuple[dict[str, str], str]] = {}


def _labels() -> tuple[dict[str, str], str]:
    """The subjects' labels in the active language, translated once per language, not once per party of
    every consignment of a ship (``get_role_display`` rebuilds the field's choices at each call)."""
    language = translation.get_language()
    labels = _LABELS.get(language)
    if labels is None:
        labels = _LABELS[language] = (
            {value: str(label) for value, label in PartyRole.choices},
            str(_("Carrier")),
        )
    return labels


def _first_seen(party: Party | None, record: Consignment) -> bool | None:
    """Whether no earlier consignment (of any filer, to this administration) names this party."""
    if party is None:
        return None
    return not (
        Party.objects.filter(
            role=party.role,
            name__iexact=party.name,
            consignment__administration_id=record.administration_id or 0,
            consignment__created_at__lt=record.created_at,
        )
        .exclude(consignment__manifest_id=record.manifest_id)
        .exists()
    )


def _seen_before(party_ids: list[int]) -> set[int]:
    """Of these parties, the ones an earlier consignment names, as :func:`_first_seen` asks of each (the
    same role and name, to the same administration, in another filing): one query per thousand."""
    earlier = Party.objects.filter(
        role=OuterRef("role"),
        name__iexact=OuterRef("name"),
        consignment__administration_id=OuterRef("consignment__administration_id"),
        consignment__created_at__lt=OuterRef("consignment__created_at"),
    ).exclude(consignment__manifest_id=OuterRef("consignment__manifest_id"))
    seen: set[int] = set()
    for start in range(0, len(party_ids), 1000):
        seen.update(
            Party.objects.filter(
                pk__in=party_ids[start : start + 1000], consignment__administration__isnull=False
            )
            .filter(Exists(earlier))
            .values_list("pk", flat=True)
        )
    return seen


class ConsignmentKind(DeclarationKind):
    key = KEY
    label = _("Cargo consignment")
    slug = "cargo"
    fact_specs = (
        fact("mode", _("Mode of transport"), CHOICE, Mode.choices),
        fact("level", _("Master or house bill"), CHOICE, Level.choices),
        fact("hs_code", _("HS code (as declared)"), TEXT),
        fact("hs_chapter", _("HS chapter (2 digits)"), TEXT),
        fact("hs_heading", _("HS heading (4 digits)"), TEXT),
        fact("hs_subheading", _("HS subheading (6 digits)"), TEXT),
        fact("description", _("Goods description"), TEXT),
        fact("origin_country", _("Country of origin"), COUNTRY),
        fact("loading_country", _("Country of loading"), COUNTRY),
        fact("route_port", _("Port on the route (UN/LOCODE)"), TEXT),
        fact("consignee_name", _("Consignee"), TEXT),
        fact("consignor_name", _("Consignor (shipper)"), TEXT),
        fact("consignee_first_seen", _("Consignee seen for the first time"), BOOL),
        fact("consignor_first_seen", _("Consignor seen for the first time"), BOOL),
        fact("mass_per_package_kg", _("Gross mass per package (kg)"), NUMBER),
        fact("gross_mass_kg", _("Gross mass of the consignment (kg)"), NUMBER),
        fact("declared_value", _("Declared value of a goods item"), NUMBER),
        fact("dangerous_goods", _("Dangerous goods (UN number given)"), BOOL),
        fact("container_without_seal", _("A container without seals"), BOOL),
        fact("empty_container_with_goods", _("A container declared empty carries goods"), BOOL),
        fact("late_filing", _("Filed after the deadline"), BOOL),
        fact("vessel_flag", _("Flag of the vessel"), COUNTRY),
        fact("carrier_code", _("Carrier code"), TEXT),
    )

    def load(self, declaration_ids: Iterable[int]) -> dict[int, Consignment]:
        rows = list(
            Consignment.objects.filter(declaration_id__in=list(declaration_ids))
            .select_related("administration", "declaration")
            .prefetch_related("parties", "goods", "containers")
        )
        # A ship's consignments share their manifest: read once (with its filer and port calls) and given
        # to each, not joined to every row and built again per consignment.
        manifests = {
            m.pk: m
            for m in Manifest.objects.filter(pk__in={c.manifest_id for c in rows})
            .select_related("filer__organisation")
            .prefetch_related("port_calls")
        }
        for consignment in rows:
            consignment.manifest = manifests[consignment.manifest_id]
        return {c.declaration_id: c for c in rows if c.declaration_id is not None}

    def subjects(self, record: Consignment) -> list[Subject]:
        """Consignor, consignee, notify party and other parties; the vessel (IMO, call sign, flag); the
        carrier (the filer if it is one, and the carrier named in the file)."""
        subjects: list[Subject] = []
        roles, carrier = _labels()
        for party in record.parties.all():
            party_ids: dict[str, tuple[str, ...]] = (
                {"registration": (party.identifier,)} if party.identifier else {}
            )
            subjects.append(
                Subject(
                    kind=COMPANY,
                    key=f"party:{party.pk}",
                    label=f"{roles.get(party.role, party.role)}: {party.name}",
                    schema="LegalEntity",
                    names=(party.name,),
                    nationalities=(party.country,) if party.country else (),
                    identifiers=party_ids,
                )
            )
        manifest = record.manifest
        if manifest.vessel_name or manifest.imo:
            vessel_ids: dict[str, tuple[str, ...]] = {}
            if manifest.imo:
                vessel_ids["imo"] = (manifest.imo,)
            if manifest.call_sign:
                vessel_ids["call_sign"] = (manifest.call_sign,)
            subjects.append(
                Subject(
                    kind=VESSEL,
                    key=f"vessel:{manifest.pk}",
                    label=manifest.vessel_name or manifest.imo,
                    schema="Vessel" if manifest.mode == Mode.SEA else "Airplane",
                    names=(manifest.vessel_name,) if manifest.vessel_name else (manifest.imo,),
                    nationalities=(manifest.flag,) if manifest.flag else (),
                    identifiers=vessel_ids,
                )
            )
        carriers = {manifest.carrier_name.strip(), manifest.filer.name.strip()} - {""}
        for name in sorted(carriers):
            subjects.append(
                Subject(
                    kind=COMPANY,
                    key=f"carrier:{name.lower()}",
                    label=f"{carrier}: {name}",
                    schema="Organization",
                    names=(name,),
                )
            )
        return subjects

    def facts(self, record: Consignment) -> Facts:
        return self._facts(record, lambda party: _first_seen(party, record))

    def facts_many(self, records: dict[int, Consignment]) -> dict[int, Facts]:
        """The facts of many consignments (by declaration id), as :meth:`facts` gives each, with "first
        seen" looked up for all their consignees and consignors in a few queries."""
        parties = [
            p
            for r in records.values()
            for p in r.parties.all()
            if p.role in (PartyRole.CONSIGNEE, PartyRole.CONSIGNOR)
        ]
        seen_before = _seen_before([p.pk for p in parties])
        return {
            pk: self._facts(record, lambda party: None if party is None else party.pk not in seen_before)
            for pk, record in records.items()
        }

    def _facts(self, record: Consignment, first_seen: Callable[[Party | None], bool | None]) -> Facts:
        goods = list(record.goods.all())
        boxes = list(record.containers.all())
        parties = {p.role: p for p in record.parties.all()}
        manifest = record.manifest
        codes = [g.hs_code for g in goods if g.hs_code]
        route = [c.locode for c in manifest.port_calls.all()] + list(record.transhipments)
        route += [p for p in (record.place_of_loading, record.place_of_discharge) if p]
        per_package = [
            (g.gross_mass_kg / g.package_count).quantize(Decimal("0.001"))
            for g in goods
            if g.gross_mass_kg is not None and g.package_count
        ]
        empty = {b.number for b in boxes if b.full is False}
        consignee, consignor = parties.get(PartyRole.CONSIGNEE), parties.get(PartyRole.CONSIGNOR)
        facts: Facts = {
            "mode": [manifest.mode],
            "level": [record.level],
            "hs_code": codes,
            "hs_chapter": sorted({c[:2] for c in codes}),
            "hs_heading": sorted({c[:4] for c in codes}),
            "hs_subheading": sorted({c[:6] for c in codes}),
            "description": [g.description for g in goods],
            "origin_country": [record.origin_country] if record.origin_country else [],
            "loading_country": [record.place_of_loading[:2]] if record.place_of_loading else [],
            "route_port": sorted(set(route)),
            "consignee_name": [consignee.name] if consignee else [],
            "consignor_name": [consignor.name] if consignor else [],
            "mass_per_package_kg": per_package,
            "gross_mass_kg": [record.gross_mass_kg] if record.gross_mass_kg is not None else [],
            "declared_value": [g.value for g in goods if g.value is not None],
            "dangerous_goods": [any(g.un_number for g in goods)],
            "container_without_seal": [any(not b.seals for b in boxes)] if boxes else [],
            "empty_container_with_goods": [any(set(g.containers) & empty for g in goods)] if boxes else [],
            "late_filing": [record.late],
            "vessel_flag": [manifest.flag] if manifest.flag else [],
            "carrier_code": [manifest.carrier_code] if manifest.carrier_code else [],
        }
        for name, party in (("consignee_first_seen", consignee), ("consignor_first_seen", consignor)):
            seen = first_seen(party)
            facts[name] = [seen] if seen is not None else []
        return facts

    def declared_values(self, record: Consignment) -> list[DeclaredValue]:
        parties = {p.role: p for p in record.parties.all()}
        consignee, consignor = parties.get(PartyRole.CONSIGNEE), parties.get(PartyRole.CONSIGNOR)
        return [
            DeclaredValue(
                line=f"B/L {record.bill_number} item {g.sequence}",
                hs_code=g.hs_code,
                description=g.description,
                origin=record.origin_country,
                quantity=Decimal(g.package_count) if g.package_count is not None else None,
                unit=g.package_kind or "u",
                value=g.value,
                currency=g.currency,
                net_mass_kg=None,
                importer_id=consignee.identifier if consignee else "",
                exporter_id=consignor.identifier if consignor else "",
                date=record.manifest.filed_at.date(),
            )
            for g in record.goods.all()
            if g.value is not None and g.currency
        ]

    def summary(self, record: Consignment) -> Summary:
        manifest = record.manifest
        conveyance = " ".join(x for x in (manifest.vessel_name, manifest.voyage) if x)
        details = [
            record.place_of_loading,
            "→",
            record.place_of_discharge,
            "·",
            str(record.get_status_display()),
        ]
        return Summary(
            reference=record.mrn,
            title=f"{record.get_level_display()} {record.bill_number} — {conveyance}".strip(" —"),
            details=" ".join(d for d in details if d),
            url=reverse("cargo_officer:consignment", args=[record.mrn]),
            date=record.created_at,
        )

    def summaries(self, declaration_ids: Iterable[int]) -> dict[int, Summary]:
        rows = Consignment.objects.filter(declaration_id__in=list(declaration_ids)).select_related("manifest")
        return {c.declaration_id: self.summary(c) for c in rows if c.declaration_id is not None}

    def checkable(self, record: Consignment) -> bool:
        return record.status not in (Status.DRAFT, Status.INVALIDATED)

    def open_for_recheck(self, administration_ids: Sequence[int]) -> list[int]:
        return list(
            Consignment.objects.filter(
                administration_id__in=list(administration_ids),
                status__in=OPEN_STATUSES,
                declaration__isnull=False,
            )
            .order_by("pk")
            .values_list("declaration_id", flat=True)
        )

    def closed(self, declaration_ids: Sequence[int]) -> list[int]:
        """Released consignments, and filings invalidated (withdrawn or replaced by a new filing): their
        screening hits lose their personal data after the administration's period (`screening.hits`)."""
        return list(
            Consignment.objects.filter(
                declaration_id__in=list(declaration_ids), status__in=(Status.RELEASED, Status.INVALIDATED)
            ).values_list("declaration_id", flat=True)
        )

    def recent(self, administration_id: int, *, since: dt.datetime, limit: int) -> list[int]:
        return list(
            Consignment.objects.filter(
                administration_id=administration_id, created_at__gte=since, declaration__isnull=False
            )
            .exclude(status__in=(Status.DRAFT, Status.INVALIDATED))
            .order_by("-created_at", "-pk")
            .values_list("declaration_id", flat=True)[:limit]
        )
