import pytest
from django.core import mail

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import ApiToken, User
from caribclear.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_an_official_to_their_own_administration(
    client_for, administrator, django_capture_on_commit_callbacks
):
    client = client_for(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/officials/",
            {
                "first_name": "Kemar",
                "last_name": "Joseph",
                "email": "kemar@ag.example",
                "role": "officer",
                "agency": "immigration",
                "language": "en",
            },
        )
    assert response.status_code == 302
    official = User.objects.get(email="kemar@ag.example")
    assert official.administration == administrator.administration
    assert official.agency == Agency.IMMIGRATION and official.role == Role.OFFICER
    assert not official.has_usable_password()
    assert "/accounts/password/reset/" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(action="official.create", object_id=str(official.pk)).exists()


def test_an_administrator_sees_and_manages_only_their_own_administration(
    client_for, administrator, barbados, make_user
):
    foreign = make_user(
        role=Role.OFFICER, administration=barbados, agency=Agency.CUSTOMS, email="x@bb.example"
    )
    client = client_for(administrator)
    assert b"x@bb.example" not in client.get("/accounts/officials/").content
    assert client.get(f"/accounts/officials/{foreign.pk}/").status_code == 404
    response = client.post(f"/accounts/officials/{foreign.pk}/", {"role": "officer", "agency": "customs"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_officers_and_operators_cannot_manage_officials(client_for, officer, operator):
    assert client_for(officer).get("/accounts/officials/").status_code == 404
    assert client_for(operator).get("/accounts/officials/").status_code == 404


def test_an_administrator_deactivates_an_official_and_cannot_lock_themselves_out(
    client_for, administrator, officer
):
    client = client_for(administrator)
    response = client.post(f"/accounts/officials/{officer.pk}/", {"role": "officer", "agency": "customs"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    response = client.post(
        f"/accounts/officials/{administrator.pk}/",
        {"role": "officer", "agency": "customs", "is_active": "on"},
    )
    assert "cannot remove your own administrator access" in response.content.decode()


def test_an_api_token_is_shown_once_stored_hashed_and_can_be_revoked(client_for, operator):
    client = client_for(operator)
    response = client.post(
        "/accounts/tokens/", {"name": "Marina office system", "scopes": ["read", "file"], "lifetime_days": 90}
    )
    html = response.content.decode()
    token = ApiToken.objects.get(user=operator)
    secret = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith("cc_") and secret not in token.key_hash
    assert client.get("/accounts/tokens/").content.decode().count(secret) == 0

    api = client.__class__()
    assert api.get("/api/openapi.json").status_code == 200
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_language_choice_is_kept_on_the_account(client_for, operator):
    client = client_for(operator)
    client.post("/accounts/language/", {"language": "nl", "next": "/accounts/tokens/"})
    operator.refresh_from_db()
    assert operator.language == "nl"
    response = client.get("/accounts/tokens/")
    assert response["Content-Language"] == "nl"
