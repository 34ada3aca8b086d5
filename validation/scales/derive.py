"""Independent derivation of PHQ-9, QIDS-SR16, C-SSRS screener and MDQ results for each case.

Implements the rules of this folder's README (P1-P5, Q1-Q4, C1-C4, M1-M2) and nothing else. It
deliberately does not import trdkit or read its knowledge tables: bands, cut-offs and domains
below are transcribed from the research notes (diagnosis-scales-fhir.md, section 3).

Usage: ``python validation/scales/derive.py [cases.yaml]``. Prints one line per administration
and exits 1 when a derived value differs from the case's ``expected`` list.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

Result = dict[str, Any]

PHQ9_BANDS = [(4, "none_minimal"), (9, "mild"), (14, "moderate"), (19, "moderately_severe")]
QIDS_BANDS = [(5, "none_minimal"), (10, "mild"), (15, "moderate"), (20, "severe")]
QIDS_DOMAINS = [[1, 2, 3, 4], [5], [6, 7, 8, 9], [10], [11], [12], [13], [14], [15, 16]]
REMISSION_MAX = {"phq9": 4, "qids_sr16": 5}
RESPONSE_DROP_PCT = 50


def band(total: int | None, bands: list[tuple[int, str]], top: str) -> str | None:
    if total is None:
        return None
    return next((name for upper, name in bands if total <= upper), top)


def half_up(numerator: int, denominator: int) -> int:
    exact = Decimal(numerator) / Decimal(denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def phq9_algorithm(items: list[int | None]) -> str:
    """P4: try every count/no-count state of the missing items."""

    def counts(number: int, value: int) -> bool:
        return value >= (1 if number == 9 else 2)

    known = {n for n, v in enumerate(items, 1) if v is not None and counts(n, v)}
    missing = [n for n, v in enumerate(items, 1) if v is None]
    outcomes = set()
    for states in itertools.product([False, True], repeat=len(missing)):
        counted = known | {n for n, on in zip(missing, states, strict=True) if on}
        if not counted & {1, 2}:
            outcomes.add("none")
        elif len(counted) >= 5:
            outcomes.add("major_depressive_syndrome")
        elif len(counted) >= 2:
            outcomes.add("other_depressive_syndrome")
        else:
            outcomes.add("none")
    return outcomes.pop() if len(outcomes) == 1 else "undetermined"


def phq9(adm: dict[str, Any]) -> Result:
    """P1-P4 (series fields are added by :func:`series`)."""
    items = adm.get("items")
    total: int | None
    if items is None:  # a recorded total: nothing missing, no algorithm, no item 9
        total, missing = adm["total"], 0
    else:
        answered = [v for v in items if v is not None]
        missing = len(items) - len(answered)
        total = sum(answered)
        if 1 <= missing <= 2:
            total = half_up(total * 9, len(answered))
        elif missing > 2:
            total = None
    return {
        "total": total,
        "band": band(total, PHQ9_BANDS, "severe"),
        "prorated": 1 <= missing <= 2,
        "valid": total is not None,
        "algorithm": None if items is None else phq9_algorithm(items),
        "item9": None if items is None else items[8],
    }


def qids(adm: dict[str, Any]) -> Result:
    """Q1-Q3."""
    items = adm.get("items")
    total: int | None
    if items is None:
        total = adm["total"]
    else:
        scores = [
            max((items[i - 1] for i in d if items[i - 1] is not None), default=None)
            for d in QIDS_DOMAINS
        ]
        total = None if None in scores else sum(s for s in scores if s is not None)
    return {
        "total": total,
        "band": band(total, QIDS_BANDS, "very_severe"),
        "valid": total is not None,
    }


def cssrs_level(yes: dict[int, bool], recent: bool | None) -> str:
    """C2-C3 for one complete set of answers."""
    asked = yes[2]  # Q3-Q5 count only behind Q2 = yes
    if (asked and (yes[4] or yes[5])) or (yes[6] and recent is True):
        return "high"
    if (asked and yes[3]) or (yes[6] and recent is False):
        return "moderate"
    return "low" if yes[1] or yes[2] else "none"


def cssrs(adm: dict[str, Any]) -> Result:
    """C4: every value of every missing answer."""
    items = adm["items"]
    missing = [n for n, v in enumerate(items, 1) if v is None]
    recent_given = adm.get("behaviour_past_3_months")
    recent_open = recent_given is None and items[5] != 0
    levels = set()
    for states in itertools.product([False, True], repeat=len(missing) + recent_open):
        yes = {n: bool(v) for n, v in enumerate(items, 1) if v is not None}
        yes |= dict(zip(missing, states, strict=False))
        recent = states[-1] if recent_open else recent_given
        levels.add(cssrs_level(yes, recent))
    if len(levels) == 1:
        return {"risk_level": levels.pop(), "valid": True}
    return {"risk_level": "not_determinable", "valid": False}


def mdq(adm: dict[str, Any]) -> Result:
    """M1-M2."""
    items = adm.get("items")
    total = adm["total"] if items is None else sum(v for v in items if v is not None)
    same, problem = adm.get("same_period"), adm.get("problem")
    positive: bool | None
    if total < 7 or same is False or problem in ("none", "minor"):
        positive = False
    elif same is None or problem is None:
        positive = None
    else:
        positive = True
    return {"total": total, "positive": positive}


SCORERS = {"phq9": phq9, "qids_sr16": qids, "cssrs_screener": cssrs, "mdq": mdq}


def as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def series(adms: list[dict[str, Any]], results: list[Result]) -> None:
    """P5/Q4: baseline, change, response and remission, per instrument, in place."""
    for instrument, cutoff in REMISSION_MAX.items():
        mine = [i for i, a in enumerate(adms) if a["instrument"] == instrument]
        dated = sorted(mine, key=lambda i: as_date(adms[i]["date"]))  # stable: input order on ties
        base_at = next((i for i in dated if results[i]["total"] is not None), None)
        for i in mine:
            total = results[i]["total"]
            out = {"change_from_baseline_pct": None, "response": None, "remission": None}
            if total is not None:
                out["remission"] = total <= cutoff
                base = results[base_at]["total"] if base_at is not None else None
                if i != base_at and base:
                    out["change_from_baseline_pct"] = round((total - base) / base * 100, 1)
                    out["response"] = (base - total) * 100 >= RESPONSE_DROP_PCT * base
            results[i] |= out


def derive(adms: list[dict[str, Any]]) -> list[Result]:
    """Derive the expected values of every administration of one case, in input order."""
    results = [SCORERS[a["instrument"]](a) for a in adms]
    series(adms, results)
    return results


def load_cases(path: Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    return cases


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("cases.yaml")
    failures = 0
    for case in load_cases(path):
        got = derive(case["scales"])
        ok = got == case["expected"]
        failures += not ok
        for adm, result in zip(case["scales"], got, strict=True):
            shown = result.get("total", result.get("risk_level"))
            print(f"{'ok ' if ok else 'BAD'} {case['id']:<40} {adm['instrument']:<15} {shown}")
        if not ok:
            print(f"    derived  {got}\n    expected {case['expected']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
