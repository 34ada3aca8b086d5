"""A CDS Hooks 2.0 service: trdkit's conclusions as cards inside the EHR.

``patient-view`` shows suicide risk, TRD status and stage, possible false TRD and the top next
steps; ``order-select`` and ``order-sign`` check antidepressant and augmenting orders (CPIC,
interactions and MAOI washouts, contraindications, earlier failures) and suggest replacements.
This package holds the protocol and card logic (no web framework); the FastAPI router is
``trdkit.api.routes.cds``. See docs/cds-hooks.md.
"""

from trdkit.cdshooks.config import CdsConfig, CdsConfigError, TrustedIssuer
from trdkit.cdshooks.engine import DataUnavailable, HookRequestError, HookResult, run_hook
from trdkit.cdshooks.models import (
    Card,
    CardsResponse,
    Discovery,
    FeedbackRequest,
    HookRequest,
    wire,
)
from trdkit.cdshooks.runtime import CdsRuntime
from trdkit.cdshooks.security import AuthError, VerifiedClient, verify_authorization
from trdkit.cdshooks.services import discovery, find_service

__all__ = [
    "AuthError",
    "Card",
    "CardsResponse",
    "CdsConfig",
    "CdsConfigError",
    "CdsRuntime",
    "DataUnavailable",
    "Discovery",
    "FeedbackRequest",
    "HookRequest",
    "HookRequestError",
    "HookResult",
    "TrustedIssuer",
    "VerifiedClient",
    "discovery",
    "find_service",
    "run_hook",
    "verify_authorization",
    "wire",
]
