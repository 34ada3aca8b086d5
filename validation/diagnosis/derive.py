"""Independent derivation of the DSM-5-TR MDD code (and WHO ICD-10 / ICD-11) for each case.

Implements the rules R1-R9 of this folder's README and nothing else. It deliberately does not
import trdkit or read its knowledge tables: the code tables below are transcribed from the
research notes (diagnosis-scales-fhir.md, sections 1.4, 2.1-2.3), so that an error in trdkit's
tables or logic shows up as a disagreement.

Usage: ``python validation/diagnosis/derive.py [cases.yaml]``. Prints one line per case and
exits 1 when a derived value differs from the case's ``expected`` block.
"""

from __future__ import annotations

import calendar
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import yaml

Tri = bool | None

DSM_A = [
    "depressed_mood",
    "anhedonia",
    "appetite_or_weight_change",
    "sleep_disturbance",
    "psychomotor_change",
    "fatigue",
    "worthlessness_or_guilt",
    "poor_concentration",
    "suicidal_thoughts",
]
CORE = ["depressed_mood", "anhedonia"]

# R5: status -> (single ICD-10-CM, single ICD-9-CM, recurrent ICD-10-CM, recurrent ICD-9-CM).
DSM_CODES = {
    "mild": ("F32.0", "296.21", "F33.0", "296.31"),
    "moderate": ("F32.1", "296.22", "F33.1", "296.32"),
    "severe": ("F32.2", "296.23", "F33.2", "296.33"),
    "psychotic": ("F32.3", "296.24", "F33.3", "296.34"),
    "partial_remission": ("F32.4", "296.25", "F33.41", "296.35"),
    "full_remission": ("F32.5", "296.26", "F33.42", "296.36"),
    "unspecified": ("F32.9", "296.20", "F33.9", "296.30"),
}
STATUS_TEXT = {"partial_remission": "in partial remission", "full_remission": "in full remission"}
# R6: uncoded specifiers in recording order -> (display, courses it applies to, excluded by).
SPECIFIERS = [
    ("anxious_distress", "with anxious distress", ("single", "recurrent"), ()),
    ("mixed_features", "with mixed features", ("single", "recurrent"), ()),
    ("melancholic", "with melancholic features", ("single", "recurrent"), ()),
    ("atypical", "with atypical features", ("single", "recurrent"), ("melancholic", "catatonia")),
    ("catatonia", "with catatonia", ("single", "recurrent"), ()),
    ("peripartum_onset", "with peripartum onset", ("single", "recurrent"), ()),
    ("seasonal_pattern", "with seasonal pattern", ("recurrent",), ()),
]
# R8: DCR-10 typical (B) and other (C) symptoms; worthlessness_or_guilt counts once for C1/C2.
WHO_B = ["depressed_mood", "anhedonia", "fatigue"]
# C is every other DSM symptom: appetite, sleep, psychomotor, worthlessness/guilt (once),
# concentration, suicidal thoughts.
WHO_C = [s for s in DSM_A if s not in WHO_B]
WHO_SUFFIX = dict(mild=".0", moderate=".1", severe=".2", psychotic=".3", unspecified=".9")
# R9: ICD-11 statuses in the order of their fourth character, .0 to .7.
ICD11_STATUSES = [
    "mild",
    "moderate",
    "moderate_psychotic",
    "severe",
    "severe_psychotic",
    "unspecified",
    "partial_remission",
    "full_remission",
]


def tri(value: Any) -> Tri:
    """``true``/``false`` as given; ``unknown`` or absent as ``None``."""
    return None if value is None or value == "unknown" else bool(value)


def kleene_and(*values: Tri) -> Tri:
    if False in values:
        return False
    return None if None in values else True


def at_least(present: int, unknown: int, need: int) -> Tri:
    """Three-valued "at least ``need``" with ``unknown`` undecided items."""
    if present >= need:
        return True
    return False if present + unknown < need else None


def as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def plus_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month shift with the day clamped to the target month's length."""
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def separate(end: dt.date, next_start: dt.date) -> bool:
    return plus_months(end, 2) <= next_start


def count(symptoms: dict[str, Any], names: list[str]) -> tuple[int, int]:
    values = [tri(symptoms.get(n)) for n in names]
    return values.count(True), values.count(None)


