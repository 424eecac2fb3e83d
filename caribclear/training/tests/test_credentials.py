"""A credential the platform issues verifies with a verifier the project did not write (PyJWT checking the
JWS against the key in the issuer's did:web document, the status list decoded as the W3C specification
says), and a revoked one does not."""

from __future__ import annotations

import base64
import gzip
import io
import json
from decimal import Decimal

import jwt
import pytest
from django.test import Client
from pypdf import PdfReader

from caribclear.training import services
from caribclear.training.models import Credential


class RevokedError(Exception):
    pass


def resolve_did_web(client: Client, did: str) -> dict:
    """did:web resolution (https://w3c-ccg.github.io/did-method-web/): the host's /.well-known/did.json."""
    assert did.startswith("did:web:")
    assert ":" not in did.removeprefix("did:web:"), "the test server serves the DID at the root"
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    document = response.json()
    assert document["id"] == did
    return document


def verify_credential(client: Client, token: str) -> dict:
    """An independent verifier: PyJWT for the signature, the Bitstring Status List spec for the status."""
    header = jwt.get_unverified_header(token)
    kid = header["kid"]
    did = kid.split("#")[0]
    document = resolve_did_web(client, did)
    method = next(m for m in document["verificationMethod"] if m["id"] == kid)
    assert kid in document["assertionMethod"]
    key = jwt.PyJWK(method["publicKeyJwk"], algorithm="ES256")
    claims = jwt.decode(token, key=key, algorithms=["ES256"], options={"require": ["iss", "nbf", "jti"]})
    assert claims["iss"] == did == claims["issuer"]["id"]
    assert "OpenBadgeCredential" in claims["type"]
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    list_url = status["statusListCredential"]
    path = list_url.split("://", 1)[1].split("/", 1)[1]
    list_jwt = client.get("/" + path).content.decode()
    list_claims = jwt.decode(
        list_jwt,
        key=jwt.PyJWK(
            resolve_did_web(client, jwt.decode(list_jwt, options={"verify_signature": False})["iss"])[
                "verificationMethod"
            ][0]["publicKeyJwk"],
            algorithm="ES256",
        ),
        algorithms=["ES256"],
    )
    assert list_claims["iss"] == did
    subject = list_claims["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u")  # multibase base64url, no padding
    raw = encoded[1:]
    bitstring = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    assert len(bitstring) * 8 >= 131_072
    index = int(status["statusListIndex"])
    if (bitstring[index // 8] >> (7 - index % 8)) & 1:
        raise RevokedError(index)
    return claims


@pytest.fixture
def credential(courses, make_intake, enrol, antigua_officer, tutor) -> Credential:
    intake = make_intake(courses[1])
    enrolment = enrol(intake, antigua_officer)
    services.result_record(actor=tutor, enrolment=enrolment, grade=Decimal("78.5"), days_attended=None)
    return Credential.objects.get(holder=antigua_officer)


def test_a_passed_course_earns_a_credential_that_an_outside_verifier_accepts(credential, client):
    claims = verify_credential(client, credential.signed_jwt)
    assert claims["credentialSubject"]["achievement"]["name"] == "International Trade Terms"
    assert claims["name"] == "International Trade Terms"
    # The holder is identified by a salted hash of the e-mail address, not in clear.
    identity = claims["credentialSubject"]["identifier"][0]
    assert identity["hashed"] is True and "kendra" not in json.dumps(claims)


def test_a_revoked_credential_fails_verification_and_its_page_says_so(credential, client, staff):
    page = client.get(f"/training/verify/{credential.token}/")
    assert "Valid" in page.content.decode() and "Kendra Joseph" in page.content.decode()
    services.credential_revoke(actor=staff, credential=credential, reason="Awarded in error")
    with pytest.raises(RevokedError):
        verify_credential(client, credential.signed_jwt)
    page = client.get(f"/training/verify/{credential.token}/").content.decode()
    assert "Revoked" in page and "kendra@ag.example" not in page


def test_a_tampered_credential_is_refused(credential, client):
    header, payload, signature = credential.signed_jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = "Diploma in Customs Management"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(jwt.InvalidSignatureError):
        verify_credential(client, f"{header}.{forged}.{signature}")


def test_the_holder_downloads_a_bilingual_certificate_with_the_verification_link(
    credential, client_for, antigua_officer, settings
):
    response = client_for(antigua_officer).get(f"/training/credentials/{credential.token}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Kendra Joseph" in text and "International Trade Terms" in text
    assert "Certificate of completion" in text and "Certificado" in text  # Spanish, then English
    assert f"/training/verify/{credential.token}/" in text.replace("\n", "")
    badge = client_for(antigua_officer).get(f"/training/credentials/{credential.token}.jwt")
    assert badge["Content-Type"] == "application/vc+jwt" and badge.content.decode() == credential.signed_jwt


def test_only_the_holder_their_administrator_and_the_secretariat_download_it(
    credential, client_for, make_user, barbados, administrator, staff
):
    other = make_user(role="officer", administration=barbados)
    url = f"/training/credentials/{credential.token}.pdf"
    assert client_for(other).get(url).status_code == 404
    assert client_for(make_user(role="administrator", administration=barbados)).get(url).status_code == 404
    assert client_for(administrator).get(url).status_code == 200
    assert client_for(staff).get(url).status_code == 200
    assert Client().get(url).status_code == 302  # to the sign-in page


def test_the_api_lists_the_callers_credentials_with_the_signed_badge(
    credential, antigua_officer, make_user, barbados
):
    from caribclear.accounts.services import api_token_create

    def token_for(user):
        raw = api_token_create(user=user, name="HR system")[1]
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    response = Client().get("/api/training/credentials", **token_for(antigua_officer))
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["status"] == "valid" and item["open_badge_jwt"] == credential.signed_jwt
    other = make_user(role="officer", administration=barbados)
    assert Client().get("/api/training/credentials", **token_for(other)).json()["items"] == []
    operator = make_user()
    assert Client().get("/api/training/credentials", **token_for(operator)).status_code == 404
