"""Find an importer's input files (folders recursed) and read them as text, with errors that
name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from aftershock.errors import ImportInputError, Problem

MAX_INPUT_BYTES = 512 * 1024 * 1024


def input_files(paths: Sequence[Path], suffixes: Iterable[str], what: str) -> list[Path]:
    """Return ``paths`` with each folder replaced by the files under it whose names end in one
    of ``suffixes`` (sorted, hidden folders skipped). Raises ImportInputError for a missing
    path, or when nothing is left to read (``what`` names what was looked for)."""
    wanted = tuple(s.lower() for s in suffixes)
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.name.lower().endswith(wanted)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            found.append(path)
        else:
            raise ImportInputError(
                Problem("file not found", file=str(path), value=str(path), hint="check the path")
            )
    if not found:
        where = ", ".join(str(p) for p in paths) or "(no paths given)"
        raise ImportInputError(
            Problem(
                f"no {what} found in {where}",
                value=where,
                hint=f"name the files, or a folder holding {' or '.join(wanted)} files",
            )
        )
    return found


def read_text(
    path: Path, hint: str | None = None, *, label: str | None = None, allow_empty: bool = False
) -> str:
    """Return the UTF-8 text of input ``path`` (named ``label`` in messages). Raises
    ImportInputError, with ``hint`` saying what to pass instead, for a missing, unreadable,
    oversized, binary, non-UTF-8 or (unless ``allow_empty``) empty file."""
    name = label or str(path)
    if not path.exists():
        raise ImportInputError(
            Problem("file not found", file=name, value=name, hint="check the path")
        )
    if path.is_dir():
        raise ImportInputError(
            Problem("is a directory, not a file", file=name, hint=hint or "name a file here")
        )
    try:
        size = path.stat().st_size
        raw = b"" if size > MAX_INPUT_BYTES else path.read_bytes()
    except OSError as exc:
        raise ImportInputError(
            Problem(
                f"cannot read it: {exc.strerror or exc}",
                file=name,
                hint="check the file's permissions",
            )
        ) from exc
    if size > MAX_INPUT_BYTES:
        raise ImportInputError(
            Problem(
                f"file is {size} bytes, over the {MAX_INPUT_BYTES} byte limit",
                file=name,
                hint="split the input into smaller files",
            )
        )
    nul = raw.find(b"\x00", 0, 65536)
    if nul >= 0:
        raise ImportInputError(
            Problem(
                f"not a text file (NUL byte at offset {nul})",
                file=name,
                line=raw[:nul].count(b"\n") + 1,
                hint=hint or "pass the exported JSON, YAML or CSV text, not an archive or binary",
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportInputError(
            Problem(
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                file=name,
                line=raw[: exc.start].count(b"\n") + 1,
                hint="save the file as UTF-8",
            )
        ) from exc
    if not text.strip() and not allow_empty:
        raise ImportInputError(
            Problem(
                "the file is empty",
                file=name,
                hint=hint or "export the data again; nothing to read",
            )
        )
    return text


def parse_json(text: str, path: Path, hint: str, what: str = "not valid JSON") -> Any:
    """Return the JSON value of ``text``; ImportInputError at the line and column of a syntax
    error, saying ``what`` and ``hint``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportInputError(
            Problem(
                f"{what}: {exc.msg}",
                file=str(path),
                line=exc.lineno,
                column=exc.colno,
                hint=hint,
            )
        ) from exc
