"""The cut-set algebra against its definition, on random families of small sets."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from aftershock.analysis.cutsets import Cut, Family, _gate, _product, _union

ORDER = st.integers(1, 3)


def naive_minimal(sets: set[Cut]) -> set[Cut]:
    return {s for s in sets if not any(o < s for o in sets)}


def as_family(sets: set[Cut]) -> Family:
    minimal = naive_minimal(sets)
    return Family(
        frozenset(next(iter(s)) for s in minimal if len(s) == 1),
        frozenset(s for s in minimal if len(s) > 1),
    )


def as_sets(family: Family) -> set[Cut]:
    return set(family.sets())


families = st.sets(st.frozensets(st.integers(0, 6), min_size=1, max_size=3), max_size=6).map(
    as_family
)


def naive_product(a: Family, b: Family, order: int) -> set[Cut]:
    unions = {x | y for x in as_sets(a) for y in as_sets(b) if len(x | y) <= order}
    return naive_minimal(unions)


def truncated(family: Family, order: int) -> Family:
    return as_family({s for s in as_sets(family) if len(s) <= order})


@settings(max_examples=400, deadline=None)
@given(families, families, ORDER)
def test_product_is_the_minimal_unions(a: Family, b: Family, order: int) -> None:
    a, b = truncated(a, order), truncated(b, order)
    assert as_sets(_product(a, b, order)) == naive_product(a, b, order)


@settings(max_examples=200, deadline=None)
@given(st.lists(families, min_size=1, max_size=4), ORDER)
def test_union_is_the_minimal_sets_of_all(parts: list[Family], order: int) -> None:
    parts = [truncated(p, order) for p in parts]
    expected = naive_minimal({s for p in parts for s in as_sets(p)})
    assert as_sets(_union(parts)) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(families, min_size=1, max_size=4), ORDER, st.data())
def test_k_of_n_gate(parts: list[Family], order: int, data: st.DataObject) -> None:
    parts = [truncated(p, order) for p in parts]
    m = data.draw(st.integers(1, len(parts)))
    expected: set[Cut] = set()
    for combo in combinations(parts, m):
        acc: set[Cut] = {frozenset()}
        for fam in combo:
            acc = {x | y for x in acc for y in as_sets(fam) if len(x | y) <= order}
        expected |= acc
    assert as_sets(_gate(parts, m, order)) == naive_minimal(expected)
