"""'Did you mean' for misspelt names: the closest choice by edit distance with transpositions.

Bounded, whatever the input: a word longer than any name gets no suggestion (comparing costs
its length times each choice's), and the distances are computed by rapidfuzz's C++ kernels with
a cut-off, so a typo in a model of 100,000 components is matched in milliseconds. Callers ask
only for the few messages they show.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from aftershock.source import LIMITS


def edit_distance(a: str, b: str) -> int:
    """Return the optimal-string-alignment distance: insertions, deletions, substitutions and
    swaps of adjacent characters each cost 1 (Damerau 1964), so 'us-esat-1' is 1 from
    'us-east-1'."""
    return int(OSA.distance(a, b))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """Return the choice a misspelt ``word`` most likely meant, or None when none is close
    (or ``word`` is itself one of the choices, or too long to be a misspelt name)."""
    options = sorted(set(choices))
    if not options or not word or len(word) > LIMITS.suggest_chars or word in options:
        return None
    limit = max(1, min(3, len(word) // 3))
    lowered = [c.lower() for c in options]
    near = process.extract(
        word.lower(), lowered, scorer=OSA.distance, score_cutoff=limit, limit=None
    )
    if near:
        best = min(distance for _, distance, _ in near)
        tied = [options[index] for _, distance, index in near if distance == best]
        return min(tied, key=lambda c: -difflib.SequenceMatcher(None, word, c).ratio())
    # No near spelling: a similar-looking one (difflib's ratio of at least 0.75), found among
    # the few that rapidfuzz's ratio (the same measure, computed in C++) puts close.
    similar = process.extract(word, options, scorer=fuzz.ratio, score_cutoff=70, limit=20)
    scored = [(difflib.SequenceMatcher(None, word, c).ratio(), c) for c, _, _ in similar]
    good = [s for s in scored if s[0] >= 0.75]
    return max(good)[1] if good else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """Return "did you mean 'x'?" for the closest choice, or None."""
    guess = closest(word, choices)
    return f"did you mean {guess!r}?" if guess else None
