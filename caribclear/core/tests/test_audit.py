import pytest
from django.db import DatabaseError, connection, transaction

from caribclear.core.audit import audit_record
from caribclear.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db

TOKEN = {"scopes": ["read"], "lifetime_days": 90}  # what the token form asks besides the name


def test_an_event_records_who_what_and_which_record(officer):
    event = audit_record(actor=officer, action="test.action", obj=officer, summary="hello", data={"a": 1})
    event.refresh_from_db()
    assert event.actor_label == officer.email
    assert event.administration_code == "AG"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(officer.pk)
    assert event.data == {"a": 1}


def test_the_trail_refuses_updates_and_deletes_through_the_orm(officer):
    event = audit_record(actor=officer, action="test.action")
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_itself_refuses_to_rewrite_the_trail(officer):
    event = audit_record(actor=officer, action="test.action", summary="original")
    for sql in (
        "UPDATE core_auditevent SET summary = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "original"


def test_requests_are_tagged_with_an_id_that_reaches_the_audit_trail(client, operator):
    # Issue 15, finding 10: the id is the platform's own; what the client sent is kept beside it.
    client.force_login(operator)
    response = client.post(
        "/accounts/tokens/", {"name": "Marina app", **TOKEN}, HTTP_X_REQUEST_ID="abcdef123456"
    )
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32 and request_id != "abcdef123456"
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.request_id == request_id
    assert event.client_request_id == "abcdef123456"


def test_a_client_cannot_choose_the_request_id_or_store_an_unbounded_one(client, operator):
    client.force_login(operator)
    first = client.post("/accounts/tokens/", {"name": "one", **TOKEN}, HTTP_X_REQUEST_ID="same-id-every-time")
    second = client.post(
        "/accounts/tokens/", {"name": "two", **TOKEN}, HTTP_X_REQUEST_ID="same-id-every-time"
    )
    assert first["X-Request-ID"] != second["X-Request-ID"]
    client.post("/accounts/tokens/", {"name": "three", **TOKEN}, HTTP_X_REQUEST_ID="x" * 5000)
    client.post("/accounts/tokens/", {"name": "four", **TOKEN}, HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    events = AuditEvent.objects.filter(action="api_token.create")
    assert {e.summary: e.client_request_id for e in events} == {
        "one": "same-id-every-time",
        "two": "same-id-every-time",
        "three": "",
        "four": "",
    }


def test_the_recorded_address_comes_from_the_trusted_proxy_header_only_when_configured(
    client, operator, settings
):
    client.force_login(operator)
    client.post("/accounts/tokens/", {"name": "direct", **TOKEN}, HTTP_X_FORWARDED_FOR="192.0.2.1")
    settings.CARIBCLEAR_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.CARIBCLEAR_TRUSTED_PROXY_COUNT = 1
    client.post(
        "/accounts/tokens/", {"name": "proxied", **TOKEN}, HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7"
    )
    client.post("/accounts/tokens/", {"name": "garbage", **TOKEN}, HTTP_X_FORWARDED_FOR="not-an-address")
    events = {e.summary: e.ip for e in AuditEvent.objects.filter(action="api_token.create")}
    assert events == {"direct": "127.0.0.1", "proxied": "198.51.100.7", "garbage": "127.0.0.1"}


def test_supervisors_read_their_own_administrations_trail_only(
    client_for, make_user, antigua, barbados, officer
):
    supervisor = make_user(role="supervisor", administration=antigua, agency="customs")
    foreign = make_user(
        role="officer", administration=barbados, agency="customs", email="bb-officer@example.org"
    )
    audit_record(actor=officer, action="clearance.decide", summary="Antiguan decision")
    audit_record(actor=foreign, action="clearance.decide", summary="Barbadian decision")
    html = client_for(supervisor).get("/audit/?action=clearance.decide").content.decode()
    assert "Antiguan decision" in html
    assert "Barbadian decision" not in html
    assert client_for(officer).get("/audit/").status_code == 404


def _stored(event: AuditEvent) -> tuple:
    return (
        event.actor_id,
        event.actor_label,
        event.administration_code,
        event.action,
        event.object_type,
        event.object_id,
        event.summary,
        event.data,
        event.request_id,
        event.ip,
    )


def test_many_events_at_once_are_stored_as_one_at_a_time_and_the_chain_verifies(officer, antigua):
    """`audit_records` writes plain rows (COPY on PostgreSQL) with the chain's hashes made from their
    content: the same events as `audit_record` writes, and `verify_chain` accepts every link."""
    from caribclear.core.audit import audit_records
    from caribclear.core.chain import verify_chain

    data = {
        "fired": [[1, 2, "red", 20]],
        "before": None,
        "note": "é ✓",
        "n": 1.5,
        "nested": {"b": 1, "a": [2]},
    }
    items = [(officer, "one", data), (antigua, "two " + "x" * 600, None), (None, "three", {"k": (1, 2)})]
    with transaction.atomic():
        singles = [
            audit_record(actor=officer, action="test.many", obj=obj, summary=summary, data=d)
            for obj, summary, d in items
        ]
        first = singles[-1].pk + 1
        assert audit_records(actor=officer, action="test.many", items=items) == 3
        assert audit_records(actor=None, action="test.system", items=[(officer, "by the system", {})]) == 1
    many = list(AuditEvent.objects.filter(pk__gte=first).order_by("pk"))
    assert [_stored(e) for e in many[:3]] == [_stored(AuditEvent.objects.get(pk=e.pk)) for e in singles]
    assert many[1].summary == "two " + "x" * 496 and many[2].data == {"k": [1, 2]}
    assert len({e.at for e in many[:3]}) == 1  # the events of one call are one moment
    assert (many[3].actor_id, many[3].actor_label, many[3].administration_code) == (None, "system", "")
    assert [e.prev_hash for e in many[1:]] == [e.row_hash for e in many[:-1]]
    verification = verify_chain(AuditEvent)
    assert verification.ok and verification.rows == AuditEvent.objects.count()
    assert verification.last_hash == many[-1].row_hash


def test_deferred_events_are_written_at_the_end_of_the_block_in_the_order_of_the_calls(officer):
    from caribclear.core.audit import audit_deferred, audit_records
    from caribclear.core.chain import verify_chain

    before = AuditEvent.objects.count()
    with transaction.atomic():
        with audit_deferred():
            audit_records(actor=None, action="test.first", items=[(officer, "a", {}), (officer, "b", {})])
            audit_records(actor=None, action="test.second", items=[(None, "c", {"x": 1})])
            assert AuditEvent.objects.count() == before  # nothing written yet
        assert AuditEvent.objects.count() == before + 3
    assert list(AuditEvent.objects.order_by("-pk").values_list("summary", flat=True)[:3]) == ["c", "b", "a"]
    assert verify_chain(AuditEvent).ok

    # A block that fails writes nothing.
    with pytest.raises(ValueError), transaction.atomic(), audit_deferred():
        audit_records(actor=None, action="test.failed", items=[(officer, "lost", {})])
        raise ValueError("the work failed")
    assert not AuditEvent.objects.filter(action="test.failed").exists()
    assert verify_chain(AuditEvent).ok


def test_events_of_one_act_are_recorded_as_one_event_and_nothing_when_it_fails(officer, antigua):
    """`audit_as_one` gathers what `audit_record` and `audit_records` make inside it into one event, in
    order, appended at the end (the chain verifies); a block that raises leaves no event."""
    from caribclear.core.audit import audit_as_one, audit_records
    from caribclear.core.chain import verify_chain

    before = AuditEvent.objects.count()
    with transaction.atomic(), audit_as_one(actor=officer, action="test.act") as one:
        audit_record(actor=officer, action="test.first", obj=officer, summary="first", data={"n": 1})
        audit_records(
            actor=None, action="test.many", items=[(antigua, "second", {"n": 2}), (None, "third", None)]
        )
        one.obj, one.summary, one.data = antigua, "the act", {"total": 3}
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_id, event.summary) == ("test.act", str(antigua.pk), "the act")
    assert event.data["total"] == 3
    assert [(e["action"], e["summary"], e["data"]) for e in event.data["events"]] == [
        ("test.first", "first", {"n": 1}),
        ("test.many", "second", {"n": 2}),
        ("test.many", "third", {}),
    ]
    assert event.data["events"][0]["object_type"] == "accounts.user"
    with pytest.raises(ValueError), transaction.atomic(), audit_as_one(actor=officer, action="test.act"):
        audit_record(actor=officer, action="test.first")
        raise ValueError("the act failed")
    assert AuditEvent.objects.count() == before + 1
    audit_record(actor=officer, action="test.after")  # outside the block, written as before
    assert AuditEvent.objects.count() == before + 2
    assert verify_chain(AuditEvent).ok
