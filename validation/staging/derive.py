"""Independent derivation of the four staging results for each case.

Implements the rules of this folder's README (R1-R5, T1-T5, E1-E5, G1-G4, M1-M7) and nothing
else. It deliberately does not import trdkit or read its knowledge tables: points, bands and
mappings below are transcribed from the research notes (clinical-rules.md, sections 1.5 and 2).

Usage: ``python validation/staging/derive.py [cases.yaml]``. Prints one line per case and model
and exits 1 when a derived value differs from the case's ``expected``.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

Trial = dict[str, Any]

OWN_CLASSES = {"ssri", "snri", "tca", "maoi"}
FAILED = {"no_response", "partial_response"}
CGI_S = [(2, 1), (3, 2), (4, 3), (7, 4)]
HAMD17 = [(7, 1), (16, 2), (23, 3), (52, 4)]
CLINICIAN = {"mild": 2, "moderate": 3, "severe": 4}
MSM_DURATION = [(12, 1), (24, 2)]
MSM_ANTIDEPRESSANTS = [(2, 1), (4, 2), (6, 3), (10, 4)]
MSM_BANDS = [(6, "mild"), (10, "moderate"), (15, "severe")]
ESM_CAP = 5
CRD_WEEKS = 52


def trials(case: dict[str, Any]) -> list[Trial]:
    """R1, R2: merge each record treatment with its judged conclusion; current episode only."""
    merged = []
    for treatment, judged in zip(case["record"]["treatments"], case["judged"], strict=True):
        if treatment.get("episode", "current") != "current":
            continue
        merged.append(
            {
                **judged,
                "name": treatment.get("drug") or treatment.get("procedure"),
                "failed": treatment.get("outcome", "unknown") in FAILED,
                "weeks": treatment.get("weeks_at_dose"),
                "optimised": treatment.get("optimised"),
                "laterality": treatment.get("laterality"),
            }
        )
    return merged


def adequate_failures(ts: list[Trial], categories: set[str]) -> list[Trial]:
    """R3."""
    return [t for t in ts if t["category"] in categories and t["failed"] and t["adequate"] is True]


def ect_failures(ts: list[Trial]) -> list[Trial]:
    """R5."""
    return [t for t in ts if t["name"] == "ect" and t["failed"] and t["adequate"] is not False]


def klass(trial: Trial) -> str:
    """R4."""
    return trial["drug_class"] if trial["drug_class"] in OWN_CLASSES else "other"


def distinct_without(counts: Counter[str], removed: list[str]) -> int:
    left = counts.copy()
    for name in removed:
        if left[name] < 1:
            return 0
        left[name] -= 1
    return sum(1 for n in left.values() if n > 0)


def thase_rush(ts: list[Trial]) -> int:
    """T1-T5."""
    counts = Counter(klass(t) for t in adequate_failures(ts, {"antidepressant"}))
    bilateral = [t for t in ect_failures(ts) if t["laterality"] == "bilateral"]
    chain = [
        sum(counts.values()) >= 1,
        distinct_without(counts, []) >= 2,
        distinct_without(counts, ["tca"]) >= 2,
        distinct_without(counts, ["tca", "maoi"]) >= 2,
        distinct_without(counts, ["tca", "maoi"]) >= 2 and len(bilateral) >= 1,
    ]
    stage = 0
    for holds in chain:
        if not holds:
            break
        stage += 1
    return stage


def european(ts: list[Trial]) -> str | None:
    """E1-E5."""
    counted = [(t, klass(t)) for t in adequate_failures(ts, {"antidepressant", "combination"})]
    counted += [(t, "ect") for t in ect_failures(ts)]
    if not counted:
        return None
    classes = {c for _, c in counted}
    if len(counted) == 1 or len(classes) < 2:
        return "non_responder"
    augmentations = adequate_failures(ts, {"augmentation"})
    weeks = sum(t["weeks"] or 0 for t, _ in counted) + sum(t["weeks"] or 0 for t in augmentations)
    if augmentations and weeks >= CRD_WEEKS:
        return "CRD"
    return f"TRD{min(len(counted) - 1, ESM_CAP)}"


def mgh_s(ts: list[Trial]) -> float:
    """G1-G4."""
    score = 0.0
    for t in adequate_failures(ts, {"antidepressant", "augmentation", "combination"}):
        score += 1.0 if t["category"] == "antidepressant" else 0.5
        score += 0.5 if t["optimised"] in ("dose", "both") else 0.0
        score += 0.5 if t["optimised"] in ("duration", "both") else 0.0
    return score + 3.0 * len(ect_failures(ts))


def lookup(value: float, table: list[tuple[float, int]], top: int) -> int:
    return next((points for upper, points in table if value <= upper), top)


def months(episode: dict[str, Any], assessed_on: dt.date) -> float | None:
    """M2."""
    if episode.get("duration_months") is not None:
        return float(episode["duration_months"])
    if episode.get("onset") is not None:
        return (assessed_on - as_date(episode["onset"])).days / 30.4375
    return None


def latest(scales: list[dict[str, Any]], instrument: str) -> int | None:
    rated = [s for s in scales if s["instrument"] == instrument and s.get("total") is not None]
    return max(rated, key=lambda s: as_date(s["date"]))["total"] if rated else None


def severity(episode: dict[str, Any], scales: list[dict[str, Any]]) -> int | None:
    """M3, M4."""
    if episode.get("psychotic_features") in ("mood_congruent", "mood_incongruent"):
        return 5
    if episode.get("severity") in CLINICIAN:
        return CLINICIAN[episode["severity"]]
    for instrument, table in (("cgi_s", CGI_S), ("hamd17", HAMD17)):
        total = latest(scales, instrument)
        if total is not None:
            return lookup(total, table, 4)
    return None


def maudsley(case: dict[str, Any], ts: list[Trial]) -> dict[str, Any] | None:
    """M1-M7."""
    record = case["record"]
    episode = record.get("current_episode") or {}
    drugs = {t["name"] for t in adequate_failures(ts, {"antidepressant", "combination"})}
    duration = months(episode, as_date(record["assessed_on"]))
    level = severity(episode, record.get("scales", []))
    if not drugs or duration is None or level is None:
        return None
    augmented = any(t["category"] in ("augmentation", "combination") and t["failed"] for t in ts)
    ect = any(t["name"] == "ect" and t["failed"] for t in ts)
    items = {
        "duration": lookup(duration, MSM_DURATION, 3),
        "severity": level,
        "antidepressants": lookup(len(drugs), MSM_ANTIDEPRESSANTS, 5),
        "augmentation": int(augmented),
        "ect": int(ect),
    }
    score = sum(items.values())
    band = next(name for upper, name in MSM_BANDS if score <= upper)
    return {"score": score, "band": band, "items": items}


def as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def derive(case: dict[str, Any]) -> dict[str, Any]:
    """The four staging results of one case."""
    ts = trials(case)
    return {
        "thase_rush": thase_rush(ts),
        "european": european(ts),
        "mgh_s": mgh_s(ts),
        "maudsley": maudsley(case, ts),
    }


def load_cases(path: Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text("utf-8"))["cases"]
    return cases


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("cases.yaml")
    bad = 0
    for case in load_cases(path):
        derived = derive(case)
        for model, value in derived.items():
            expected = case["expected"][model]
            ok = value == expected
            bad += not ok
            print(f"{'ok ' if ok else 'BAD'} {case['id']} {model}: {value}")
            if not ok:
                print(f"    expected {expected}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
