"""Result lists that share their long parts, and the JSON that writes each shared part once.

Some answers are big by nature: when 2,000 business services enter a ring of 2,000 components,
every one of them has the same 2,000 single points of failure, and every component in the ring
takes all 2,000 services down. Results hold such lists as a short list of their own and a
``Run`` shared with other results (``Names``), and paths as a head and a shared tail (``Path``),
so their memory follows the size of the model. In Python they read as the plain sequences they
stand for. In JSON (``compact``) a long part used in more than one place is written once, under
the document's ``shared`` key, and referred to where it belongs as ``{"shared": ID}``, an item
that stands for all the items of ``shared[ID]`` at that place (see README, "The JSON output").
Nothing is dropped: every list reads back to the same items, in the same order for paths and
cut sets; a list of names with a shared part gives its own names first.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

from aftershock.allocation import bulk_allocation

SHARE_MIN = 64
"""Parts with fewer items are written in place, however often they occur."""
PLAIN_ITEMS = 2_000_000
"""A document whose lists hold no more items than this, written out, is written out plain (no
``shared`` key): every model but the pathological ones (2,000 business services entering one
ring of 2,000 components hold 8 million)."""

Order = Callable[[str], Any] | None
"""How a list of names is ordered: a sort key, or None for the names themselves."""


class Run(tuple[str, ...]):
    """Names held once and referred to by every result that contains them (ordered)."""

    __slots__ = ()


class Names(Sequence[str]):
    """Distinct names in ``order``: ``own`` merged with ``shared`` (disjoint, both ordered).

    Reads as the merged sequence; compares equal to a list or tuple of the same names.
    """

    __slots__ = ("_items", "order", "own", "shared")

    def __init__(self, own: Iterable[str] = (), shared: Run | None = None, order: Order = None):
        self.own = tuple(own)
        self.shared = shared if shared else None
        self.order = order
        self._items: list[str] | None = None if self.shared else list(self.own)

    def __len__(self) -> int:
        return len(self.own) + (len(self.shared) if self.shared else 0)

    def __iter__(self) -> Iterator[str]:
        if self._items is not None:
            return iter(self._items)
        assert self.shared is not None
        return heapq.merge(self.own, self.shared, key=self.order)

    def items(self) -> list[str]:
        """Return every name, in order, as a list (kept once made)."""
        if self._items is None:
            self._items = list(iter(self))
        return self._items

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice) and index.start in (None, 0) and index.step in (None, 1):
            stop = index.stop
            if stop is not None and 0 <= stop <= len(self):
                return list(itertools.islice(iter(self), stop))
        return self.items()[index]

    def __contains__(self, name: object) -> bool:
        return name in self.own or (self.shared is not None and name in members(self.shared))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Names | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))


_MEMBERS: dict[int, tuple[Run, frozenset[str]]] = {}


def members(run: Run) -> frozenset[str]:
    """Return the names of ``run`` as a set, made once per run."""
    hit = _MEMBERS.get(id(run))
    if hit is None or hit[0] is not run:
        if len(_MEMBERS) > 4096:
            _MEMBERS.clear()
        hit = (run, frozenset(run))
        _MEMBERS[id(run)] = hit
    return hit[1]


class Path(Sequence[str]):
    """Names along a path: ``head``, then ``tail`` (another Path, shared with other paths)."""

    __slots__ = ("_len", "head", "tail")

    def __init__(self, head: Iterable[str], tail: Path | None = None) -> None:
        self.head = tuple(head)
        self.tail = tail if tail else None
        self._len = len(self.head) + (len(tail) if tail else 0)

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[str]:
        node: Path | None = self
        while node is not None:
            yield from node.head
            node = node.tail

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Path | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))


class CutSets(Sequence[list[str]]):
    """Minimal cut sets: each single point of failure alone (``singles``), then ``larger``
    (sorted by size, then names)."""

    __slots__ = ("larger", "singles")

    def __init__(self, singles: Names, larger: Iterable[Sequence[str]] = ()) -> None:
        self.singles = singles
        self.larger = tuple(list(s) for s in larger)

    def __len__(self) -> int:
        return len(self.singles) + len(self.larger)

    def __iter__(self) -> Iterator[list[str]]:
        yield from ([t] for t in self.singles)
        yield from (list(s) for s in self.larger)

    @overload
    def __getitem__(self, index: int) -> list[str]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[str]]: ...

    def __getitem__(self, index: int | slice) -> list[str] | list[list[str]]:
        return list(self)[index]

    def __contains__(self, cut: object) -> bool:
        if isinstance(cut, list | tuple) and len(cut) == 1:
            return cut[0] in self.singles
        return isinstance(cut, list | tuple) and list(cut) in self.larger

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CutSets | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))


# -- JSON -----------------------------------------------------------------------------------


class _Singles:
    """The cut sets of one name each made from a shared run (a part of its own in JSON)."""

    __slots__ = ("run",)

    def __init__(self, run: Run) -> None:
        self.run = run


def compact(document: dict[str, Any]) -> dict[str, Any]:
    """Return ``document`` as plain JSON data: Names, Paths and CutSets become lists, and every
    long part they share with another is written once under ``shared`` (added at the end when
    there is any)."""
    writer = _Writer()
    with bulk_allocation():  # a list per result: the collector would rescan the results
        writer.count(document)
        if writer.plain_items <= PLAIN_ITEMS:
            # A reader that looks a name up in a list must find it there: the shared form is
            # kept for the documents that could not be written out otherwise.
            written: dict[str, Any] = plain(document)
            return written
        out: dict[str, Any] = writer.write(document)
        writer.finish()
    if writer.entries:
        out["shared"] = writer.entries
    return out


class _Writer:
    def __init__(self) -> None:
        self.refs: dict[int, int] = {}
        self.keep: dict[int, object] = {}  # what the ids stand for, alive while we write
        self.ids: dict[int, str] = {}
        self.entries: dict[str, list[Any]] = {}
        self.singles: dict[int, _Singles] = {}
        self.pending: list[tuple[str, Run | Path | _Singles]] = []
        self.plain_items = 0
        """How many items the lists would hold written out."""

    # -- first pass: how often is each part used -------------------------------------------
    def _use(self, part: object) -> bool:
        """Count one use of ``part``; return whether it is the first."""
        key = id(part)
        self.keep[key] = part
        self.refs[key] = self.refs.get(key, 0) + 1
        return self.refs[key] == 1

    def count(self, value: Any) -> None:
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, Names | CutSets | Path):
                self.plain_items += len(item)
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list | tuple) and not isinstance(item, Run):
                stack.extend(item)
            elif isinstance(item, Names):
                if item.shared is not None:
                    self._use(item.shared)
            elif isinstance(item, CutSets):
                if item.singles.shared is not None:
                    self._use(self._singles(item.singles.shared))
            elif isinstance(item, Path):
                node: Path | None = item
                while node is not None and self._use(node):
                    node = node.tail

    def _singles(self, run: Run) -> _Singles:
        found = self.singles.get(id(run))
        if found is None:
            found = self.singles[id(run)] = _Singles(run)
        return found

    def _shared(self, part: Run | Path | _Singles) -> bool:
        size = len(part.run) if isinstance(part, _Singles) else len(part)
        return self.refs.get(id(part), 0) > 1 and size >= SHARE_MIN

    def _ref(self, part: Run | Path | _Singles) -> dict[str, str]:
        key = id(part)
        name = self.ids.get(key)
        if name is None:
            name = self.ids[key] = f"s{len(self.ids) + 1}"
            self.entries[name] = []  # reserved now: entries appear in order of first use
            self.pending.append((name, part))
        return {"shared": name}

    def finish(self) -> None:
        """Write the shared parts referred to (their contents may refer to more, as a path's
        tail refers to its own tail: a loop, not a recursion)."""
        while self.pending:
            name, part = self.pending.pop()
            self.entries[name] = self._content(part)

    def _content(self, part: Run | Path | _Singles) -> list[Any]:
        if isinstance(part, Run):
            return list(part)
        if isinstance(part, _Singles):
            return [[t] for t in part.run]
        return self._path(part)

    # -- second pass: plain data -------------------------------------------------------------
    def write(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.write(v) for k, v in value.items()}
        if isinstance(value, Names):
            return self._names(value)
        if isinstance(value, CutSets):
            return self._cuts(value)
        if isinstance(value, Path):
            return self._path(value)
        if isinstance(value, list | tuple):
            return [self.write(v) for v in value]
        return value

    def _names(self, names: Names) -> list[Any]:
        if names.shared is None or not self._shared(names.shared):
            return list(names)
        return [*names.own, self._ref(names.shared)]

    def _cuts(self, cuts: CutSets) -> list[Any]:
        run = cuts.singles.shared
        if run is None or not self._shared(self._singles(run)):
            return list(cuts)
        return [
            *([t] for t in cuts.singles.own),
            self._ref(self._singles(run)),
            *(list(s) for s in cuts.larger),
        ]

    def _path(self, path: Path) -> list[Any]:
        out: list[Any] = []
        node: Path | None = path
        while node is not None:
            if node is not path and self._shared(node):
                out.append(self._ref(node))
                break
            out.extend(node.head)
            node = node.tail
        return out


def plain(value: Any) -> Any:
    """Return ``value`` with every Names, Path and CutSets written out in full (no sharing)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Names | CutSets | Path):
        return [plain(v) for v in value]
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def expand(document: dict[str, Any]) -> dict[str, Any]:
    """Return a ``compact`` document with every ``{"shared": ID}`` replaced by its items: the
    plain document, as a reader of the JSON rebuilds it (a reference for tests and readers)."""
    shared: dict[str, list[Any]] = document.get("shared", {})
    done: dict[str, list[Any]] = {}

    def ref(item: Any) -> str | None:
        is_ref = isinstance(item, dict) and set(item) == {"shared"}
        return item["shared"] if is_ref else None

    def resolve(name: str) -> list[Any]:
        stack = [name]  # entries refer to entries: resolve the innermost first, no recursion
        while stack:
            top = stack[-1]
            waiting = [r for r in map(ref, shared[top]) if r is not None and r not in done]
            if waiting:
                stack.extend(waiting)
                continue
            stack.pop()
            done[top] = [x for i in shared[top] for x in splice(i)]
        return done[name]

    def splice(item: Any) -> list[Any]:
        name = ref(item)
        return list(resolve(name)) if name is not None else [rebuild(item)]

    def rebuild(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: rebuild(v) for k, v in value.items()}
        if isinstance(value, list):
            return [x for item in value for x in splice(item)]
        return value

    return {k: rebuild(v) for k, v in document.items() if k != "shared"}
