"""Reading infrastructure-code inputs: files as text with located errors, and the secret values
in them (recorded on the Draft so the emitter can prove none is written)."""

from __future__ import annotations

import re
from pathlib import Path

from aftershock.importers.aws_placement import is_region, is_zone_id, is_zone_name
from aftershock.importers.draft import Draft
from aftershock.importers.input_files import read_text
from aftershock.importers.secrets import looks_secret
from aftershock.source import LIMITS


def read_input(path: Path, hint: str, *, limit: int = LIMITS.json_bytes) -> str:
    """Return the UTF-8 text of input ``path``; see input_files.read_text."""
    return read_text(path, hint, limit=limit)


_TRANSPARENT = {"constant_value", "value", "Default"}
_PASSWORDISH = re.compile(
    r"pass|pwd|secret|private_?key|access_?key|api_?key|token|credential", re.IGNORECASE
)
_WORD = re.compile(r"[A-Za-z][A-Za-z_]{0,15}|[A-Za-z]+(?:-[A-Za-z]+)*")


def _plain(key: str, text: str) -> bool:
    """Values that name, not hide: ARNs, regions and zones; and, unless the attribute is
    named like a password or key, single words (enum values such as NONE under an attribute
    that only sounds secret, like authorization_type) and ``${...}`` templates."""
    if text.startswith("arn:") or is_region(text) or is_zone_id(text) or is_zone_name(text):
        return True
    if _PASSWORDISH.search(key):
        return False
    return bool(_WORD.fullmatch(text)) or "${" in text  # a word, or a template of references


def record_secrets(
    draft: Draft,
    key: str,
    value: object,
    *,
    sensitive: bool = False,
    structural: frozenset[str] = frozenset(),
) -> None:
    """Record on ``draft`` every value under ``value`` that is marked ``sensitive`` or that
    looks like a credential (by its key or its form); ``key`` names the attribute. Keys in
    ``structural`` (addresses, types, references) hold names, not data, and are skipped."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not sensitive and k in structural:
                continue
            # {"password": {"constant_value": "..."}}: the attribute is the enclosing key
            name = key if k in _TRANSPARENT else str(k)
            record_secrets(draft, name, v, sensitive=sensitive, structural=structural)
    elif isinstance(value, list):
        for item in value:
            record_secrets(draft, key, item, sensitive=sensitive, structural=structural)
    elif isinstance(value, bool) or value is None:
        return
    elif sensitive or (
        isinstance(value, str) and not _plain(key, value.strip()) and looks_secret(key, value)
    ):
        draft.secret(value)