def five_with_core(symptoms: dict[str, Any], names: list[str]) -> Tri:
    """At least 5 of ``names`` present, depressed mood or anhedonia among them (R1 A, R9)."""
    n, unk = count(symptoms, names)
    core_n, core_unk = count(symptoms, CORE)
    return kleene_and(at_least(n, unk, 5), at_least(core_n, core_unk, 1))


def nesarc_band(n: int) -> str | None:
    return "mild" if n == 5 else "moderate" if n in (6, 7) else "severe" if n >= 8 else None


def current_onset(rec: dict[str, Any]) -> dt.date | None:
    ep = rec.get("current_episode")
    if ep is None:
        return None
    if ep.get("onset") is not None:
        return as_date(ep["onset"])
    months = ep.get("duration_months")
    if months is None:
        return None
    whole = int(months)
    days = round((months - whole) * 30.4375)
    return plus_months(as_date(rec["assessed_on"]), -whole) - dt.timedelta(days=days)


def course_of(rec: dict[str, Any]) -> str | None:
    """R3."""
    priors = sorted(rec.get("history", {}).get("prior_episodes", []), key=lambda p: p["start"])
    has_current = rec.get("current_episode") is not None
    onset = current_onset(rec)
    missing = False
    for i, prior in enumerate(priors):
        followed = has_current or i < len(priors) - 1
        if prior.get("end") is None:
            missing = missing or followed
            continue
        end = as_date(prior["end"])
        if has_current and onset is not None and separate(end, onset):
            return "recurrent"
        if any(separate(end, as_date(later["start"])) for later in priors[i + 1 :]):
            return "recurrent"
    if has_current and onset is None and priors:
        missing = True
    if missing or (not priors and not has_current):
        return None
    return "single"


def mde(ep: dict[str, Any]) -> tuple[Tri, int, int]:
    """R1: (MDE met, present A symptoms, unknown A symptoms)."""
    a = five_with_core(ep.get("symptoms", {}), DSM_A)
    n, unk = count(ep.get("symptoms", {}), DSM_A)
    cause = tri(ep.get("due_to_substance_or_medical_condition"))
    c = None if cause is None else not cause
    return kleene_and(a, tri(ep.get("functional_impairment")), c), n, unk


def negated(value: Any) -> Tri:
    v = tri(value)
    return None if v is None else not v


def dsm_status(ep: dict[str, Any], mde_met: Tri, n: int, unk: int) -> str:
    """R4."""
    if ep.get("psychotic_features") in ("mood_congruent", "mood_incongruent"):
        return "psychotic"
    if ep.get("remission") in ("partial", "full"):
        return f"{ep['remission']}_remission"
    if ep.get("severity") is not None:
        return str(ep["severity"])
    if mde_met:
        low, high = nesarc_band(n), nesarc_band(n + unk)
        if low is not None and low == high:
            return low
    return "unspecified"


def specifiers_of(ep: dict[str, Any], course: str | None) -> tuple[list[str], list[str]]:
    """R6: (ids kept, their display texts)."""
    recorded = set(ep.get("specifiers", []))
    if tri(ep.get("catatonia")):
        recorded.add("catatonia")
    ids: list[str] = []
    texts: list[str] = []
    for sid, text, applies, excluded_by in SPECIFIERS:
        if sid not in recorded or (course is not None and course not in applies):
            continue
        if any(other in recorded for other in excluded_by):
            continue
        ids.append(sid)
        texts.append(text)
    return ids, texts


def additional_codes(rec: dict[str, Any]) -> list[str]:
    """R7."""
    ep = rec.get("current_episode") or {}
    hist = rec.get("history", {})
    age = rec.get("age")
    age = None if age == "unknown" else age
    codes = []
    if tri(ep.get("catatonia")):
        codes.append("F06.1")
    if tri(ep.get("symptoms", {}).get("suicidal_thoughts")):
        codes.append("R45.851")
    if hist.get("suicide_attempts"):
        codes.append("Z91.51")
    years = hist.get("chronic_depressed_mood_years")
    if years is not None and not (age is None and 1 <= years < 2):
        need = 1 if age is not None and age < 18 else 2
        if years >= need:
            codes.append("F34.1")
    return codes


def mania_and_cause_excluded(rec: dict[str, Any], ep: dict[str, Any]) -> bool:
    """Both recorded false: no manic/hypomanic episode, no substance/medical cause (R8, R9)."""
    manic = tri(rec.get("history", {}).get("manic_or_hypomanic_episode"))
    return manic is False and tri(ep.get("due_to_substance_or_medical_condition")) is False


