"""Finding 1 of issue 15: the lock-out counts the account, whatever the case of its e-mail address, on
every step of signing in; an address is limited too; operators may turn on a second step."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.core.models import AuditEvent

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery staple"


def post_login(client: Client, username: str, password: str, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if totp(device.bin_key) != 0 else "111111"


def test_changing_the_case_of_the_email_does_not_get_round_the_lockout(client, operator):
    spellings = ["skipper@example.org", "SKIPPER@example.org", "Skipper@Example.org", " skipper@EXAMPLE.ORG"]
    for attempt in range(5):
        response = post_login(client, spellings[attempt % len(spellings)], "wrong password")
        assert response.status_code == (200 if attempt < 4 else 429)
    for spelling in [*spellings, "sKiPpEr@example.org"]:
        response = post_login(Client(), spelling, RIGHT)
        assert response.status_code == 429, spelling
        assert "locked" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_one_address_guessing_over_many_accounts_is_stopped(client, make_user, settings):
    settings.CARIBCLEAR_LOGIN_IP_FAILURE_LIMIT = 8
    users = [make_user() for _ in range(4)]
    for n, user in enumerate(users):  # two wrong passwords each: no account reaches its own limit of five
        for m in range(2):
            expected = 429 if (n, m) == (3, 1) else 200  # the eighth failure reaches the address's limit
            assert post_login(client, user.email, "wrong password").status_code in {200, expected}
    # The address has now failed eight times: even a right password from it is refused for a while ...
    assert post_login(client, users[0].email, RIGHT).status_code == 429
    # ... while the same account signs in from another address.
    response = post_login(Client(REMOTE_ADDR="203.0.113.9"), users[0].email, RIGHT)
    assert response.status_code == 302


def test_the_address_is_read_from_the_trusted_proxy_header_only_when_configured(client, make_user, settings):
    settings.CARIBCLEAR_LOGIN_IP_FAILURE_LIMIT = 3
    settings.CARIBCLEAR_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.CARIBCLEAR_TRUSTED_PROXY_COUNT = 1
    user, other = make_user(), make_user()
    for n in range(3):  # a client behind the proxy, inventing an address in front of the real one
        post_login(client, user.email, "wrong password", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 198.51.100.7")
    assert post_login(client, other.email, RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert post_login(Client(), other.email, RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


def test_wrong_codes_in_the_second_step_lock_the_account(client, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    assert post_login(client, officer.email.upper(), RIGHT)["Location"].endswith("/accounts/login/verify/")
    for _ in range(5):
        response = client.post("/accounts/login/verify/", {"code": wrong_code(device)})
    assert response.status_code == 429
    # The account is locked: the password (in any case) no longer reaches the second step, and the right
    # code is refused too.
    assert post_login(Client(), officer.email, RIGHT).status_code == 429
    response = client.post("/accounts/login/verify/", {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_operator_turns_on_two_step_sign_in_and_is_then_asked_for_a_code(client, operator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    post_login(client, operator.email, RIGHT)
    assert client.session["_auth_user_id"] == str(operator.pk)  # password alone, as before
    page = client.get("/accounts/security/").content.decode()
    assert "Two-step sign-in is off" in page

    client.post("/accounts/security/", {"action": "start"})
    page = client.get("/accounts/security/").content.decode()
    assert "<svg" in page  # the QR code to scan
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    response = client.post("/accounts/security/", {"action": "confirm", "code": wrong_code(device)})
    assert "not right" in response.content.decode()
    response = client.post(
        "/accounts/security/", {"action": "confirm", "code": f"{totp(device.bin_key):06d}"}
    )
    assert response.status_code == 302
    assert "Two-step sign-in is on" in client.get("/accounts/security/").content.decode()
    assert AuditEvent.objects.filter(action="account.enrol_2fa", object_id=str(operator.pk)).exists()

    client.logout()
    response = post_login(client, operator.email, RIGHT)
    assert response["Location"].endswith("/accounts/login/verify/")
    assert "_auth_user_id" not in client.session  # the password alone no longer signs in
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    response = client.post("/accounts/login/verify/", {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(operator.pk)

    # Turning it off takes a current code.
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    response = client.post("/accounts/security/", {"action": "disable", "code": wrong_code(device)})
    assert "not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=operator, confirmed=True).exists()
    client.post("/accounts/security/", {"action": "disable", "code": f"{totp(device.bin_key):06d}"})
    assert not TOTPDevice.objects.filter(user=operator).exists()
    client.logout()
    assert post_login(client, operator.email, RIGHT).status_code == 302
    assert client.session["_auth_user_id"] == str(operator.pk)


def test_registrations_from_one_address_are_limited(client, settings, django_capture_on_commit_callbacks):
    settings.CARIBCLEAR_REGISTRATION_IP_LIMIT = 3

    def register(email: str, remote: str = "127.0.0.1"):
        data = {
            "first_name": "Marie",
            "last_name": "Dubois",
            "email": email,
            "phone": "",
            "language": "en",
            "password1": "Trade winds 2026!",
            "password2": "Trade winds 2026!",
        }
        with django_capture_on_commit_callbacks(execute=True):
            return Client(REMOTE_ADDR=remote).post("/accounts/register/", data)

    for n in range(3):
        assert register(f"sailor{n}@example.org").status_code == 200
    refused = register("sailor9@example.org")
    assert refused.status_code == 429
    assert "Try again in an hour" in refused.content.decode()
    assert register("sailor9@example.org", remote="203.0.113.5").status_code == 200
