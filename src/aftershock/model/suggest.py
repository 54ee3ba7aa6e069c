"""'Did you mean' for misspelt names: the closest choice by edit distance with transpositions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def edit_distance(a: str, b: str) -> int:
    """Return the optimal-string-alignment distance: insertions, deletions, substitutions and
    swaps of adjacent characters each cost 1 (Damerau 1964), so 'us-esat-1' is 1 from
    'us-east-1'."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def closest(word: str, choices: Iterable[str]) -> str | None:
    """Return the choice a misspelt ``word`` most likely meant, or None when none is close."""
    options = sorted(set(choices))
    if not options or not word:
        return None
    limit = max(1, min(3, len(word) // 3))
    scored = [(edit_distance(word.lower(), c.lower()), c) for c in options]
    best = min(scored, key=lambda s: (s[0], -difflib.SequenceMatcher(None, word, s[1]).ratio()))
    if best[0] <= limit:
        return best[1]
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.75)
    return match[0] if match else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """Return "did you mean 'x'?" for the closest choice, or None."""
    guess = closest(word, choices)
    return f"did you mean {guess!r}?" if guess else None
