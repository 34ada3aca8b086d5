"""Verifying the JWT an EHR sends with each CDS Hooks call.

The token must name an allowed asymmetric algorithm (``none`` and HMAC never pass), carry a
``kid`` found in the issuer's key set, come from a trusted ``iss``, be addressed (``aud``) to the
exact endpoint called, be current (``exp``, ``iat``, with a small leeway and a bounded lifetime)
and carry a ``jti`` not seen before. A refusal says which check failed and never echoes patient
data (a token holds none).

References
----------
HL7 CDS Hooks 2.0.1, "Trusting CDS Clients": JWT header (alg, kid, typ, jku), claims (iss, aud,
exp, iat, jti, tenant), ES384/RS384, allow-listing of iss and jku. RFC 7519 (JWT); RFC 7517
(JWK).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import jwt

from trdkit.cdshooks.config import CdsConfig, TrustedIssuer
from trdkit.cdshooks.jwks import JwksCache, JwksError, ReplayCache

__all__ = ["AuthError", "AuthReason", "VerifiedClient", "verify_authorization"]

AuthReason = Literal["no_credentials", "bad_credentials", "expired", "duplicate"]


class AuthError(Exception):
    """A refused token: the audit reason and a message for the problem detail."""

    def __init__(self, reason: AuthReason, message: str) -> None:
        super().__init__(message)
        self.reason: AuthReason = reason
        self.message = message


@dataclass(frozen=True)
class VerifiedClient:
    """The EHR a call comes from (``issuer`` is ``None`` when JWTs are not required)."""

    issuer: TrustedIssuer | None
    subject: str | None = None
    tenant: str | None = None

    @property
    def label(self) -> str:
        """The audit trail's name for the client."""
        return f"cds:{self.issuer.label if self.issuer else 'unauthenticated'}"[:64]

    @property
    def key(self) -> str:
        """What separates one client's cards from another's (dedupe, hashing)."""
        return self.issuer.iss if self.issuer else ""


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _bad(message: str) -> AuthError:
    return AuthError("bad_credentials", message)


def _key_set(
    issuer: TrustedIssuer, header: dict[str, Any], jwks: JwksCache
) -> tuple[dict[str, Any], str | None]:
    """The issuer's key set and the URL it came from (``None`` for a static set)."""
    jku = header.get("jku")
    if jku is not None:
        if jku not in issuer.jku_allowed:
            raise _bad("the jku header names a key set not allowed for this issuer")
        url: str | None = str(jku)
    elif issuer.jwks is not None:
        return issuer.jwks, None
    else:
        url = issuer.jwks_url
    if url is None:
        raise _bad("no key set is configured for this issuer")
    try:
        return jwks.get(url), url
    except JwksError as exc:
        raise _bad(f"the issuer's key set could not be read ({exc})") from None


def _find_key(keys: dict[str, Any], kid: str) -> dict[str, Any] | None:
    for key in keys.get("keys", []):
        if isinstance(key, dict) and key.get("kid") == kid:
            return key
    return None


def _signing_key(issuer: TrustedIssuer, header: dict[str, Any], alg: str, jwks: JwksCache) -> Any:
    kid = str(header["kid"])
    keys, url = _key_set(issuer, header, jwks)
    found = _find_key(keys, kid)
    if found is None and url is not None:
        try:
            found = _find_key(jwks.get(url, refresh=True), kid)
        except JwksError:
            found = None
    if found is None:
        raise _bad(f"no key with kid {_short(kid)} in the issuer's key set")
    if found.get("kty") == "oct":
        raise _bad("the key set holds a symmetric key: refused")
    if found.get("alg") not in (None, alg):
        raise _bad(f"the key {_short(kid)} is for {found.get('alg')}, not {alg}")
    try:
        return jwt.PyJWK(found, algorithm=alg).key
    except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
        raise _bad(f"the key {_short(kid)} cannot verify {alg} signatures") from None


def _decode(token: str, key: Any, alg: str, audiences: Sequence[str], config: CdsConfig) -> Any:
    try:
        return jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            audience=list(audiences),
            leeway=config.leeway_seconds,
            options={"require": ["iss", "aud", "exp", "iat", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("expired", "the JWT has expired (exp)") from None
    except jwt.InvalidAudienceError:
        raise _bad(f"the JWT audience (aud) must be {audiences[0]}") from None
    except jwt.MissingRequiredClaimError as exc:
        raise _bad(f"the JWT lacks the {exc.claim} claim") from None
    except jwt.ImmatureSignatureError:
        raise _bad("the JWT is issued in the future (iat/nbf)") from None
    except jwt.InvalidSignatureError:
        raise _bad("the JWT signature does not verify") from None
    except jwt.InvalidTokenError as exc:
        raise _bad(f"the JWT is invalid ({type(exc).__name__})") from None


def verify_authorization(
    authorization: str | None,
    audiences: Sequence[str],
    config: CdsConfig,
    jwks: JwksCache,
    replay: ReplayCache,
) -> VerifiedClient:
    """Check the ``Authorization`` header of a CDS Hooks call.

    Parameters
    ----------
    authorization
        The header's value (``Bearer <JWT>``), if sent.
    audiences
        The endpoint URLs a valid token may be addressed to (the first is the canonical one).
    config, jwks, replay
        Trusted issuers and limits; the key-set cache; the used-``jti`` cache.

    Returns
    -------
    VerifiedClient
        The trusted issuer and the token's ``sub`` and ``tenant``.

    Raises
    ------
    AuthError
        With the reason (for the audit trail) and a message naming the failed check.
    """
    if not config.require_jwt:
        return VerifiedClient(issuer=None)
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("no_credentials", "an Authorization: Bearer <JWT> header is required")
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise _bad("the bearer token is not a JWT") from None
    alg = header.get("alg")
    if alg not in config.algorithms:
        allowed = ", ".join(config.algorithms)
        raise _bad(f"JWT algorithm {_short(alg)} is not allowed (allowed: {allowed})")
    if str(header.get("typ", "JWT")).upper() != "JWT":
        raise _bad("the JWT header typ must be JWT")
    if not header.get("kid"):
        raise _bad("the JWT header has no kid")
    issuer = config.issuer(claims.get("iss"))
    if issuer is None:
        raise _bad(f"the issuer {_short(claims.get('iss'))} is not trusted")
    key = _signing_key(issuer, header, alg, jwks)
    verified = _decode(token, key, alg, audiences, config)
    exp, iat = verified["exp"], verified["iat"]
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise _bad("exp and iat must be numbers")
    if exp - iat > config.max_token_lifetime_seconds:
        raise _bad(f"the JWT lives longer than {config.max_token_lifetime_seconds} s")
    jti = verified["jti"]
    if not isinstance(jti, str) or not jti:
        raise _bad("the JWT lacks the jti claim")
    if not replay.use(issuer.iss, jti, float(exp) + config.leeway_seconds):
        raise AuthError("duplicate", "the JWT id (jti) was already used: replay refused")
    sub, tenant = verified.get("sub"), verified.get("tenant")
    return VerifiedClient(
        issuer=issuer,
        subject=sub if isinstance(sub, str) else None,
        tenant=tenant if isinstance(tenant, str) else None,
    )
