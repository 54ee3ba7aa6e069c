"""Reporters: result objects in, text out (terminal, JSON, Markdown)."""

from __future__ import annotations

import json
from typing import Any

from aftershock.escaping import escape_controls


def render_json(data: dict[str, Any]) -> str:
    """Return ``data`` as stable, indented JSON (same input, same bytes). Control characters
    from input are escaped (``\\u001b``), as JSON always escapes the C0 ones."""
    return escape_controls(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
