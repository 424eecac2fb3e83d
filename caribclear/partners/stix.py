"""Intelligence records as STIX 2.1 objects, built with the `stix2` library from what a reader may see.

Each record is turned into objects from its redacted view (`intel.access.read`), never from the model:
what the reader may not see is not in the view, so it cannot reach the bundle. A seizure becomes:

- an `incident` (name, description, first seen) carrying the seizure's CEN-like facts (commodity,
  quantity, concealment, detection, route, conveyance) in a property extension of the platform, the
  3x5x2 grading in a second one, and the grading's information grade as STIX `confidence`;
- the owner administration as an `identity` (organisation), the incident's `created_by_ref`;
- the port as a `location` (UN/LOCODE, country, latitude and longitude), related by `located-at`;
- each person and company of the seizure as an `identity` (individual, organisation) related to the
  incident, only where the reader may see them (the view holds them only then).

Every object carries the official TLP 2.0 marking definition of the record's TLP label (OASIS' STIX
extension for TLP 2.0), and the bundle holds those definitions and the platform's extension definitions,
so a consumer that has never heard of CaribClear can still read the markings.

Identifiers are UUIDv5 of the platform's namespace and the record's reference, so the same record keeps
the same STIX id from one pull to the next (a consumer updates it instead of duplicating it).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import stix2
from django.conf import settings

from caribclear.intel.access import RecordView

# The namespace of every STIX id the platform makes (a constant: ids must not change between releases).
NAMESPACE = uuid.UUID("3c6f7f0e-4a7e-5b8e-9d43-1c1ea7c1ea70")

# OASIS' official TLP 2.0 marking definitions (the STIX 2.1 extension for TLP 2.0): fixed ids and content.
TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_CREATOR = "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01"
TLP_IDS = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

# STIX 2.1's own TLP 1.0 marking definitions (section 7.2.1.4), which many partners' tools still send.
TLP1_IDS = {
    "CLEAR": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "GREEN": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "AMBER": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "RED": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}

# The 3x5x2 information grade as STIX confidence (0-100), after STIX 2.1's Admiralty credibility mapping.
CONFIDENCE = {"A": 90, "B": 70, "C": 50, "D": 30, "E": 10}


def stix_id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, key)}"


def owner_identity_id(code: str) -> str:
    return stix_id("identity", f"administration:{code}")


def port_location_id(locode: str) -> str:
    return stix_id("location", f"port:{locode}")


def person_identity_id(reference: str, index: int) -> str:
    return stix_id("identity", f"seizure:{reference}:person:{index}")


def company_identity_id(reference: str, index: int) -> str:
    return stix_id("identity", f"seizure:{reference}:company:{index}")


def alert_subject_id(reference: str) -> str:
    return stix_id("identity", f"alert:{reference}:subject")


def relationship_id(source: str, kind: str, target: str) -> str:
    return stix_id("relationship", f"{source}:{kind}:{target}")


SEIZURE_EXTENSION = stix_id("extension-definition", "caribclear:seizure:1")
GRADING_EXTENSION = stix_id("extension-definition", "caribclear:grading-3x5x2:1")
ALERT_EXTENSION = stix_id("extension-definition", "caribclear:alert:1")
SUBJECT_OBSERVABLE = "x-caribclear-subject"
PLATFORM_IDENTITY = stix_id("identity", "caribclear:platform")
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def tlp_marking(label: str) -> stix2.v21.MarkingDefinition:
    return stix2.v21.MarkingDefinition(
        id=TLP_IDS[label],
        created="2022-10-01T00:00:00.000Z",
        created_by_ref=TLP_CREATOR,
        name=f"TLP:{label}",
        extensions={TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": label.lower()}},
        allow_custom=True,
    )


def platform_objects() -> list[Any]:
    """The platform's identity and the definitions of its two extensions (in every bundle that uses them)."""
    site = settings.SITE_URL.rstrip("/")
    identity = stix2.v21.Identity(
        id=PLATFORM_IDENTITY,
        created=EPOCH,
        modified=EPOCH,
        name="CaribClear (CCLEC regional customs platform)",
        identity_class="system",
    )
    common = {"created": EPOCH, "modified": EPOCH, "created_by_ref": PLATFORM_IDENTITY, "version": "1.0"}
    seizure = stix2.v21.ExtensionDefinition(
        id=SEIZURE_EXTENSION,
        name="CaribClear seizure",
        description=(
            "The non-personal facts of a customs seizure, in the fields of the WCO Customs Enforcement "
            "Network: commodity, quantity and unit, concealment, detection method, route and conveyance."
        ),
        schema=f"{site}/taxii2/extensions/seizure-1.0.json",
        extension_types=["property-extension"],
        **common,
    )
    grading = stix2.v21.ExtensionDefinition(
        id=GRADING_EXTENSION,
        name="3x5x2 intelligence grading",
        description=(
            "The UK 3x5x2 grading of the record: source evaluation (1 reliable, 2 untested, 3 not "
            "reliable), intelligence assessment (A to E) and handling code (P lawful sharing permitted, "
            "C sharing subject to the stated conditions)."
        ),
        schema=f"{site}/taxii2/extensions/grading-3x5x2-1.0.json",
        extension_types=["property-extension"],
        **common,
    )
    alert = stix2.v21.ExtensionDefinition(
        id=ALERT_EXTENSION,
        name="CaribClear alert",
        description=(
            "What a customs alert or lookout watches for (person, vessel, company or pattern), the commodity, "
            "the action requested of whoever meets it, and the subject's identifiers where the reader may "
            "see them. Indicators' patterns compare an x-caribclear-subject observable (kind, name, "
            "identifier, nationality, commodity)."
        ),
        schema=f"{site}/taxii2/extensions/alert-1.0.json",
        extension_types=["property-extension"],
        **common,
    )
    return [identity, seizure, grading, alert]


