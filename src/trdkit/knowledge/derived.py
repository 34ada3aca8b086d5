"""Values derived from one knowledge table (or row), computed once per table object.

Rules often turn a table into a lookup (weights by symptom, names by cluster, thresholds by item)
before reading the record. Tables are loaded once (``functools.cache`` loaders), frozen and
validated, so such a derived value depends only on the table object and can be shared by every
assessment. ``per_table`` memoises a one-argument function by the identity of its argument; the
entry keeps the argument alive, so an identity reused by another object is never mistaken for it.
Tables built by hand (tests) get their own entries; the memo is small and cleared when full.

Derived values are shared: return immutable ones (tuples, frozensets, ``MappingProxyType``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["per_table"]

T = TypeVar("T")
R = TypeVar("R")

_MAX_ENTRIES = 16


class _PerTable(Generic[T, R]):
    """A memo of ``fn`` keyed on the identity of its single argument."""

    def __init__(self, fn: Callable[[T], R]) -> None:
        self._fn = fn
        self._entries: dict[int, tuple[T, R]] = {}
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn

    def __call__(self, source: T) -> R:
        hit = self._entries.get(id(source))
        if hit is not None and hit[0] is source:
            return hit[1]
        value = self._fn(source)
        if len(self._entries) >= _MAX_ENTRIES:
            self._entries.clear()
        self._entries[id(source)] = (source, value)
        return value


def per_table(fn: Callable[[T], R]) -> Callable[[T], R]:
    """Memoise ``fn(table)`` by the identity of ``table`` (a frozen knowledge object).

    Parameters
    ----------
    fn
        A pure function of one knowledge table or row, returning an immutable value.

    Returns
    -------
    callable
        ``fn`` with its result kept per table object.

    Examples
    --------
    >>> calls = []
    >>> @per_table
    ... def names(table: tuple[str, ...]) -> frozenset[str]:
    ...     calls.append(1)
    ...     return frozenset(table)
    >>> t = ("a", "b")
    >>> names(t) == names(t) == frozenset({"a", "b"}), len(calls)
    (True, 1)
    """
    return _PerTable(fn)
