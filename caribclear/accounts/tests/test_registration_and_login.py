import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.accounts.models import User
from caribclear.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Trade winds 2026!"


def register(client: Client, capture, **overrides: str):
    data = {
        "first_name": "Marie",
        "last_name": "Dubois",
        "email": "marie@example.org",
        "phone": "",
        "language": "fr",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    with capture(execute=True):
        return client.post("/accounts/register/", data)


def confirmation_link() -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match[1]


def test_an_operator_registers_confirms_the_email_and_signs_in(client, django_capture_on_commit_callbacks):
    response = register(client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert b"marie@example.org" in response.content
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["marie@example.org"]
    assert "Confirmez" in mail.outbox[0].subject or "confirm" in mail.outbox[0].subject.lower()

    # Before confirming, signing in is refused with a clear reason.
    response = client.post("/accounts/login/", {"username": "marie@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "confirm" in response.content.decode().lower() or "confirme" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session

    response = client.get(confirmation_link())
    assert response.status_code == 302
    user = User.objects.get(email="marie@example.org")
    assert user.email_confirmed_at is not None
    assert user.is_operator and user.language == "fr"

    response = client.post("/accounts/login/", {"username": "MARIE@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_confirmation_link_works_once(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    link = confirmation_link()
    assert client.get(link).status_code == 302
    assert client.get(link).status_code == 400


def test_registration_errors_are_field_level_and_keep_what_was_typed(
    client, operator, django_capture_on_commit_callbacks
):
    response = register(
        client,
        django_capture_on_commit_callbacks,
        email="not an address",
        password2="something else entirely",
        phone="+1 268 555 0101",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a valid email address." in html
    assert "The two passwords are not the same." in html
    assert 'value="Dubois"' in html and 'value="+1 268 555 0101"' in html
    assert not User.objects.filter(last_name="Dubois").exists()


def test_registration_does_not_reveal_which_addresses_have_accounts(
    client, operator, officer, django_capture_on_commit_callbacks
):
    # Issue 15, finding 8. An address nobody uses, an operator's (in another case) and an official's:
    # the same answer each time; the owners of the existing accounts are told by e-mail.
    pages = []
    for email in ["new-sailor@example.org", operator.email.upper(), officer.email]:
        response = register(client, django_capture_on_commit_callbacks, email=email)
        assert response.status_code == 200
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        pages.append(page.replace(email, "EMAIL"))
    assert pages[0] == pages[1] == pages[2]
    assert "already" not in pages[1]
    assert User.objects.filter(email__iexact=operator.email).count() == 1
    assert User.objects.get(pk=operator.pk).last_name != "Dubois"  # the existing account is untouched
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert "/accounts/confirm/" in str(by_recipient["new-sailor@example.org"].body)
    for owner in (operator, officer):
        notice = by_recipient[owner.email]
        assert "tried to register" in notice.subject
        assert "/accounts/confirm/" not in str(notice.body)
        assert "/accounts/password/reset/" in str(notice.body)


def test_weak_passwords_are_refused(client, django_capture_on_commit_callbacks):
    response = register(
        client, django_capture_on_commit_callbacks, password1="password", password2="password"
    )
    assert "This password is too common." in response.content.decode()


def test_production_hashes_passwords_with_argon2(settings):
    import caribclear.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = User(email="a@example.org", username="a@example.org")
    user.set_password(PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"


def test_repeated_failed_logins_lock_the_account_even_with_the_right_password(client, operator):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": operator.email, "password": "wrong password"})
    response = client.post(
        "/accounts/login/", {"username": operator.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_an_official_must_enrol_an_authenticator_then_sign_in_with_a_code(client, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    response = client.post(
        "/accounts/login/", {"username": officer.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/accounts/login/enrol/")
    assert "_auth_user_id" not in client.session  # the password alone does not sign an official in

    response = client.get("/accounts/login/enrol/")
    assert b"<svg" in response.content  # the QR code to scan
    device = TOTPDevice.objects.get(user=officer, confirmed=False)

    response = client.post(
        "/accounts/login/enrol/", {"code": "000000" if totp(device.bin_key) != 0 else "111111"}
    )
    assert "not right" in response.content.decode()
    response = client.post("/accounts/login/enrol/", {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.session["_auth_user_id"] == str(officer.pk)

    # Next time: password, then the code.
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": officer.email, "password": "correct horse battery staple"}
    )
    assert response["Location"].endswith("/accounts/login/verify/")
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again for this test
    device.save()
    response = client.post("/accounts/login/verify/", {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_an_official_signed_in_without_the_second_step_cannot_open_official_pages(client, administrator):
    client.force_login(administrator)  # password only, no OTP verification in the session
    response = client.get("/accounts/officials/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signing_in_and_registration_leave_an_audit_trail(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    assert AuditEvent.objects.filter(action="account.register", actor_label="marie@example.org").exists()