# The fields of a reader's view that the STIX objects are built from (`redact(..., only=...)`): the view
# holds no more, so the access log names exactly what left in the bundle, and no label is computed for
# nothing. Personal ones (persons, companies, the alert's subject) are still there only where released.
_GRADED = [
    "reference",
    "owner",
    "owner_label",
    "tlp",
    "created_at",
    "source_reliability",
    "information_grade",
]
_GRADED += ["handling_code", "grading", "handling_conditions"]
STIX_FIELDS = {
    "seizure": [
        *_GRADED,
        *("occurred_on", "commodity", "commodity_label", "description", "quantity", "unit"),
        *("estimated_value_usd", "detection_method", "concealment_method", "route_origin", "route_transit"),
        *("route_destination", "conveyance", "port", "port_label", "latitude", "longitude"),
        *("persons", "companies"),
    ],
    "alert": [
        *_GRADED,
        *("subject_kind", "commodity", "action_requested", "pattern", "title", "valid_from", "valid_until"),
        *("surname", "given_names", "nationality", "identifiers"),
    ],
}

# How many objects `platform_objects` gives (a page of a collection counts them against its limit).
PLATFORM_OBJECT_COUNT = 4


def _timestamp(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)


def _grading(view: RecordView) -> dict[str, Any]:
    extension = {
        "extension_type": "property-extension",
        "source_evaluation": view.source_reliability,
        "intelligence_assessment": view.information_grade,
        "handling_code": view.handling_code,
        "grading": view.grading,
    }
    if view.handling_conditions:
        extension["handling_conditions"] = view.handling_conditions
    return extension


def _number(value: Any) -> str:
    """A decimal as plain text without trailing zeros: 12.500 is "12.5", 300000.00 is "300000"."""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in ("", None, [])}


# Objects many records share (an owner's identity, a port's location) are the same object for every
# record that has the same values: built with stix2 once per process and those values, not per record.
# stix2's objects are immutable, so one may be handed out many times. Bounded, since the values (an
# administration's name, a port's label in the reader's language) are few but not fixed.
_SHARED: dict[tuple[Any, ...], Any] = {}
_SHARED_MAX = 10_000


