"""Condition: coded diagnoses, depressive episodes, bipolar and psychotic history, comorbidities,
safety-relevant medical conditions and suicide attempts.

Every coding in a record code system lands in ``history.diagnoses``. The codes of
``knowledge/fhir_codes.yaml`` (and the DSM-5-TR MDD table for ICD-10-CM F32/F33) also set record
fields, but only from Conditions that are not provisional, differential or unconfirmed; refuted
and entered-in-error Conditions are not imported at all. Comorbidities and medical conditions
are taken from active Conditions only; bipolar and schizophrenia-spectrum codes set lifetime
history whatever the clinical status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from trdkit.interop.fhir_codes import Code, cc_text, codings
from trdkit.interop.fhir_draft import EpisodeCandidate, RecordDraft
from trdkit.interop.fhir_read import FhirItem, parse_date
from trdkit.interop.fhir_report import ImportLog, ImportStatus
from trdkit.knowledge.diagnosis_tables import load_mdd_codes
from trdkit.knowledge.fhir_codes import ConditionRow, load_fhir_codes

__all__ = ["choose_episode", "condition_onset", "read_condition"]

_RECORD_SYSTEMS = ("icd10cm", "icd10", "icd11", "icd9cm", "snomedct")
_HISTORY = {
    "bipolar": ("manic_or_hypomanic_episode", "a manic or hypomanic episode"),
    "schizophrenia": ("schizophrenia_spectrum_disorder", "a schizophrenia-spectrum disorder"),
}
_MDD_STATUS: dict[str, dict[str, str]] = {
    "mild": {"severity": "mild", "psychotic_features": "none"},
    "moderate": {"severity": "moderate", "psychotic_features": "none"},
    "severe": {"severity": "severe", "psychotic_features": "none"},
    "psychotic": {"psychotic": "unspecified"},
    "partial_remission": {"remission": "partial"},
    "full_remission": {"remission": "full"},
    "unspecified": {},
}


def condition_onset(data: dict[str, Any]) -> tuple[dt.date | None, str | None]:
    """The onset date of a Condition and a note when it came from a period or was partial."""
    if "onsetDateTime" in data:
        parsed = parse_date(data["onsetDateTime"])
        note = None
    else:
        period = data.get("onsetPeriod")
        parsed = parse_date(period.get("start")) if isinstance(period, dict) else None
        note = "onset read from onsetPeriod.start" if parsed else None
    if parsed is None:
        return None, None
    day, partial = parsed
    if partial:
        note = f"partial onset date read as {day}"
    return day, note


def _status(data: dict[str, Any], key: str) -> str | None:
    found = [c.code for c in codings(data.get(key))]
    return found[0] if found else None


def _mdd_details(code: Code) -> tuple[dict[str, str], str] | None:
    if code.system != "icd10cm":
        return None
    row = next((r for r in load_mdd_codes().rows if r.icd10cm.upper() == code.code.upper()), None)
    if row is None:
        return None
    why = f"{code.code}: {row.label} (DSM-5-TR MDD coding table)"
    return dict(_MDD_STATUS[row.status]), why


def _row_details(row: ConditionRow) -> dict[str, str]:
    details: dict[str, str] = {}
    if row.severity is not None:
        details["severity"] = row.severity.value
    if row.remission is not None:
        details["remission"] = row.remission.value
    if row.psychotic is not None:
        details["psychotic" if row.psychotic == "unspecified" else "psychotic_features"] = (
            row.psychotic
        )
    return details


def read_condition(item: FhirItem, draft: RecordDraft, log: ImportLog) -> None:
    """Read one (non-trdkit) Condition into ``draft``."""
    data = item.data
    table = load_fhir_codes()
    verification = _status(data, "verificationStatus")
    if verification in table.condition_status.excluded_verification:
        log.add("Condition", item.rid, "not_imported", [f"verificationStatus {verification}"])
        return
    clinical = _status(data, "clinicalStatus")
    onset, onset_note = condition_onset(data)
    end = parse_date(data.get("abatementDateTime"))
    abated = end[0] if end else None
    draft.dated(onset, abated, (parse_date(data.get("recordedDate")) or (None, False))[0])
    because = [onset_note] if onset_note else []
    fields: list[str] = []
    codes = codings(data.get("code"))
    for code in codes:
        if code.system not in _RECORD_SYSTEMS or len(code.code) > 32:
            because.append(f"code {code.code} ({code.uri or 'no system'}) is not a record code")
            continue
        dx = {"system": code.system, "code": code.code, "display": code.display}
        if dx not in draft.diagnoses:
            draft.diagnoses.append(dx)
            fields.append(f"history.diagnoses[{len(draft.diagnoses) - 1}]")
    if not codes:
        text = cc_text(data.get("code"))
        log.add("Condition", item.rid, "not_imported", [f"no code (text {text!r})"])
        return
    tentative = verification in table.condition_status.tentative_verification
    active = clinical is None or clinical in table.condition_status.active
    if tentative:
        because.append(f"verificationStatus {verification}: listed as a diagnosis only")
    else:
        _apply_rows(item, codes, active, clinical, (onset, abated), draft, because, fields)
    status: ImportStatus = "imported" if fields else "not_imported"
    if not fields:
        because.append("no coding in a record code system")
    elif all(f.startswith("history.diagnoses") for f in fields):
        because.append("a coded diagnosis; no other record field follows from its code")
    log.add("Condition", item.rid, status, because, fields)


def _apply_rows(
    item: FhirItem,
    codes: list[Code],
    active: bool,
    clinical: str | None,
    dates: tuple[dt.date | None, dt.date | None],
    draft: RecordDraft,
    because: list[str],
    fields: list[str],
) -> None:
    table = load_fhir_codes()
    onset, abated = dates
    depression: dict[str, str] = {}
    specifiers: list[str] = []
    is_depression = False
    for code in codes:
        mdd = _mdd_details(code)
        if mdd is not None:
            is_depression = True
            depression.update(mdd[0])
            because.append(mdd[1])
        for row in table.conditions_for(str(code.system), code.code):
            because.append(f"{code.code}: {row.display} ({', '.join(row.sources)}, {row.status})")
            if row.target == "depression":
                is_depression = True
                depression.update(_row_details(row))
                if row.specifier is not None:
                    specifiers.append(row.specifier.value)
            elif row.target in _HISTORY:
                key, what = _HISTORY[row.target]
                draft.history[key] = True
                fields.append(f"history.{key}")
                because.append(f"history.{key}: true (the chart records {what})")
            elif row.target == "suicide_attempt":
                if onset is not None and onset not in draft.suicide_attempts:
                    draft.suicide_attempts.append(onset)
                    fields.append("history.suicide_attempts")
                elif onset is None:
                    because.append("suicide attempt without an onset date: no date to record")
            elif not active:
                because.append(f"clinicalStatus {clinical}: {row.value} not recorded as current")
            else:
                target = draft.comorbidities if row.target == "comorbidity" else draft.medical
                draft.add_unique(target, str(row.value))
                fields.append(
                    f"history.{'comorbidities' if row.target == 'comorbidity' else row.target}"
                )
    if is_depression:
        _episode(item, depression, specifiers, active, clinical, (onset, abated), draft, because)
        fields.append(
            "current_episode" if active or clinical == "remission" else "history.prior_episodes"
        )


def _episode(
    item: FhirItem,
    details: dict[str, str],
    specifiers: list[str],
    active: bool,
    clinical: str | None,
    dates: tuple[dt.date | None, dt.date | None],
    draft: RecordDraft,
    because: list[str],
) -> None:
    onset, abated = dates
    if active or clinical == "remission":
        if clinical == "remission" and "remission" not in details:
            because.append("clinicalStatus remission: partial or full not stated (left unknown)")
        draft.episode_candidates.append(EpisodeCandidate(item.ref, onset, details, specifiers))
        return
    if onset is None:
        because.append(f"clinicalStatus {clinical} without an onset date: not an episode")
        return
    episode: dict[str, Any] = {"start": onset.isoformat()}
    if abated is not None and abated >= onset:
        episode["end"] = abated.isoformat()
    if episode not in draft.prior_episodes:
        draft.prior_episodes.append(episode)
    because.append(f"clinicalStatus {clinical}: a prior episode from {onset}")


def choose_episode(draft: RecordDraft, log: ImportLog) -> None:
    """Make the current episode from the active depression Condition with the latest onset."""
    if draft.episode is not None or not draft.episode_candidates:
        return
    dated = [c for c in draft.episode_candidates if c.onset is not None]
    chosen = max(dated, key=lambda c: c.onset or dt.date.min) if dated else None
    chosen = chosen or draft.episode_candidates[0]
    episode: dict[str, Any] = {}
    if chosen.onset is not None:
        episode["onset"] = chosen.onset.isoformat()
    because = [
        f"current episode from {chosen.ref}"
        + (f", onset {chosen.onset}" if chosen.onset else ", onset unknown")
    ]
    for key in ("severity", "remission", "psychotic_features"):
        if key in chosen.details:
            episode[key] = chosen.details[key]
            because.append(f"{key}: {chosen.details[key]} from its code")
    if chosen.details.get("psychotic") == "unspecified":
        because.append(
            "the code states psychotic features without mood congruence: psychotic_features "
            "left unknown (the record needs congruent or incongruent)"
        )
    if chosen.specifiers:
        episode["specifiers"] = list(dict.fromkeys(chosen.specifiers))
    others = [c.ref for c in draft.episode_candidates if c is not chosen]
    if others:
        because.append(f"also active: {', '.join(others)} (read as the same episode)")
    draft.episode = episode
    log.add("Condition", chosen.ref.split("/", 1)[1], "imported", because, ["current_episode"])
