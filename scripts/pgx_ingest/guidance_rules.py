"""The ordered patterns that read a CPIC recommendation into action codes and dose factors.

Each sentence of a recommendation (the part before "Other Considerations") must match at least
one rule, or the ingest stops: a new wording in a later data release is then seen, never dropped.
Rules only extract structure; the phrases are trdkit's own wording for the summary.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RULES", "SEVERITY", "Reading", "Rule", "read_recommendation"]

SEVERITY = {
    "avoid": 6,
    "consider_alternative": 5,
    "reduce_dose": 4,
    "increase_dose": 4,
    "titrate_slowly": 3,
    "use_standard_dose": 2,
    "no_recommendation": 1,
}


@dataclass(frozen=True)
class Rule:
    """One pattern of the recommendation reader.

    ``action`` is an action code (``skip`` leaves the recommendation out); ``field`` is filled
    from the pattern's groups as ``kind`` says; ``phrase`` is the summary wording.
    """

    name: str
    pattern: str
    action: str | None = None
    field: str | None = None
    kind: str | None = None
    phrase: str | None = None
    drugs: tuple[str, ...] = ()


_ALT = "an antidepressant not mainly metabolised by {via}"
# Ordered: every rule that matches a sentence contributes, in the order of its match position.
RULES = (
    Rule("xn_instruction", r"^xn is not a valid input", action="skip"),
    Rule("no_recommendation", r"^no recommendation", "no_recommendation",
         phrase="no genotype-based recommendation"),
    Rule("no_action", r"^no action recommended based on genotype", "no_recommendation",
         phrase="no genotype-based change (evidence too limited)"),
    Rule("avoid", r"^avoid (?:[a-z]+ )?[a-z]+ use\b", "avoid", phrase="avoid this drug"),
    Rule("alternative", r"(?:select|consider|switching to)(?: an?)?(?: clinically appropriate)?"
         r"(?: alternative)?(?: antidepressant| drug)? not (?:predominantly |primarily )?"
         r"metabolized by (cyp\w+)(?: or (cyp\w+))?", "consider_alternative",
         "alternative_not_via", "enzymes", _ALT),
    Rule("start_reduction", r"(\d+)% reduction (?:of|in) (?:the )?recommended starting dose",
         "reduce_dose", "start_dose_factor", "less", "start at {pct}% of the usual starting dose"),
    Rule("start_fraction", r"initiate (\d+)% of (?:the )?starting dose", "reduce_dose",
         "start_dose_factor", "of", "start at {pct}% of the usual starting dose"),
    Rule("start_range", r"(\d+)-(\d+)% lower starting dose", "reduce_dose",
         "start_dose_factor_range", "range_less", "start at {lo}-{hi}% of the usual starting dose"),
    Rule("start_lower", r"(?<!% )\blower starting dose", "reduce_dose",
         phrase="start lower than usual"),
    Rule("maintenance_reduction", r"(\d+)% (?:reduction of (?:the )?standard maintenance dose|"
         r"lower maintenance dose)", "reduce_dose", "maintenance_dose_factor", "less",
         "aim for about {pct}% of the usual maintenance dose"),
    Rule("maintenance_lower", r"(?<!% )\blower maintenance dose", "reduce_dose",
         phrase="expect a lower maintenance dose"),
    Rule("slower_titration", r"slower titration", "titrate_slowly", phrase="titrate more slowly"),
    Rule("higher_dose", r"titrating to a higher (?:target|maintenance) dose", "increase_dose",
         phrase="raise the target dose"),
    Rule("higher_by", r"increasing the target maintenance dose by (\d+)%", "increase_dose",
         "maintenance_dose_factor", "more", "a maintenance dose of {pct}% of usual or more may be "
         "needed"),
    Rule("standard_start", r"initiate therapy (?:with recommended|at standard) starting dose",
         "use_standard_dose", phrase="start at the usual dose"),
    Rule("max_dose", r"titrate to the maximum recommended dose of (\d+) mg", None, "max_dose_mg",
         "mg", "titrate to at most {n} mg/day"),
    Rule("label_max_dose", r"citalopram (\d+) mg/day is the maximum recommended dose", None,
         "label_max_dose_mg", "mg", "US label maximum {n} mg/day", drugs=("citalopram",)),
    Rule("tdm", r"therap\w* (?:drug )?monitoring", phrase="use therapeutic drug monitoring"),
    Rule("titrate_to_response", r"titrate dose to observed clinical response",
         phrase="titrate to response and side effects"),
    Rule("context", r"^(?:tcas without major cyp2c19|dosing recommendations only apply|patients "
         r"may receive an initial low dose|see other considerations|the starting dose in this "
         r"guideline refers)"),
)  # fmt: skip
_NO_RESPONSE = re.compile(r"does not adequately respond|adequate efficacy is not achieved")
_IF_USED = re.compile(r"^(?:if .*(?:warranted|clinically appropriate)|for tertiary amines)")


@dataclass
class Reading:
    """What the rules read from one recommendation."""

    actions: list[str] = field(default_factory=list)
    main_actions: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    main: list[str] = field(default_factory=list)
    if_used: list[str] = field(default_factory=list)
    if_no_response: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


def _sentences(fragment: str) -> list[str]:
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    text = re.sub(r"\s+", " ", text).strip().lower()
    return [s.rstrip(".;") for s in re.split(r"(?<=[.;])\s+", text) if s.strip(" .;")]


def _value(rule: Rule, groups: tuple[str | None, ...]) -> tuple[Any, dict[str, str]]:
    nums = [int(g) for g in groups if g and g.isdigit()]
    if rule.kind == "enzymes":
        via = [g.upper() for g in groups if g]
        return via, {"via": " or ".join(via)}
    if rule.kind == "mg":
        return nums[0], {"n": str(nums[0])}
    if rule.kind == "range_less":
        low, high = (100 - nums[1]) / 100, (100 - nums[0]) / 100
        return [low, high], {"lo": f"{low * 100:g}", "hi": f"{high * 100:g}"}
    factor = {"less": (100 - nums[0]) / 100, "of": nums[0] / 100, "more": (100 + nums[0]) / 100}
    value = factor[rule.kind or "of"]
    return value, {"pct": f"{value * 100:g}"}


def _store(reading: Reading, name: str, value: Any) -> None:
    old = reading.fields.get(name)
    if isinstance(value, list) and name == "alternative_not_via" and old is not None:
        value = old + [v for v in value if v not in old]
    elif old is not None and old != value:
        raise SystemExit(f"conflicting {name}: {old} and {value}")
    reading.fields[name] = value


def _place(reading: Reading, sentence: str, hits: list[tuple[Rule, str]], after_alt: bool) -> None:
    acts = [rule.action for rule, _ in hits if rule.action]
    if _NO_RESPONSE.search(sentence):
        target = reading.if_no_response
        reading.fields.setdefault("if_no_response", [])
        reading.fields["if_no_response"] += [a for a in acts if a != "use_standard_dose"]
    elif _IF_USED.search(sentence) or (after_alt and acts and "consider_alternative" not in acts):
        target = reading.if_used
    else:
        target = reading.main
        reading.main_actions += acts
    for rule, phrase in hits:
        if rule.action is None and rule.field is None:
            reading.extra.append(phrase)
        elif rule.name == "alternative":
            verb = "switch to" if target is reading.if_no_response else "choose"
            # "or" marks an either/or with dose advice given first in the same clause.
            either = target is reading.main and target and target[-1] != "avoid this drug"
            target.append(f"{'or ' if either else ''}{verb} {phrase}")
        else:
            target.append(phrase)


def read_recommendation(text_html: str, drug: str) -> Reading | None:
    """Read one recommendation's HTML into structured fields; ``None`` for a skip rule.

    Raises ``SystemExit`` when a sentence of the recommendation itself (before "Other
    Considerations") matches no rule, or when the recommendation yields no action.
    """
    main_html, _, other_html = text_html.partition("<h4")
    reading = Reading()
    after_alt = False
    for section, strict in ((main_html, True), (other_html, False)):
        for sentence in _sentences(section):
            hits: list[tuple[int, Rule, str]] = []
            for rule in RULES:
                # "Other Considerations" adds notes and limits, never actions.
                if (rule.drugs and drug not in rule.drugs) or (rule.action and not strict):
                    continue
                match = re.search(rule.pattern, sentence)
                if match is None:
                    continue
                if rule.action == "skip":
                    return None
                phrase = rule.phrase or ""
                if rule.field is not None:
                    value, slots = _value(rule, match.groups())
                    _store(reading, rule.field, value)
                    phrase = phrase.format(**slots)
                if rule.action:
                    reading.actions.append(rule.action)
                hits.append((match.start(), rule, phrase))
            if strict and not hits:
                raise SystemExit(f"{drug}: no rule reads the sentence {sentence!r}")
            ordered = [(r, p) for _, r, p in sorted(hits, key=lambda h: h[0]) if r.phrase]
            if strict:
                _place(reading, sentence, ordered, after_alt)
            else:
                reading.extra += [p for _, p in ordered]
            after_alt = after_alt or any(
                r.action in ("avoid", "consider_alternative") for _, r, _ in hits
            )
    if not reading.actions:
        raise SystemExit(f"{drug}: recommendation yields no action: {text_html[:80]!r}")
    reading.actions = list(dict.fromkeys(reading.actions))
    reading.extra = list(dict.fromkeys(reading.extra))
    return reading
