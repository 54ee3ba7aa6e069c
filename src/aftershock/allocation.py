"""Pause Python's cyclic garbage collector while a phase allocates millions of objects.

Loading, compiling and checking a 100,000-component model allocate millions of small,
long-lived objects (pydantic models, frozensets, lists) and create no reference cycles worth
collecting; the generational collector would otherwise re-scan them over and over (about 4 s
of a 5 s validation at 100k components). Reference counting still frees everything at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Disable the cyclic collector for the block, restoring its previous state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
