import pytest
from django.db import DatabaseError, connection, transaction

from caribclear.core.audit import audit_record
from caribclear.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


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
    client.force_login(operator)
    response = client.post(
        "/accounts/language/", {"language": "es", "next": "/"}, HTTP_X_REQUEST_ID="abcdef123456"
    )
    assert response["X-Request-ID"] == "abcdef123456"


def test_supervisors_read_their_own_administrations_trail_only(
    client_for, make_user, antigua, barbados, officer
):
    supervisor = make_user(role="supervisor", administration=antigua, agency="customs")
    foreign = make_user(
        role="officer", administration=barbados, agency="customs", email="bb-officer@example.org"
    )
    audit_record(actor=officer, action="clearance.decide", summary="Antiguan decision")
    audit_record(actor=foreign, action="clearance.decide", summary="Barbadian decision")
    html = client_for(supervisor).get("/audit/?action=clearance").content.decode()
    assert "Antiguan decision" in html
    assert "Barbadian decision" not in html
    assert client_for(officer).get("/audit/").status_code == 404
