"""Interactive boarding checks: one transaction and one audit event per check, few statements, the answer
from the lists kept in memory (the same matches as screening's own), the hits recorded by the queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.core.chain import verify_chain
from caribclear.core.models import AuditEvent
from caribclear.screening.choices import SourceFormat
from caribclear.screening.models import Hit, ScreeningRun
from caribclear.screening.services import lookout_create, watchlist_create, watchlist_import
from caribclear.screening.services.runs import _screen

from .. import boarding, services
from ..choices import Answer, ListStatus
from ..models import Carrier, RetentionPolicy, Traveller, TravelList, TravelListVersion
from ..readers import read_passenger_list
from .factories import ANA, IVAN, JOHN, Pax, paxlst

pytestmark = pytest.mark.django_db

MARLON = Pax("DACOSTA", "MARLON", "19710203", nationality="TTO", document="TT998877")


@pytest.fixture
def wanted(tmp_path: Path) -> None:
    """An imported list naming Marlon DaCosta, and a lookout on Ivan Petrov."""
    path = tmp_path / "list.csv"
    path.write_text("id,name,birth_date,notes\nX-1,Marlon DACOSTA,1971-02-03,wanted\n", encoding="utf-8")
    watchlist = watchlist_create(
        actor=None, name="Regional wanted", source_format=SourceFormat.CSV, owner=None
    )
    watchlist_import(actor=None, watchlist=watchlist, path=path)


@pytest.fixture
def lookout(make_user: Callable[..., User], barbados: Administration) -> None:
    supervisor = make_user(role=Role.SUPERVISOR, administration=barbados, email="sup@bb.example")
    lookout_create(
        actor=supervisor,
        kind="Person",
        name="Ivan Petrov",
        reason="Wanted for questioning",
        birth_date="1980-02-15",
        document_numbers="750012345",
    )


@pytest.fixture
def operator(carrier: Carrier, barbados: Administration) -> User:
    # A loaded test machine may take longer than the default 800 ms: these tests are about the answers.
    RetentionPolicy.objects.create(administration=barbados, answer_within_ms=10_000)
    return carrier.organisation.members.get().user


_FLIGHT: list[Any] = []


def parsed(pax: Pax) -> Any:
    """One check-in of the test's flight: the flight as first read (its times are read from the clock
    once, so a check-in a minute later is still the same flight), with this person."""
    one = read_passenger_list(paxlst([pax])).lists[0]
    if not _FLIGHT:
        _FLIGHT.append(one.flight)
    one.flight = _FLIGHT[0]
    return one


@pytest.fixture(autouse=True)
def _one_flight() -> Any:
    _FLIGHT.clear()
    yield
    _FLIGHT.clear()


def check(
    carrier: Carrier, operator: User, pax: Pax, capture: Any
) -> tuple[TravelList, services.BoardingAnswer]:
    with capture(execute=True):  # the queue's work after the answer: the hits, the lane
        travel_list, (answer,) = services.boarding_check(actor=operator, carrier=carrier, parsed=parsed(pax))
    return travel_list, answer


def test_boarding_screening_finds_what_screening_finds(
    ports: None, wanted: None, lookout: None, barbados: Administration
) -> None:
    """The matches of the lists kept in memory are screening's own (``runs._screen``) for a listed person,
    a lookout's subject and clean travellers: the same lists, entities and scores."""
    from caribclear.screening.services import subject_query

    from ..declaration import ListedDocument, ListedPerson, person_subject

    people = [
        ListedPerson(
            1,
            "passenger",
            "DACOSTA",
            "MARLON",
            "M",
            dt.date(1971, 2, 3),
            "TTO",
            "",
            "",
            None,
            False,
            False,
            (),
        ),
        ListedPerson(
            2,
            "passenger",
            "PETROV",
            "IVAN",
            "M",
            dt.date(1980, 2, 15),
            "RUS",
            "",
            "",
            None,
            False,
            False,
            (ListedDocument("750012345", "RUS", None),),
        ),
        ListedPerson(
            3, "passenger", "GARCIA", "ANA", "F", dt.date(1990, 4, 8), "ESP", "", "", None, False, False, ()
        ),
        ListedPerson(4, "crew", "SMITH", "JOHN", "M", None, "GBR", "", "", None, False, False, ()),
    ]
    subjects = [person_subject(p) for p in people]
    context = boarding.build(barbados)
    kept = boarding.screen(context, subjects)
    results, used = _screen(barbados, [subject_query(s) for s in subjects])
    expected: list[list[tuple[int, str, float]]] = [[] for _s in subjects]
    keys = [s.key for s in subjects]
    for watchlist, subject, match, *_rest in results:
        expected[keys.index(subject.key)].append((watchlist.pk, match.entity_id, match.score))
    assert [sorted(k) for k in kept] == [sorted(e) for e in expected]
    assert len(expected[0]) == 1 and len(expected[1]) == 1 and not expected[2] and not expected[3]
    assert [list(u) for u in context.used] == used


