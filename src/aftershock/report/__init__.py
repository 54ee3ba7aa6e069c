"""Reporters: result objects in, text out (terminal, JSON, Markdown)."""

from __future__ import annotations

import json
from typing import Any


def render_json(data: dict[str, Any]) -> str:
    """Return ``data`` as stable, indented JSON (same input, same bytes)."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
