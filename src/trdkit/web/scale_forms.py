"""The visit form of any rating scale, built from the knowledge tables, item by item.

The number of items, each item's answer range, whether a total alone is accepted and the extra
fields an instrument carries all come from ``knowledge/instruments.yaml`` (the record models
validate against the same table), so a new instrument needs no web code. The questions' wording
is the instruments' owners' and is not reproduced: items are shown by number with their allowed
answers, as on the paper or electronic form the clinician reads from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import annotated_types

from trdkit.knowledge.instruments import InstrumentSpec, load_instruments
from trdkit.record import ScaleAdministration
from trdkit.record.scale_models import BIPOLARITY_INDEX_DOMAIN_VALUES, BipolarityDomains
from trdkit.record.vocab import MdqProblem
from trdkit.web.fields import Choice, FormField, choices_of, convert, set_path

__all__ = [
    "DATE_FIELD",
    "ScaleForm",
    "default_values",
    "instrument_choices",
    "scale_data",
    "scale_form",
]

_NOT_ANSWERED = Choice("", "not answered")
_TRI_CHOICES = (Choice("yes", "yes"), Choice("no", "no"), Choice("", "unknown"))


@dataclass(frozen=True)
class ScaleForm:
    """The fields of one instrument's form, in the order they are shown."""

    instrument: str
    name: str
    items: tuple[FormField, ...]
    total: FormField | None
    extra: tuple[FormField, ...]
    sources: tuple[str, ...]

    @property
    def fields(self) -> tuple[FormField, ...]:
        """Every field, the date first."""
        head = (DATE_FIELD, *self.items)
        return head + ((self.total,) if self.total else ()) + self.extra


DATE_FIELD = FormField("date", "Date of the administration", kind="date", required=True)


def instrument_choices() -> tuple[Choice, ...]:
    """Every instrument of the table, by display name."""
    return tuple(Choice(s.id, s.name) for s in load_instruments().instruments.values())


def _bounds(field_name: str) -> tuple[int, int]:
    # The range of an extra field (e.g. PHQ-9 difficulty 0-3) is declared on the record model.
    info = ScaleAdministration.model_fields[field_name]
    low = next(m.ge for m in info.metadata if isinstance(m, annotated_types.Ge))
    high = next(m.le for m in info.metadata if isinstance(m, annotated_types.Le))
    assert isinstance(low, int) and isinstance(high, int)
    return low, high


def _extra_fields(spec: InstrumentSpec) -> tuple[FormField, ...]:
    out: list[FormField] = []
    for name in spec.extra:
        if name == "difficulty":
            low, high = _bounds(name)
            choices = (_NOT_ANSWERED, *(Choice(str(v), str(v)) for v in range(low, high + 1)))
            out.append(
                FormField(
                    name, f"Difficulty caused by the problems ({low}-{high})", "select", choices
                )
            )
        elif name in ("same_period", "behaviour_past_3_months"):
            label = name.replace("_", " ").capitalize()
            out.append(FormField(name, label, "tri", _TRI_CHOICES))
        elif name == "problem":
            out.append(
                FormField(
                    name,
                    "How much of a problem",
                    "select",
                    choices_of(MdqProblem, blank="not answered"),
                )
            )
        elif name == "domains":
            points = (
                _NOT_ANSWERED,
                *(Choice(str(v), str(v)) for v in BIPOLARITY_INDEX_DOMAIN_VALUES),
            )
            out.extend(
                FormField(
                    f"domains.{domain}",
                    f"Domain: {domain.replace('_', ' ')}",
                    "select",
                    points,
                    required=True,
                )
                for domain in BipolarityDomains.model_fields
            )
    return tuple(out)


@cache
def scale_form(instrument: str) -> ScaleForm:
    """The form of one instrument.

    Raises
    ------
    KeyError
        When the table has no such instrument.
    """
    table = load_instruments()
    spec = table[instrument]
    citations = {s.key: s.citation for s in table.header.sources}
    items = tuple(
        FormField(
            f"items[{i}]",
            f"Item {i + 1}",
            "radio",
            (*(Choice(str(v), str(v)) for v in range(top + 1)), _NOT_ANSWERED),
            hint=f"0-{top}",
        )
        for i, top in enumerate(spec.item_max)
    )
    total = None
    if spec.accepts_total:
        low, high = spec.total_min, spec.total_max
        hint = "only when the item answers are not available"
        if not spec.items:
            hint = ""
        total = FormField(
            "total",
            f"Total score ({low}-{high})" if low is not None else "Total score",
            "number",
            hint=hint,
            min=low,
            max=high,
            step="1",
        )
    return ScaleForm(
        instrument=spec.id,
        name=spec.name,
        items=items,
        total=total,
        extra=_extra_fields(spec),
        sources=tuple(citations.get(key, key) for key in spec.sources),
    )


def default_values(form: ScaleForm, today: dt.date) -> dict[str, str]:
    """A blank form dated today."""
    return {"date": today.isoformat()}


def scale_data(form: ScaleForm, values: Mapping[str, str]) -> dict[str, Any]:
    """The administration as the record's ``scales`` entry, from the submitted text.

    Item answers go in ``items`` when any is given (unanswered ones as ``null``); otherwise the
    total, when given. Validation is left to the record model, which names the field.
    """
    data: dict[str, Any] = {"instrument": form.instrument}
    date = convert(DATE_FIELD, values.get("date"))
    if date is not None:
        data["date"] = date
    answers = [convert(f, values.get(f.name)) for f in form.items]
    if any(a is not None for a in answers):
        data["items"] = answers
    if form.total is not None:
        total = convert(form.total, values.get("total"))
        if total is not None:
            data["total"] = total
    for field in form.extra:
        value = convert(field, values.get(field.name))
        if value is not None:
            set_path(data, field.name, value)
    return data
