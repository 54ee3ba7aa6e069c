"""Where the real public inputs live (../shared/realworld, beside the project) and how tests
that need them skip, with the reason, where they are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"


def realworld(*parts: str) -> Path:
    """Return the real input at ``parts`` below the folder, or skip the test saying why."""
    path = REALWORLD.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"real-world input {path} is absent (../shared/realworld sits beside the project)"
        )
    return path