def test_a_check_in_is_one_transaction_one_audit_event_and_few_statements(
    ports: None, carrier: Carrier, operator: User, wanted: None, django_capture_on_commit_callbacks: Any
) -> None:
    check(carrier, operator, ANA, django_capture_on_commit_callbacks)  # the flight's first: its list
    before = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as queued:
        travel_list, (answer,) = services.boarding_check(
            actor=operator, carrier=carrier, parsed=parsed(MARLON)
        )
    # Lists, lookouts and alerts read (no cache in the tests: 5 statements), the flight's list locked,
    # the traveller looked for, inserted with the answer, the documents, the list, its declaration and a
    # version, the chain's head and the one event; the savepoints of the test's transaction.
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(writes) <= 16, "\n".join(writes)
    assert answer.answer == Answer.CONTACT and answer.reasons == ("WL",) and not answer.defaulted
    (event,) = AuditEvent.objects.filter(pk__gt=AuditEvent.objects.order_by("pk")[before - 1].pk)
    assert event.action == "passengers.boarding_answer" and event.object_id == str(travel_list.pk)
    assert event.data["matches"] == 1 and event.data["answers"][0][1:3] == [Answer.CONTACT, ["WL"]]
    assert verify_chain(AuditEvent).ok
    # The answer is stored with the traveller, the list and its declaration moved on in step.
    marlon = Traveller.objects.get(surname="DACOSTA")
    assert (marlon.answer, marlon.answer_reasons, marlon.answer_defaulted) == (Answer.CONTACT, ["WL"], False)
    assert marlon.documents.get().number == "TT998877"
    travel_list.refresh_from_db()
    assert travel_list.status == ListStatus.AMENDED and travel_list.version == 2
    assert travel_list.declaration is not None and travel_list.declaration.version == 2
    version = TravelListVersion.objects.get(travel_list=travel_list, number=2)
    assert (version.passengers, version.crew, version.added, version.filed_by) == (2, 0, 1, operator)
    # The hit is recorded after the answer, by the queue.
    assert not Hit.objects.filter(subject_key=marlon.subject_key).exists()
    (enqueue,) = [
        c for c in queued if getattr(c, "__name__", "") == "enqueue_each"
    ]  # the queued task (the chain's mark aside)
    enqueue()
    hit = Hit.objects.get(subject_key=marlon.subject_key)
    assert hit.is_current and "DACOSTA" in hit.subject_label.upper()
    run = ScreeningRun.objects.filter(declaration=travel_list.declaration).latest("pk")
    assert run.declaration_version == 2 and run.subject_count == 1