def _shared(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        found = _SHARED[key] = make()
    return found


def _owner(view: RecordView) -> Any:
    return _shared(
        ("owner", view.owner, view.owner_label),
        lambda: stix2.v21.Identity(
            id=owner_identity_id(view.owner),
            created=EPOCH,
            modified=EPOCH,
            name=view.owner_label,
            identity_class="organization",
            sectors=["government-national"],
            object_marking_refs=[TLP_IDS["CLEAR"]],
        ),
    )


def seizure_objects(view: RecordView, *, modified: dt.datetime) -> list[Any]:
    """The STIX objects of one seizure, from the reader's view of it."""
    reference = view.reference
    marking = [TLP_IDS[view.tlp]]
    owner = _owner(view)
    created = _timestamp(view.created_at)
    common = {
        "created": created,
        "modified": max(modified, created),
        "created_by_ref": owner.id,
        "object_marking_refs": marking,
    }
    facts = _clean(
        {
            "extension_type": "property-extension",
            "occurred_on": view.occurred_on.isoformat(),
            "commodity": view.commodity,
            "description": view.description,
            "quantity": _number(view.quantity),
            "unit": view.unit,
            "estimated_value_usd": _number(view.estimated_value_usd) if view.estimated_value_usd else "",
            "detection_method": view.detection_method,
            "concealment_method": view.concealment_method,
            "route_origin": view.route_origin,
            "route_transit": view.route_transit,
            "route_destination": view.route_destination,
            "conveyance": view.conveyance,
            "port": view.port,
        }
    )
    incident = stix2.v21.Incident(
        id=stix_id("incident", f"seizure:{reference}"),
        name=f"{reference}: {view.commodity_label} seized at {view.port_label}",
        description=view.description,
        confidence=CONFIDENCE.get(view.information_grade),
        external_references=[{"source_name": "caribclear", "external_id": reference}],
        extensions={SEIZURE_EXTENSION: facts, GRADING_EXTENSION: _grading(view)},
        allow_custom=True,
        **common,
    )
    objects: list[Any] = [owner, incident]
    location_values = _clean(
        {
            "latitude": float(view.latitude) if view.latitude is not None else None,
            "longitude": float(view.longitude) if view.longitude is not None else None,
        }
    )
    location = _shared(
        ("location", view.port, view.port_label, *sorted(location_values.items())),
        lambda: stix2.v21.Location(
            id=port_location_id(view.port),
            created=EPOCH,
            modified=EPOCH,
            name=view.port_label,
            country=view.port[:2],
            object_marking_refs=[TLP_IDS["CLEAR"]],
            external_references=[{"source_name": "UN/LOCODE", "external_id": view.port}],
            **location_values,
        ),
    )
    objects += [location, _relationship(incident.id, "located-at", location.id, common)]
    for index, person in enumerate(view.data.get("persons", [])):
        name = " ".join(part for part in (person["given_names"], person["surname"]) if part)
        individual = stix2.v21.Identity(
            id=person_identity_id(reference, index),
            name=name,
            identity_class="individual",
            roles=[person["role"]] if person["role"] else None,
            **common,
        )
        objects += [individual, _relationship(incident.id, "related-to", individual.id, common)]
    for index, company in enumerate(view.data.get("companies", [])):
        organisation = stix2.v21.Identity(
            id=company_identity_id(reference, index),
            name=company["name"],
            identity_class="organization",
            **common,
        )
        objects += [organisation, _relationship(incident.id, "related-to", organisation.id, common)]
    return objects


def _quote(value: str) -> str:
    """A string literal of STIX patterning (section 9.5): quotes and backslashes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def alert_pattern(view: RecordView) -> str:
    """The alert as a STIX pattern on the platform's subject observable: its kind and commodity, and where
    the reader may see the subject, its identifiers (any of them) or its name."""
    subject = SUBJECT_OBSERVABLE
    terms = [f"{subject}:kind = {_quote(view.subject_kind)}"]
    if view.commodity:
        terms.append(f"{subject}:commodity = {_quote(view.commodity)}")
    identifiers = [i.strip() for i in view.data.get("identifiers", "").split(";") if i.strip()]
    name = " ".join(p for p in (view.data.get("given_names", ""), view.data.get("surname", "")) if p)
    if identifiers:
        terms.append("(" + " OR ".join(f"{subject}:identifier = {_quote(i)}" for i in identifiers) + ")")
    elif name:
        terms.append(f"{subject}:name = {_quote(name)}")
    return "[" + " AND ".join(terms) + "]"


def alert_objects(view: RecordView, *, modified: dt.datetime) -> list[Any]:
    """The STIX objects of one alert or lookout, from the reader's view of it: an `indicator` (the alert's
    pattern, its validity, grading and markings) and, where the reader may see the subject, the person or
    company as an `identity` it relates to. A vessel's identifiers stay in the pattern (STIX has no vessel)."""
    reference = view.reference
    owner = _owner(view)
    created = _timestamp(view.created_at)
    common = {
        "created": created,
        "modified": max(modified, created),
        "created_by_ref": owner.id,
        "object_marking_refs": [TLP_IDS[view.tlp]],
    }
    facts = _clean(
        {
            "extension_type": "property-extension",
            "subject_kind": view.subject_kind,
            "commodity": view.commodity,
            "action_requested": view.action_requested,
            "surname": view.data.get("surname"),
            "given_names": view.data.get("given_names"),
            "nationality": view.data.get("nationality"),
            "identifiers": view.data.get("identifiers"),
        }
    )
    description = "\n\n".join(p for p in (view.pattern, view.action_requested) if p)
    indicator = stix2.v21.Indicator(
        id=stix_id("indicator", f"alert:{reference}"),
        name=f"{reference}: {view.title}",
        description=description or None,
        indicator_types=["malicious-activity"],
        pattern=alert_pattern(view),
        pattern_type="stix",
        valid_from=_timestamp(view.valid_from),
        valid_until=_timestamp(view.valid_until) + dt.timedelta(days=1),
        confidence=CONFIDENCE.get(view.information_grade),
        external_references=[{"source_name": "caribclear", "external_id": reference}],
        extensions={ALERT_EXTENSION: facts, GRADING_EXTENSION: _grading(view)},
        allow_custom=True,
        **common,
    )
    objects: list[Any] = [owner, indicator]
    surname = view.data.get("surname", "")
    if surname and view.subject_kind in ("person", "company"):
        name = " ".join(p for p in (view.data.get("given_names", ""), surname) if p)
        subject = stix2.v21.Identity(
            id=alert_subject_id(reference),
            name=name,
            identity_class="individual" if view.subject_kind == "person" else "organization",
            **common,
        )
        objects += [subject, _relationship(indicator.id, "related-to", subject.id, common)]
    return objects