def who_level(b: int, total: int) -> str | None:
    if b >= 3 and total >= 8:
        return "severe"
    if b >= 2 and total >= 6:
        return "moderate"
    return "mild" if b >= 2 and total >= 4 else None


def icd10_who(rec: dict[str, Any], course: str | None) -> str | None:
    """R8."""
    ep = rec.get("current_episode")
    if ep is None or not mania_and_cause_excluded(rec, ep) or course is None:
        return None
    if ep.get("remission") in ("partial", "full"):
        return "F33.4" if course == "recurrent" else None
    sym = ep.get("symptoms", {})
    b, b_unk = count(sym, WHO_B)
    c, c_unk = count(sym, WHO_C)
    low, high = who_level(b, b + c), who_level(b + b_unk, b + c + b_unk + c_unk)
    if low is None:
        return None
    status = "unspecified" if low != high else low
    psychotic = ep.get("psychotic_features") in ("mood_congruent", "mood_incongruent")
    if status == "severe" and psychotic:
        status = "psychotic"
    return ("F32" if course == "single" else "F33") + WHO_SUFFIX[status]


def icd11(rec: dict[str, Any], course: str | None) -> str | None:
    """R9."""
    ep = rec.get("current_episode")
    if ep is None or not mania_and_cause_excluded(rec, ep) or course is None:
        return None
    if ep.get("remission") in ("partial", "full"):
        status = f"{ep['remission']}_remission"
    else:
        if five_with_core(ep.get("symptoms", {}), [*DSM_A, "hopelessness"]) is not True:
            return None
        severity = ep.get("severity")
        psychotic = ep.get("psychotic_features") in ("mood_congruent", "mood_incongruent")
        if severity is None:
            status = "unspecified"
        elif psychotic:
            status = ("moderate" if severity == "mild" else severity) + "_psychotic"
        else:
            status = severity
    return ("6A70" if course == "single" else "6A71") + f".{ICD11_STATUSES.index(status)}"


def derive(rec: dict[str, Any]) -> dict[str, Any]:
    """Derive every expected value of one case's record."""
    ep = rec.get("current_episode") or {}
    hist = rec.get("history", {})
    met_now, n, unk = mde(ep) if rec.get("current_episode") else (None, 0, 0)
    if met_now:
        ever: Tri = True
    elif hist.get("prior_episodes") or ep.get("remission") in ("partial", "full"):
        ever = True
    else:
        ever = False if met_now is False else None
    met = kleene_and(
        ever,
        negated(hist.get("schizophrenia_spectrum_disorder")),
        negated(hist.get("manic_or_hypomanic_episode")),
    )
    course = course_of(rec)
    out: dict[str, Any] = {
        "mdd_met": met,
        "course": None,
        "icd10cm": None,
        "dsm5_icd9cm": None,
        "label": None,
        "specifiers": [],
        "additional_codes": additional_codes(rec),
        "icd10_who": icd10_who(rec, course),
        "icd11": icd11(rec, course),
    }
    if met is False:
        return out
    status = dsm_status(ep, met_now, n, unk)
    ids, texts = specifiers_of(ep, course)
    out |= {"course": course, "specifiers": ids}
    if met is True and course is not None:
        single10, single9, rec10, rec9 = DSM_CODES[status]
        out["icd10cm"], out["dsm5_icd9cm"] = (
            (single10, single9) if course == "single" else (rec10, rec9)
        )
        coded = STATUS_TEXT.get(status, status)
        if status == "psychotic":
            kind = str(ep["psychotic_features"]).replace("mood_", "mood-")
            coded = f"with {kind} psychotic features"
        episode = "single episode" if course == "single" else "recurrent episode"
        out["label"] = ", ".join(["Major depressive disorder", episode, coded, *texts])
    return out


def load_cases(path: Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    return cases


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("cases.yaml")
    failures = 0
    for case in load_cases(path):
        got = derive(case["record"])
        ok = got == case["expected"]
        failures += not ok
        print(f"{'ok ' if ok else 'BAD'} {case['id']:<40} {got['icd10cm'] or '-':<7}", end="")
        print(f" WHO {got['icd10_who'] or '-':<6} ICD-11 {got['icd11'] or '-'}")
        if not ok:
            print(f"    derived  {got}\n    expected {case['expected']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
