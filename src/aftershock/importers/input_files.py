"""Find an importer's input files and read them as text, through the shared reader with the
importers' error class."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from aftershock.errors import ImportInputError, Problem
from aftershock.source import LIMITS
from aftershock.source import input_files as find_files
from aftershock.source import parse_json as parse_source_json
from aftershock.source import read_text as read_source


def input_files(
    paths: Sequence[Path], suffixes: Iterable[str], what: str, *, root: Path | None = None
) -> list[Path]:
    """Return ``paths`` with each folder replaced by the files under it whose names end in one
    of ``suffixes``; see ``aftershock.source.input_files``."""
    return find_files(paths, suffixes, what, ImportInputError, root=root)


def read_text(
    path: Path,
    hint: str | None = None,
    *,
    label: str | None = None,
    allow_empty: bool = False,
    limit: int = LIMITS.json_bytes,
) -> str:
    """Return the UTF-8 text of input ``path`` (named ``label`` in messages). Raises
    ImportInputError, with ``hint`` saying what to pass instead, for a missing, special,
    unreadable, oversized, binary, non-UTF-8 or (unless ``allow_empty``) empty file."""
    name = label or str(path)
    text = read_source(
        path,
        ImportInputError,
        label=name,
        limit=limit,
        binary_hint=hint or "pass the exported JSON, YAML or CSV text, not an archive or binary",
    )
    if not text.strip() and not allow_empty:
        raise ImportInputError(
            Problem("the file is empty", file=name, hint=hint or "export the data again")
        )
    return text


def parse_json(text: str, path: Path, hint: str, what: str = "not valid JSON") -> Any:
    """Return the JSON value of ``text``; ImportInputError at the line and column of a syntax
    error, or for nesting or numbers over the limits, saying ``what`` and ``hint``."""
    return parse_source_json(text, str(path), ImportInputError, hint=hint, what=what)
