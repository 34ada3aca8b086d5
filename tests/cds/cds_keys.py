"""Signing keys of the mock EHRs (ES384 and RS384) and the JWTs they send."""

from __future__ import annotations

import functools
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ES_ISSUER = "https://ehr-one.test"
RS_ISSUER = "https://ehr-two.test"
JWKS_URL = "https://ehr-one.test/.well-known/jwks.json"
BASE_URL = "https://trdkit.test"


@dataclass(frozen=True)
class SigningKey:
    """A private key with its kid, algorithm and public JWK."""

    private: Any
    kid: str
    alg: str

    @property
    def jwk(self) -> dict[str, Any]:
        maker = ECAlgorithm if self.alg.startswith("ES") else RSAAlgorithm
        public: dict[str, Any] = maker.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": self.alg, "use": "sig"}


@functools.cache
def es384() -> SigningKey:
    return SigningKey(ec.generate_private_key(ec.SECP384R1()), "es-key-1", "ES384")


@functools.cache
def rs384() -> SigningKey:
    return SigningKey(rsa.generate_private_key(65537, 2048), "rs-key-1", "RS384")


@functools.cache
def stranger() -> SigningKey:
    """A key no trusted issuer publishes."""
    return SigningKey(ec.generate_private_key(ec.SECP384R1()), "es-key-1", "ES384")


def jwks(*keys: SigningKey) -> dict[str, Any]:
    return {"keys": [k.jwk for k in keys]}


def endpoint(service_id: str, feedback: bool = False) -> str:
    return f"{BASE_URL}/cds-services/{service_id}" + ("/feedback" if feedback else "")


def mint(
    key: SigningKey,
    *,
    iss: str,
    aud: str | list[str],
    lifetime: int = 300,
    issued: float | None = None,
    jti: str | None = None,
    drop: tuple[str, ...] = (),
    headers: dict[str, Any] | None = None,
) -> str:
    """A JWT as a CDS client would send it."""
    now = time.time() if issued is None else issued
    claims: dict[str, Any] = {
        "iss": iss,
        "aud": aud,
        "exp": int(now + lifetime),
        "iat": int(now),
        "jti": jti or str(uuid.uuid4()),
        "sub": "client-app",
    }
    for name in drop:
        claims.pop(name, None)
    head = {"kid": key.kid, "typ": "JWT", **(headers or {})}
    return jwt.encode(claims, key.private, algorithm=key.alg, headers=head)


def unsigned(*, iss: str, aud: str) -> str:
    """An ``alg: none`` token (what an attacker without a key sends)."""
    now = int(time.time())
    claims = {"iss": iss, "aud": aud, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4())}
    return jwt.encode(claims, None, algorithm="none", headers={"kid": "es-key-1"})


def hmac_signed(*, iss: str, aud: str) -> str:
    """An HS256 token signed with a shared secret (never accepted)."""
    now = int(time.time())
    claims = {"iss": iss, "aud": aud, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4())}
    secret = "s" * 64
    return jwt.encode(claims, secret, algorithm="HS256", headers={"kid": "es-key-1"})
