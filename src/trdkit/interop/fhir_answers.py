"""Reading one item answer (a QuestionnaireResponse answer or an Observation value) as a score.

Tried in order: a LOINC answer code of the item's answer list; an ordinalValue / itemWeight
extension on the coding; the answer's display text or code matched to the list's answer texts
(local code systems such as ``Not-at-all``); a number (integer, decimal or quantity, whole
numbers only; a numeric string too); a boolean (yes = 1). Scores as strings are accepted.
"""

from __future__ import annotations

import re
from typing import Any

from trdkit.interop.fhir_read import as_dicts
from trdkit.knowledge.fhir_codes import AnswerList, load_fhir_codes

__all__ = ["answer_values", "read_score"]

_NUMBER = re.compile(r"^\s*-?\d+(?:\.0+)?\s*$")


def answer_values(holder: dict[str, Any]) -> list[tuple[str, Any]]:
    """The ``value[x]`` entries of an answer or an Observation, as ``(kind, value)`` pairs."""
    out: list[tuple[str, Any]] = []
    for key, value in holder.items():
        if not key.startswith("value"):
            continue
        kind = key[5:]
        if kind == "CodeableConcept" and isinstance(value, dict):
            out += [("Coding", c) for c in as_dicts(value.get("coding"))]
            if isinstance(value.get("text"), str):
                out.append(("String", value["text"]))
        else:
            out.append((kind, value))
    return out


def _ordinal(coding: dict[str, Any]) -> int | None:
    urls = load_fhir_codes().ordinal_extensions
    for ext in as_dicts(coding.get("extension")):
        value = ext.get("valueDecimal", ext.get("valueInteger"))
        if ext.get("url") in urls and isinstance(value, int | float) and float(value).is_integer():
            return int(value)
    return None


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _NUMBER.match(value):
        return int(float(value))
    return None


def _one(kind: str, value: Any, answers: AnswerList | None) -> tuple[int | None, str]:
    if kind == "Coding" and isinstance(value, dict):
        code = str(value.get("code") or "")
        if answers is not None and answers.by_code(code):
            return answers.by_code(code).score, f"LOINC answer {code}"  # type: ignore[union-attr]
        ordinal = _ordinal(value)
        if ordinal is not None:
            return ordinal, f"{code or 'answer'}: ordinal value {ordinal}"
        for text in (value.get("display"), code):
            if answers is not None and isinstance(text, str) and answers.by_text(text):
                return answers.by_text(text).score, f"answer text '{text}'"  # type: ignore[union-attr]
        return (
            None,
            f"answer code {code or '?'} ({value.get('system', 'no system')}) not recognised",
        )
    if kind == "Boolean" and isinstance(value, bool):
        return int(value), f"answer {str(value).lower()}"
    if kind == "Quantity" and isinstance(value, dict):
        value = value.get("value")
    whole = _whole(value)
    if whole is not None:
        return whole, f"number {value}" if not isinstance(value, str) else f"string '{value}'"
    if isinstance(value, str) and answers is not None and answers.by_text(value):
        return answers.by_text(value).score, f"answer text '{value}'"  # type: ignore[union-attr]
    return None, f"value {value!r} is not a score"


def read_score(
    holder: dict[str, Any], answers: AnswerList | None, top: int, low: int = 0
) -> tuple[int | None, str]:
    """The score of an answer or Observation value, in ``low..top``; ``None`` and why otherwise.

    Parameters
    ----------
    holder
        A mapping with ``value[x]`` keys (a QuestionnaireResponse answer, an Observation).
    answers
        The item's LOINC answer list, when the instrument has one.
    top
        The highest allowed score; anything outside ``low..top`` is refused.
    low
        The lowest allowed score.
    """
    reasons: list[str] = []
    for kind, value in answer_values(holder):
        score, how = _one(kind, value, answers)
        if score is None:
            reasons.append(how)
            continue
        if not low <= score <= top:
            return None, f"{how}: {score} is out of range {low}-{top}"
        return score, how
    return None, "; ".join(reasons) or "no value"
