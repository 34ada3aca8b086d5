"""Building output models from values that are already valid, without validating them again.

The rule engines build their output models (``ScaleResult``, ``TrialVerdict``,
``ResearchMarker``, ...) from fields of the validated record, validated knowledge rows and values
they compute themselves with the field's own type. Validating those values again costs more than
the rule that computed them. ``trusted`` fills the model the way validation would (every field in
declaration order, defaults for the fields not given) and ``evolve`` is ``model_copy(update=...)``
without the generic copy machinery.

Use them only where each value already has the field's exact type (a ``float`` field gets a
``float``, an enum field the enum member): validation would coerce, these do not. The tests in
``tests/test_assess_trusted.py`` check that every output of ``assess`` over the golden
examples and generated records survives ``model_validate(model_dump())`` unchanged, types
included.
"""

from __future__ import annotations

import copy
import enum
import functools
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel

__all__ = ["evolve", "trusted"]

M = TypeVar("M", bound=BaseModel)

_REQUIRED = object()
_set = object.__setattr__

_IMMUTABLE = (type(None), bool, int, float, str, tuple, frozenset, enum.Enum)


class _Plan(NamedTuple):
    template: dict[str, Any]
    required: frozenset[str]
    fresh: tuple[tuple[str, Callable[[], Any]], ...]


@functools.cache
def _plan(cls: type[BaseModel]) -> _Plan:
    # Per model class, once: field order and defaults never change after class creation.
    if cls.__private_attributes__ or cls.model_config.get("extra") == "allow":
        raise TypeError(f"{cls.__name__}: private attributes or extras need full validation")
    template: dict[str, Any] = {}
    required: list[str] = []
    fresh: list[tuple[str, Callable[[], Any]]] = []
    for name, info in cls.model_fields.items():
        factory = info.default_factory
        template[name] = _REQUIRED
        if factory is not None:
            if info.default_factory_takes_validated_data:
                raise TypeError(f"{cls.__name__}.{name}: a data-dependent default needs validation")
            fresh.append((name, factory))  # type: ignore[arg-type]
        elif info.is_required():
            required.append(name)
        elif isinstance(info.default, _IMMUTABLE):
            template[name] = info.default
        else:
            # Pydantic copies a mutable default per instance; so must this.
            fresh.append((name, functools.partial(copy.copy, info.default)))
    return _Plan(template, frozenset(required), tuple(fresh))


def trusted(cls: type[M], /, **values: Any) -> M:
    """Build ``cls`` from already-valid ``values`` without validation.

    Parameters
    ----------
    cls
        A pydantic model without private attributes or extra fields.
    **values
        Field values, each of the field's exact type.

    Returns
    -------
    M
        The model, with the fields not given at their defaults.

    Raises
    ------
    TypeError
        When a required field is missing or a name is not a field.
    """
    plan = _plan(cls)
    data = {**plan.template, **values}
    if len(data) != len(plan.template):
        raise TypeError(f"{cls.__name__}: unknown fields {sorted(set(data) - set(plan.template))}")
    if not values.keys() >= plan.required:
        raise TypeError(
            f"{cls.__name__}: missing required fields {sorted(plan.required - values.keys())}"
        )
    for name, make in plan.fresh:
        if name not in values:
            data[name] = make()
    model = cls.__new__(cls)
    _set(model, "__dict__", data)
    _set(model, "__pydantic_fields_set__", set(values))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def evolve(model: M, update: dict[str, Any]) -> M:
    """Return ``model.model_copy(update=update)`` at a fraction of its cost.

    Like ``model_copy`` it does not validate ``update``; field order is kept.
    """
    cls = type(model)
    _plan(cls)  # refuses models with private attributes or extras
    new = cls.__new__(cls)
    _set(new, "__dict__", {**model.__dict__, **update})
    _set(new, "__pydantic_fields_set__", model.__pydantic_fields_set__ | update.keys())
    _set(new, "__pydantic_extra__", None)
    _set(new, "__pydantic_private__", None)
    return new
