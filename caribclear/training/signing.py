"""The platform's credential signing key, its public form and the issuer's decentralised identifier.

Open Badges 3.0 credentials are signed as VC-JWT (JWS compact serialisation, ES256 on P-256) with
jwcrypto. The issuer is `did:web:<host>`: its DID document, served at `/.well-known/did.json`, publishes
the public key, so anyone can check a credential without asking the platform who signed it.

The private key comes from `CARIBCLEAR_CREDENTIAL_KEY` (a private JWK as JSON) in production. Where that is
not set and `CREDENTIAL_KEY_FILE` is (the demo and the tests), a key is generated on first use and kept in
that file, outside the repository.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwcrypto import jwk, jwt

ALGORITHM = "ES256"
KEY_ID = "key-1"


@lru_cache(maxsize=4)
def _load_key(configured: str, key_file: str) -> jwk.JWK:
    if configured:
        key = jwk.JWK.from_json(configured)
    elif key_file:
        path = Path(key_file)
        if path.exists():
            key = jwk.JWK.from_json(path.read_text())
        else:
            key = jwk.JWK.generate(kty="EC", crv="P-256")
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first: use that one
                key = jwk.JWK.from_json(path.read_text())
            else:
                with os.fdopen(descriptor, "w") as handle:
                    handle.write(key.export_private())
    else:
        raise ImproperlyConfigured(
            "Set CARIBCLEAR_CREDENTIAL_KEY to a private EC P-256 JWK to issue training credentials."
        )
    if not key.has_private or key.get("kty") != "EC" or key.get("crv") != "P-256":
        raise ImproperlyConfigured("CARIBCLEAR_CREDENTIAL_KEY must be a private EC P-256 JWK.")
    return key


def signing_key() -> jwk.JWK:
    key_file = getattr(settings, "CREDENTIAL_KEY_FILE", None)
    return _load_key(settings.CREDENTIAL_SIGNING_KEY, str(key_file) if key_file else "")


def issuer_did() -> str:
    """did:web of the site: the host (a port is percent-encoded), then any path segments joined by ':'."""
    parts = urlsplit(settings.SITE_URL)
    did = "did:web:" + quote(parts.netloc, safe="")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join([did, *segments])


def verification_method() -> str:
    return f"{issuer_did()}#{KEY_ID}"


def public_jwk() -> dict[str, Any]:
    public: dict[str, Any] = json.loads(signing_key().export_public())
    public.update({"kid": verification_method(), "alg": ALGORITHM, "use": "sig"})
    return public


def did_document() -> dict[str, Any]:
    did = issuer_did()
    method = {
        "id": verification_method(),
        "type": "JsonWebKey",
        "controller": did,
        "publicKeyJwk": {k: v for k, v in public_jwk().items() if k in ("kty", "crv", "x", "y")},
    }
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [method["id"]],
    }


def sign(claims: dict[str, Any], *, typ: str = "vc+jwt") -> str:
    """A compact JWS of the claims, with the verification method as `kid` (VC-JOSE-COSE, OB 3.0 §8.2)."""
    token = jwt.JWT(
        header={"alg": ALGORITHM, "typ": typ, "cty": "vc", "kid": verification_method()},
        claims=json.dumps(claims, separators=(",", ":"), ensure_ascii=False),
    )
    token.make_signed_token(signing_key())
    return str(token.serialize())
