"""Open Badges 3.0 credentials (W3C Verifiable Credentials 2.0) and the Bitstring Status List.

A credential is an `OpenBadgeCredential` secured as VC-JWT: the JWT payload is the credential itself, with
`iss`, `nbf` and `jti` beside it (Open Badges 3.0 §8.2). Its `credentialStatus` points at a bit of the
platform's revocation list, a `BitstringStatusListCredential` served (and signed) by the platform: the
bit at `statusListIndex` is 1 once the credential is revoked (W3C Bitstring Status List v1.0).
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .choices import CredentialKind, Level
from .models import Credential
from .signing import issuer_did, sign

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# The smallest list the specification allows (16 KiB), so a holder hides among 131,072 positions.
STATUS_LIST_BITS = 131_072
STATUS_PURPOSE = "revocation"
ISSUER_NAME = "CCLEC Secretariat — Customs Management Programme"


def status_list_url() -> str:
    return settings.SITE_URL + reverse("training:status_list")


def verification_url(credential: Credential) -> str:
    return settings.SITE_URL + reverse("training:verify", args=[credential.token])


def free_status_index() -> int:
    """A random unused position in the status list (random, so positions say nothing about holders)."""
    while True:
        index = secrets.randbelow(STATUS_LIST_BITS)
        if not Credential.objects.filter(status_index=index).exists():
            return index


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _achievement(credential: Credential) -> dict[str, Any]:
    if credential.kind == CredentialKind.COURSE:
        course = credential.course
        assert course is not None
        return {
            "id": f"{settings.SITE_URL}/training/achievements/course/{course.code}",
            "type": ["Achievement"],
            "achievementType": "Course",
            "name": course.title,
            "description": course.description or course.title,
            "criteria": {
                "narrative": "Passed the course assessment with at least "
                f"{course.pass_mark}% ({course.credits} credits, {course.hours} hours)."
            },
            "humanCode": course.code,
            **({"creditsAvailable": float(course.credits)} if course.credits else {}),
        }
    programme = credential.programme
    assert programme is not None
    return {
        "id": f"{settings.SITE_URL}/training/achievements/programme/{programme.code}",
        "type": ["Achievement"],
        "achievementType": "Diploma" if programme.level == Level.DIPLOMA else "Certificate",
        "name": programme.title,
        "description": programme.description or programme.title,
        "criteria": {
            "narrative": f"Earned {programme.required_credits} credits with every core course passed at "
            f"{programme.minimum_grade}% or better."
        },
        "humanCode": programme.code,
    }


def credential_document(credential: Credential) -> dict[str, Any]:
    """The credential as JSON-LD (unsigned): what the signed JWT carries as its payload."""
    holder = credential.holder
    salt = hashlib.sha256(f"{credential.token}:salt".encode()).hexdigest()[:16]
    identity = "sha256$" + hashlib.sha256((holder.email.lower() + salt).encode()).hexdigest()
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": verification_url(credential),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_did(), "type": ["Profile"], "name": ISSUER_NAME, "url": settings.SITE_URL},
        "validFrom": _iso(credential.created_at),
        "name": credential.title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": identity,
                    "salt": salt,
                }
            ],
            "achievement": _achievement(credential),
        },
        "credentialStatus": {
            "id": f"{status_list_url()}#{credential.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(credential.status_index),
            "statusListCredential": status_list_url(),
        },
    }


def credential_jwt(credential: Credential) -> str:
    document = credential_document(credential)
    claims = {
        **document,
        "iss": document["issuer"]["id"],
        "nbf": int(credential.created_at.timestamp()),
        "jti": document["id"],
    }
    return sign(claims)


def encode_bitstring(revoked_indexes: Iterable[int], size: int = STATUS_LIST_BITS) -> str:
    """The encodedList: GZIP of the bitstring (index 0 is the first byte's most significant bit), then
    base64url without padding, with the multibase prefix 'u'."""
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def status_list_jwt() -> str:
    """The signed revocation list of every credential the platform has issued."""
    now = timezone.now()
    revoked = Credential.objects.filter(revoked_at__isnull=False).values_list("status_index", flat=True)
    url = status_list_url()
    document = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": _iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encode_bitstring(revoked),
        },
    }
    return sign({**document, "iss": issuer_did(), "nbf": int(now.timestamp()), "jti": url})