def record_objects(view: RecordView, *, modified: dt.datetime) -> list[Any]:
    """The STIX objects of a seizure or an alert."""
    if view.record_type == "alert":
        return alert_objects(view, modified=modified)
    return seizure_objects(view, modified=modified)


def record_stix_id(record_type: str, reference: str) -> str:
    """The id of a record's main object (the incident of a seizure, the indicator of an alert)."""
    if record_type == "alert":
        return stix_id("indicator", f"alert:{reference}")
    return stix_id("incident", f"seizure:{reference}")


def possible_ids(
    *, record_type: str, reference: str, owner: str, port: str = "", persons: int = 0, companies: int = 0
) -> set[str]:
    """Every id the objects of one record may have, without building them: how one object is found among
    many records. Which of them a reader gets still depends on what the reader may see."""
    main = record_stix_id(record_type, reference)
    ids = {main, owner_identity_id(owner)}

    def related(kind: str, target: str) -> None:
        ids.update((target, relationship_id(main, kind, target)))

    if record_type == "alert":
        related("related-to", alert_subject_id(reference))
        return ids
    related("located-at", port_location_id(port))
    for index in range(persons):
        related("related-to", person_identity_id(reference, index))
    for index in range(companies):
        related("related-to", company_identity_id(reference, index))
    return ids


def _relationship(source: str, kind: str, target: str, common: dict[str, Any]) -> Any:
    return stix2.v21.Relationship(
        id=relationship_id(source, kind, target),
        source_ref=source,
        relationship_type=kind,
        target_ref=target,
        **common,
    )


def with_definitions(objects: Iterable[Any]) -> list[Any]:
    """The objects, preceded by the platform's objects and the TLP definitions they use."""
    objects = list(objects)
    used = {ref for obj in objects for ref in obj.get("object_marking_refs", [])}
    markings = [tlp_marking(label) for label, id_ in TLP_IDS.items() if id_ in used]
    return [*platform_objects(), *markings, *objects]


def serialize(obj: Any) -> dict[str, Any]:
    """One object as plain JSON data (what TAXII envelopes carry)."""
    data: dict[str, Any] = json.loads(obj.serialize())
    return data


def dumps(obj: Any) -> str:
    """One object as compact JSON text, non-ASCII kept: what `serialize` gives, dumped compactly, written
    by stix2 in one pass (no parse and dump again)."""
    text: str = obj.serialize(separators=(",", ":"), ensure_ascii=False)
    return text
