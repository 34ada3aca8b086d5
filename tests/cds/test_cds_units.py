"""Units of the CDS Hooks package: card limits, configuration, caches, prefetch reading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from trdkit.cdshooks import CdsConfig, CdsConfigError
from trdkit.cdshooks.cards import fit_summary, new_card
from trdkit.cdshooks.dedupe import TtlStore, card_key
from trdkit.cdshooks.jwks import JwksCache, ReplayCache
from trdkit.cdshooks.models import SUMMARY_MAX, Action, Card, FeedbackItem, Source, Suggestion
from trdkit.cdshooks.prefetch import read_prefetch, render_template
from trdkit.knowledge.cds_hooks import CARD_KINDS, load_cds_hooks


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=400).filter(lambda t: t.strip()))
def test_fit_summary__always_under_140_on_one_line(text: str) -> None:
    fitted = fit_summary(text)
    assert 0 < len(fitted) <= SUMMARY_MAX < 140
    assert "\n" not in fitted
    if len(" ".join(text.split())) <= SUMMARY_MAX:
        assert fitted == " ".join(text.split())
    else:
        assert fitted.endswith("…")


def test_card__summary_of_140_rejected() -> None:
    with pytest.raises(ValidationError, match="139"):
        Card(uuid="u", summary="x" * 140, indicator="info", source=Source(label="s"))


def test_card__suggestions_need_selection_behavior() -> None:
    suggestion = Suggestion(
        label="cancel",
        uuid="s1",
        actions=[Action(type="delete", description="remove", resource_id="MedicationRequest/1")],
    )
    with pytest.raises(ValidationError, match="selectionBehavior"):
        Card(
            uuid="u",
            summary="s",
            indicator="warning",
            source=Source(label="s"),
            suggestions=[suggestion],
        )


def test_action__delete_needs_resource_id_and_update_a_resource() -> None:
    with pytest.raises(ValidationError, match="resourceId"):
        Action(type="delete", description="remove")
    with pytest.raises(ValidationError, match="resource"):
        Action(type="update", description="change")


def test_new_card__long_summary_shortened_with_source_and_reasons() -> None:
    drafted = new_card("interaction", "word " * 60, "critical", "detail")
    card = drafted.card
    assert len(card.summary) <= SUMMARY_MAX
    assert card.source.topic is not None and card.source.topic.code == "interaction"
    assert card.override_reasons and all(r.display for r in card.override_reasons)
    assert new_card("options", "s", "info", None).card.override_reasons is None


def test_feedback_item__override_reason_only_when_overridden() -> None:
    with pytest.raises(ValidationError, match="overrideReason"):
        FeedbackItem.model_validate(
            {
                "card": "c",
                "outcome": "accepted",
                "acceptedSuggestions": [{"id": "s"}],
                "overrideReason": {"userComment": "x"},
                "outcomeTimestamp": "2026-11-28T10:00:00Z",
            }
        )


def test_knowledge__every_card_kind_has_a_cited_source() -> None:
    table = load_cds_hooks()
    assert set(table.card_sources) == set(CARD_KINDS)
    assert {s.hook for s in table.services} == {"patient-view", "order-select", "order-sign"}
    assert table.system("override_reason").endswith("/CodeSystem/cds-override-reason")


@pytest.mark.parametrize("alg", ["HS256", "none", "HS384"])
def test_config__symmetric_algorithms_cannot_be_allowed(alg: str) -> None:
    with pytest.raises(ValidationError, match="asymmetric"):
        CdsConfig(algorithms=("ES384", alg))


def test_config__issuer_needs_keys() -> None:
    with pytest.raises(ValidationError, match="jwks_url"):
        CdsConfig.model_validate({"trusted_issuers": [{"iss": "https://ehr.test"}]})


def test_config__from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "cds.yaml"
    path.write_text("leeway_seconds: 5\ncors_origins: [https://ehr.test]\n", encoding="utf-8")
    issuers = [{"iss": "https://ehr.test", "jwks_url": "https://ehr.test/jwks"}]
    monkeypatch.setenv("TRDKIT_CDS_CONFIG", str(path))
    monkeypatch.setenv("TRDKIT_CDS_TRUSTED_ISSUERS", json.dumps(issuers))
    monkeypatch.setenv("TRDKIT_CDS_BASE_URL", "https://trdkit.example")
    monkeypatch.setenv("TRDKIT_CDS_ALGORITHMS", "ES384")
    config = CdsConfig.from_env()
    assert config.leeway_seconds == 5 and config.algorithms == ("ES384",)
    assert config.issuer("https://ehr.test") is not None
    assert config.service_base_url == "https://trdkit.example"
    monkeypatch.setenv("TRDKIT_CDS_TRUSTED_ISSUERS", "[not json")
    with pytest.raises(CdsConfigError, match="not JSON"):
        CdsConfig.from_env()


def test_issuer__fhir_server_allow_list() -> None:
    config = CdsConfig.model_validate(
        {
            "trusted_issuers": [
                {"iss": "i", "jwks": {"keys": []}, "fhir_servers": ["https://ehr.test/fhir"]}
            ]
        }
    )
    issuer = config.issuer("i")
    assert issuer is not None
    assert issuer.allows_fhir_server("https://ehr.test/fhir/")
    assert issuer.allows_fhir_server("https://ehr.test/fhir/tenant-1")
    assert not issuer.allows_fhir_server("https://ehr.test/fhirevil")


def test_ttl_store__entries_expire() -> None:
    clock = Clock()
    store = TtlStore(60, clock=clock)
    store.put("a", "kind")
    assert store.get("a") == "kind" and "a" in store
    clock.now += 61
    assert store.get("a") is None and "a" not in store


def test_card_key__ignores_uuid_but_not_content() -> None:
    one = new_card("pgx", "same", "warning", "d", order_ref="MedicationRequest/1", drug="x")
    two = new_card("pgx", "same", "warning", "d", order_ref="MedicationRequest/1", drug="x")
    other = new_card("pgx", "same", "warning", "changed", order_ref="MedicationRequest/1", drug="x")
    assert one.card.uuid != two.card.uuid
    assert card_key("ehr", "p", one) == card_key("ehr", "p", two)
    assert card_key("ehr", "p", one) != card_key("ehr", "p", other)
    assert card_key("ehr", "p", one) != card_key("ehr", "q", one)


def test_replay_cache__once_per_issuer_until_expiry() -> None:
    clock = Clock()
    cache = ReplayCache(clock)
    assert cache.use("a", "j1", clock.now + 10)
    assert not cache.use("a", "j1", clock.now + 10)
    assert cache.use("b", "j1", clock.now + 10)
    clock.now += 20
    assert cache.use("a", "j1", clock.now + 10)


def test_jwks_cache__forced_refetch_is_rate_limited() -> None:
    clock = Clock()
    calls: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, json={"keys": []})

    with httpx.Client(transport=httpx.MockTransport(server)) as client:
        cache = JwksCache(client, ttl=300, min_refetch_seconds=10, clock=clock)
        cache.get("https://k")
        cache.get("https://k", refresh=True)
        assert len(calls) == 1
        clock.now += 11
        cache.get("https://k", refresh=True)
        assert len(calls) == 2
        clock.now += 400
        cache.get("https://k")
        assert len(calls) == 3


def test_render_template__fills_context_tokens() -> None:
    template = "Observation?patient={{context.patientId}}&encounter={{ context.encounterId }}"
    assert render_template(template, {"patientId": "p1", "encounterId": "e9"}) == (
        "Observation?patient=p1&encounter=e9"
    )
    assert render_template(template, {"patientId": "p1"}) is None


def test_read_prefetch__null_missing_and_failed_keys() -> None:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": "p"}
    failed = {"resourceType": "OperationOutcome", "issue": []}
    data = read_prefetch(
        {"patient": patient, "conditions": None, "observations": failed},
    )
    assert data.resources == [patient]
    assert "conditions" not in data.unmet
    assert "observations" in data.unmet and "medication_requests" in data.unmet
    assert "allergies" not in data.unmet
    assert any("observations" in n for n in data.notes)