def test_checks_on_one_flight_count_like_the_general_filing(
    ports: None, carrier: Carrier, operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    """Passengers checked in one by one, one twice: the versions' counts are the list's."""
    for pax in (ANA, JOHN, JOHN, IVAN):
        travel_list, _answer = check(carrier, operator, pax, django_capture_on_commit_callbacks)
    assert travel_list.version == 4
    assert [v.added for v in TravelListVersion.objects.filter(travel_list=travel_list)] == [1, 1, 0, 1]
    for version in TravelListVersion.objects.filter(travel_list=travel_list):
        on = Traveller.objects.filter(travel_list=travel_list, added_in__lte=version.number)
        assert version.passengers == on.filter(role="passenger").count()
        assert version.crew == on.filter(role="crew").count()
    assert Traveller.objects.filter(travel_list=travel_list).count() == 3
    assert all(t.answer == Answer.OK_TO_BOARD for t in Traveller.objects.all())


def test_a_late_answer_is_recorded_with_the_check_and_screened_afterwards(
    ports: None,
    carrier: Carrier,
    operator: User,
    wanted: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    check(carrier, operator, ANA, django_capture_on_commit_callbacks)
    monkeypatch.setattr(services, "_screen_within", lambda administration_id, subjects, seconds: None)
    travel_list, answer = check(carrier, operator, MARLON, django_capture_on_commit_callbacks)
    assert answer.defaulted and answer.answer == Answer.CONTACT and answer.reasons == ("TO",)
    travel_list.refresh_from_db()
    assert travel_list.defaulted_answers == 1
    marlon = Traveller.objects.get(surname="DACOSTA")
    assert marlon.answer_defaulted and marlon.answer_reasons == ["TO"]
    # The officer finds the hit all the same: the queue screened him after the answer.
    assert Hit.objects.get(subject_key=marlon.subject_key).is_current
    event = AuditEvent.objects.filter(action="passengers.boarding_answer").latest("pk")
    assert event.data["screened"] == 0 and event.data["answers"][0][3] is True


@override_settings(PASSENGERS_SCREENING_CACHE_SECONDS=60)
def test_the_lists_are_read_once_a_while_and_a_new_lookout_is_found_once_read_again(
    ports: None,
    carrier: Carrier,
    operator: User,
    make_user: Callable[..., User],
    barbados: Administration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    boarding.clear()
    services.KEPT.clear()
    check(carrier, operator, ANA, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as first:
        check(carrier, operator, JOHN, django_capture_on_commit_callbacks)
    supervisor = make_user(role=Role.SUPERVISOR, administration=barbados, email="sup2@bb.example")
    lookout_create(actor=supervisor, kind="Person", name="Ivan Petrov", reason="x", birth_date="1980-02-15")
    with CaptureQueriesContext(connection) as second:
        _list, (answer,) = services.boarding_check(actor=operator, carrier=carrier, parsed=parsed(IVAN))
    assert not any("screening_watchlist" in q["sql"] for q in second.captured_queries)
    assert answer.answer == Answer.OK_TO_BOARD  # the lookout is newer than what is kept
    boarding.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _list, (answer,) = services.boarding_check(actor=operator, carrier=carrier, parsed=parsed(IVAN))
    assert answer.answer == Answer.CONTACT
    assert Hit.objects.filter(subject_key=answer.traveller.subject_key, is_current=True).exists()
    assert len(first.captured_queries) >= len(second.captured_queries)
    boarding.clear()
    services.KEPT.clear()


def test_hits_recorded_after_a_later_check_in_was_assessed_still_reach_the_lane(
    ports: None, carrier: Carrier, operator: User, wanted: None, django_capture_on_commit_callbacks: Any
) -> None:
    """The queue may run a later check-in's task first: that task assesses the list's version before the
    earlier one records its hit; the earlier task then assesses again, the hit on the lane."""
    from caribclear.risk.models import Assessment

    check(carrier, operator, ANA, django_capture_on_commit_callbacks)
    tasks = []
    for pax in (MARLON, JOHN):
        with django_capture_on_commit_callbacks() as queued:
            services.boarding_check(actor=operator, carrier=carrier, parsed=parsed(pax))
        tasks += [c for c in queued if getattr(c, "__name__", "") == "enqueue_each"]
    marlons, johns = tasks
    johns()  # the later check-in's task first: the list's version assessed without Marlon's hit
    travel_list = TravelList.objects.get()
    assert travel_list.declaration_id is not None
    assessment = Assessment.objects.get(declaration_id=travel_list.declaration_id)
    assert assessment.declaration_version == travel_list.version and assessment.open_hits == 0
    marlons()
    assessment.refresh_from_db()
    assert assessment.open_hits == 1
