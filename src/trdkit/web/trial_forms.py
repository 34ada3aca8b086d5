"""The treatment-trial form: a drug from the catalogue or a procedure, dose, dates and outcome.

Drug names are offered from the drug catalogue (``knowledge/drugs.yaml``) as a datalist, so the
browser completes them; any name the catalogue resolves (brand names too) is accepted, and an
unknown one is refused by the record model with close matches. Editing a trial changes only the
fields of this form and keeps the others (e.g. serum levels).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from trdkit.knowledge.drugs import load_drug_catalogue
from trdkit.record.vocab import Adherence, EctLaterality, Episode, Outcome, Procedure, Role
from trdkit.web.fields import FormField, choices_of, convert, delete_path, set_path

__all__ = [
    "TRIAL_FIELDS",
    "DrugOption",
    "default_values",
    "drug_options",
    "merge_trial",
    "trial_summary",
]

TRIAL_FIELDS = (
    FormField(
        "drug",
        "Drug",
        datalist="drug-names",
        hint="a name from the catalogue (brand names are accepted); or choose a procedure",
    ),
    FormField("procedure", "Procedure", "select", choices_of(Procedure, blank="none (a drug)")),
    FormField("dose_mg_per_day", "Dose (mg/day)", "number", min=0, max=5000, step="any"),
    FormField("start", "Start", "date"),
    FormField("end", "End", "date", hint="leave empty while the trial goes on"),
    FormField(
        "weeks_at_dose",
        "Weeks at this dose",
        "number",
        min=0,
        max=1040,
        step="any",
        hint="when known; it wins over the dates",
    ),
    FormField("adherence", "Adherence", "select", choices_of(Adherence, blank="not recorded")),
    FormField("outcome", "Outcome", "select", choices_of(Outcome)),
    FormField("improvement_pct", "Improvement (%)", "number", min=-500, max=100, step="any"),
    FormField("role", "Role", "select", choices_of(Role)),
    FormField(
        "with",
        "Added to (augmentation or combination)",
        "list",
        datalist="drug-names",
        hint="comma-separated drug names",
    ),
    FormField("episode", "Episode", "select", choices_of(Episode)),
    FormField(
        "laterality",
        "ECT electrode placement",
        "select",
        choices_of(EctLaterality, blank="not applicable"),
    ),
    FormField("sessions", "Sessions (ECT, rTMS)", "number", min=1, max=500, step="1"),
)
_DEFAULTS = {
    "outcome": Outcome.unknown.value,
    "role": Role.monotherapy.value,
    "episode": Episode.current.value,
}


@dataclass(frozen=True)
class DrugOption:
    """One catalogue drug for the datalist: its id and display name."""

    id: str
    name: str


@cache
def drug_options() -> tuple[DrugOption, ...]:
    """Every catalogue drug, by display name."""
    drugs = load_drug_catalogue().drugs
    return tuple(sorted((DrugOption(d.id, d.name) for d in drugs.values()), key=lambda o: o.name))


def default_values() -> dict[str, str]:
    """A blank trial."""
    return dict(_DEFAULTS)


def merge_trial(stored: Mapping[str, Any] | None, values: Mapping[str, str]) -> dict[str, Any]:
    """The trial with the form's fields applied (blank answers remove the key)."""
    out: dict[str, Any] = copy.deepcopy(dict(stored)) if stored else {}
    for field in TRIAL_FIELDS:
        value = convert(field, values.get(field.name))
        if value is None or value == []:
            delete_path(out, field.name)
        else:
            set_path(out, field.name, value)
    return out


def trial_summary(data: Mapping[str, Any]) -> str:
    """A one-line description of a stored trial, for confirmations and headings."""
    name = data.get("drug") or str(data.get("procedure", "trial")).replace("_", " ")
    dose = data.get("dose_mg_per_day")
    return f"{name} {dose:g} mg/day" if isinstance(dose, int | float) else str(name)
