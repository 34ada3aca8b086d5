"""``per_table``: values derived from a knowledge table are computed once per table object."""

from __future__ import annotations

from trdkit.knowledge.derived import per_table
from trdkit.knowledge.staging import load_staging_table


def test_per_table__same_object_is_computed_once() -> None:
    calls: list[tuple[str, ...]] = []

    @per_table
    def joined(table: tuple[str, ...]) -> str:
        calls.append(table)
        return "+".join(table)

    table = ("a", "b")
    assert joined(table) == joined(table) == "a+b"
    assert len(calls) == 1


def test_per_table__equal_but_distinct_objects_get_their_own_entry() -> None:
    seen: list[int] = []

    @per_table
    def size(table: list[int]) -> int:
        seen.append(id(table))
        return len(table)

    first, second = [1, 2], [1, 2]
    assert size(first) == size(second) == 2
    assert seen == [id(first), id(second)]


def test_per_table__memo_stays_bounded_and_correct() -> None:
    @per_table
    def first_item(table: tuple[int, ...]) -> int:
        return table[0]

    tables = [(i,) for i in range(100)]
    assert [first_item(t) for t in tables] == list(range(100))
    assert [first_item(t) for t in tables[:5]] == [0, 1, 2, 3, 4]


def test_per_table__staging_citations_match_the_header() -> None:
    table = load_staging_table()
    keys = tuple(s.key for s in table.header.sources)
    expected = " | ".join(s.citation for s in table.header.sources)
    assert table.citations(keys) == expected
    assert table.citations(keys) == expected  # the memoised map gives the same answer
