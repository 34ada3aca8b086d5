"""Configuration of the CDS Hooks service: trusted EHRs, JWT checks, links and limits.

=================================  ===========================================================
``TRDKIT_CDS_CONFIG``              a JSON or YAML file holding the whole configuration
``TRDKIT_CDS_TRUSTED_ISSUERS``     JSON list of trusted issuers (overrides the file's list)
``TRDKIT_CDS_BASE_URL``            public base URL of the service (``aud`` and report links)
``TRDKIT_CDS_ALGORITHMS``          comma-separated JWT algorithms (default ``ES384,RS384``)
``TRDKIT_CDS_REPORT_URL``          template of the report link (``{base_url}``, ``{patient_id}``)
``TRDKIT_CDS_REQUIRE_JWT``         ``0`` to accept unsigned calls (local trials only, never live)
=================================  ===========================================================

A trusted issuer is an EHR (``iss``) with the keys it signs with: a fixed JWKS URL, a list of
``jku`` URLs it may name in a token's header, or a static JWKS (offline installations, tests).
Only asymmetric algorithms can be configured: ``none`` and HMAC are refused at load time.

References
----------
HL7 CDS Hooks 2.0.1, "Trusting CDS Clients" (ES384/RS384 recommended, ``jku`` allow-listing).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["ASYMMETRIC_ALGORITHMS", "CdsConfig", "CdsConfigError", "TrustedIssuer"]

ASYMMETRIC_ALGORITHMS = frozenset(
    {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"}
)


class CdsConfigError(ValueError):
    """The CDS Hooks configuration cannot be read or is invalid."""


class TrustedIssuer(BaseModel):
    """An EHR allowed to call the service, and where its signing keys are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    iss: str = Field(min_length=1, description="The JWT 'iss' claim of this EHR.")
    name: str | None = Field(
        default=None, max_length=60, description="Short label for the audit trail."
    )
    jwks_url: str | None = Field(default=None, description="JWKS URL used when there is no jku.")
    jku_allowed: tuple[str, ...] = Field(
        default=(), description="JWKS URLs this issuer may name in the 'jku' header."
    )
    jwks: dict[str, Any] | None = Field(default=None, description="A static JWKS.")
    fhir_servers: tuple[str, ...] = Field(
        default=(), description="fhirServer base URLs this issuer may send (empty: any)."
    )

    @model_validator(mode="after")
    def _has_keys(self) -> TrustedIssuer:
        if self.jwks_url is None and not self.jku_allowed and self.jwks is None:
            raise ValueError(f"issuer {self.iss!r} needs jwks_url, jku_allowed or jwks")
        return self

    @property
    def label(self) -> str:
        """How the audit trail names this client."""
        return self.name or self.iss

    def allows_fhir_server(self, url: str) -> bool:
        """Whether the issuer may point the service at ``url``."""
        if not self.fhir_servers:
            return True
        base = url.rstrip("/")
        return any(
            base == s.rstrip("/") or base.startswith(s.rstrip("/") + "/") for s in self.fhir_servers
        )


class CdsConfig(BaseModel):
    """Everything the CDS Hooks service is configured with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service_base_url: str | None = Field(
        default=None,
        description="Public base URL (scheme and host, no /cds-services); default: the request's.",
    )
    require_jwt: bool = True
    algorithms: tuple[str, ...] = ("ES384", "RS384")
    trusted_issuers: tuple[TrustedIssuer, ...] = ()
    leeway_seconds: int = Field(default=30, ge=0, le=300)
    max_token_lifetime_seconds: int = Field(default=600, ge=60, le=86400)
    jwks_ttl_seconds: int = Field(default=300, ge=0)
    fhir_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    require_https_fhir: bool = True
    dedupe_ttl_seconds: int = Field(default=3600, ge=0)
    report_url: str = "{base_url}/patients?fhir_patient={patient_id}"
    report_link_type: Literal["absolute", "smart"] = "absolute"
    cors_origins: tuple[str, ...] = ("*",)
    policy: str | None = Field(default=None, description="TRD policy id; default ema_2013.")

    @field_validator("algorithms")
    @classmethod
    def _asymmetric(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one algorithm is needed")
        if bad := sorted(set(value) - ASYMMETRIC_ALGORITHMS):
            raise ValueError(f"only asymmetric JWT algorithms may be allowed, not {bad}")
        return value

    def issuer(self, iss: object) -> TrustedIssuer | None:
        """The trusted issuer whose ``iss`` is ``iss``, if any."""
        return next((i for i in self.trusted_issuers if i.iss == iss), None)

    @classmethod
    def from_env(cls) -> CdsConfig:
        """The configuration of the ``TRDKIT_CDS_*`` environment variables (see module)."""
        data: dict[str, Any] = {}
        path = os.environ.get("TRDKIT_CDS_CONFIG")
        if path:
            data = _read_file(Path(path))
        issuers = os.environ.get("TRDKIT_CDS_TRUSTED_ISSUERS")
        if issuers:
            try:
                data["trusted_issuers"] = json.loads(issuers)
            except json.JSONDecodeError as exc:
                raise CdsConfigError(f"TRDKIT_CDS_TRUSTED_ISSUERS is not JSON: {exc}") from None
        if base := os.environ.get("TRDKIT_CDS_BASE_URL"):
            data["service_base_url"] = base
        if algorithms := os.environ.get("TRDKIT_CDS_ALGORITHMS"):
            data["algorithms"] = [a.strip() for a in algorithms.split(",") if a.strip()]
        if report := os.environ.get("TRDKIT_CDS_REPORT_URL"):
            data["report_url"] = report
        if os.environ.get("TRDKIT_CDS_REQUIRE_JWT", "").strip() in ("0", "false", "no"):
            data["require_jwt"] = False
        try:
            return cls.model_validate(data)
        except ValueError as exc:
            raise CdsConfigError(f"invalid CDS Hooks configuration: {exc}") from None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        loaded = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise CdsConfigError(f"cannot read the CDS Hooks configuration {path}: {exc}") from None
    if not isinstance(loaded, dict):
        raise CdsConfigError(f"{path}: the CDS Hooks configuration must be a mapping")
    return loaded
